// Factories over a generated client: `factory.goals.create(overrides, { with, link })` fills the required
// attributes (values.ts), builds linked entities on request and the links the server requires, writes it
// all in one transaction through the client (so its validators see every value), and reads the entity
// back through the client (so dates and links come back as the client returns them).

import type { EntityFactorySpec, FactorySpecs } from '../../ir/factorySpecs.js';
import { fillValue, randomStream, uuidFrom } from './values.js';

/** The part of a generated client the factories use. */
export interface FactoryClient {
  entities: Record<string, { tx(id: string): FactoryChain; get(id: string, query?: object): Promise<unknown> }>;
  transact(chunks: readonly unknown[]): Promise<unknown>;
}
interface FactoryChain {
  create(attrs: object): FactoryChain;
  link(links: object): FactoryChain;
}

type Attrs = Record<string, unknown>;
/** `with` for one label: how many to build (has-many), `true` (one), the overrides of one, or of each. */
export type WithValue = number | true | Attrs | readonly Attrs[];
export interface CreateOptions {
  /** Linked entities to build with this one, by link label, e.g. `{ todos: 3, owner: true }`. */
  with?: Record<string, WithValue>;
  /** Links to existing entities, as `chain.link(...)` takes them: `{ owner: userId }`. */
  link?: Record<string, unknown>;
}

export interface UntypedEntityFactory {
  build(overrides?: Attrs): Attrs & { id: string };
  create(overrides?: Attrs, options?: CreateOptions): Promise<Attrs>;
  createMany(count: number, overrides?: Attrs | ((index: number) => Attrs), options?: CreateOptions): Promise<Attrs[]>;
}

export interface FactorySetOptions {
  /** Makes the data reproducible: the same seed gives the same ids and values on every run. Default 0. */
  seed?: number | string;
}

/** Deep chains of required links (a requires b requires c ...) end here rather than loop. */
const MAX_DEPTH = 8;

interface Plan {
  id: string;
  chunks: unknown[];
}

/** The factories and a `restart()` that starts every sequence again (used by `t.reset()`). */
export function factorySet(db: FactoryClient, specs: FactorySpecs, options: FactorySetOptions = {}) {
  const seed = options.seed ?? 0;
  const counters = new Map<string, number>();

  const specOf = (entity: string, call: string): EntityFactorySpec => {
    const spec = Object.hasOwn(specs, entity) ? specs[entity] : undefined;
    if (!spec) throw new Error(`${call}: no factory for \`${entity}\`; factories exist for ${Object.keys(specs).join(', ')}.`);
    return spec;
  };

  /** The attributes of the next `entity`, overrides applied; `id` from the overrides or the seed. */
  function attributes(entity: string, overrides: Attrs, call: string): { id: string; attrs: Attrs } {
    const spec = specOf(entity, call);
    const n = (counters.get(entity) ?? 0) + 1;
    const attrs: Attrs = {};
    for (const [name, fill] of Object.entries(spec.attrs)) {
      if (Object.hasOwn(overrides, name)) continue;
      if ('given' in fill) {
        throw new Error(
          `${call}: ${entity}.${name} is required and typed by the schema as ${fill.given}, a value the factory cannot make up. ` +
            `Pass it: ${call.replace(/\(.*$/, '')}({ ${name}: ... }).`,
        );
      }
      attrs[name] = fillValue(fill.type, fill.unique === true, name, entity, n, randomStream(seed, entity, n, name));
    }
    counters.set(entity, n);
    const { id: givenId, ...rest } = overrides;
    const id = typeof givenId === 'string' ? givenId : uuidFrom(randomStream(seed, entity, n, '$id'));
    return { id, attrs: { ...attrs, ...rest } };
  }

  function plan(entity: string, overrides: Attrs, opts: CreateOptions, satisfied: readonly string[], call: string, depth: number): Plan {
    const spec = specOf(entity, call);
    // `with` is checked before the entity takes its number: a refused call leaves the sequence as it was.
    const built = Object.entries(opts.with ?? {}).map(([label, value]) => {
      if (!Object.hasOwn(spec.links, label)) {
        throw new Error(`${call}: \`with.${label}\`: ${entity} has no link \`${label}\` to an entity with a factory; its links: ${Object.keys(spec.links).join(', ') || 'none'}.`);
      }
      if (opts.link && Object.hasOwn(opts.link, label)) throw new Error(`${call}: \`${label}\` is in both \`with\` and \`link\`; give it in one of them.`);
      return [label, withItems(entity, label, spec.links[label].has, value, call)] as const;
    });
    const { id, attrs } = attributes(entity, overrides, call);
    const links: Attrs = { ...opts.link };
    const chunks: unknown[] = [];
    const build = (label: string, items: readonly Attrs[]) => {
      const link = spec.links[label];
      if (depth >= MAX_DEPTH) throw new Error(`${call}: required links nest deeper than ${MAX_DEPTH} (through ${entity}.${label}); pass \`link\` to existing entities.`);
      const ids = items.map((item) => {
        const child = plan(link.target, item, {}, [link.back], call, depth + 1);
        chunks.push(...child.chunks);
        return child.id;
      });
      links[label] = link.has === 'one' ? ids[0] : ids;
    };
    for (const [label, items] of built) build(label, items);
    for (const [label, link] of Object.entries(spec.links)) {
      if (link.required && !Object.hasOwn(links, label) && !satisfied.includes(label)) build(label, [{}]);
    }
    const chain = db.entities[entity].tx(id).create(attrs);
    // Linked entities first: this one's links then point at ids the transaction has already created.
    chunks.push(Object.keys(links).length ? chain.link(links) : chain);
    return { id, chunks };
  }

  async function readBack(entity: string, id: string, opts: CreateOptions, call: string): Promise<Attrs> {
    const subquery = Object.fromEntries(Object.keys(opts.with ?? {}).map((label) => [label, {}]));
    const row = await db.entities[entity].get(id, Object.keys(subquery).length ? subquery : undefined);
    if (!row) throw new Error(`${call}: ${entity} ${id} was written but cannot be read back as admin`);
    return row as Attrs;
  }

  function entityFactory(entity: string): UntypedEntityFactory {
    return {
      build(overrides = {}) {
        const { id, attrs } = attributes(entity, overrides, `factory.${entity}.build()`);
        return { id, ...attrs };
      },
      async create(overrides = {}, opts = {}) {
        const call = `factory.${entity}.create()`;
        const { id, chunks } = plan(entity, overrides, opts, [], call, 0);
        await db.transact(chunks);
        return readBack(entity, id, opts, call);
      },
      async createMany(count, overrides = {}, opts = {}) {
        const call = `factory.${entity}.createMany()`;
        if (!Number.isInteger(count) || count < 0) throw new TypeError(`${call}: count must be a whole number ≥ 0, got ${String(count)}`);
        const plans = Array.from({ length: count }, (_, i) => plan(entity, typeof overrides === 'function' ? overrides(i) : overrides, opts, [], call, 0));
        if (plans.length) await db.transact(plans.flatMap((p) => p.chunks));
        return Promise.all(plans.map((p) => readBack(entity, p.id, opts, call)));
      },
    };
  }

  const factory: Record<string, UntypedEntityFactory> = {};
  for (const entity of Object.keys(specs)) factory[entity] = entityFactory(entity);
  return { factory, restart: () => counters.clear() };
}

/** `with` values as a list of overrides, checked against the link's cardinality. */
function withItems(entity: string, label: string, has: 'one' | 'many', value: WithValue, call: string): readonly Attrs[] {
  const where = `${call}: \`with.${label}\` (${entity}.${label} has ${has})`;
  if (has === 'one') {
    if (value === true) return [{}];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return [value as Attrs];
    throw new TypeError(`${where} takes \`true\` or the overrides of the one entity to build, not ${JSON.stringify(value)}.`);
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return Array.from({ length: value }, () => ({}));
  if (Array.isArray(value)) return value;
  throw new TypeError(`${where} takes how many to build (a whole number) or a list of their overrides, not ${JSON.stringify(value)}.`);
}

/** Factories for a generated client outside `createTestApp`, e.g. to fill a dev server. */
export function createFactories(db: FactoryClient, specs: FactorySpecs, options?: FactorySetOptions): Record<string, UntypedEntityFactory> {
  return factorySet(db, specs, options).factory;
}
