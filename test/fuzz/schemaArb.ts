// Random *valid* Instant schemas (shared/docs/schema-format.md, src/ir/validateIR.ts) as plain data, and
// the three forms the fuzz suites feed them in: our `i` DSL (→ buildIR → the IR), the official SDK's `i`
// (for `init({ schema })`), and the text of an `instant.schema.ts`.
//
// Names are drawn from curated lists (reserved words, client members, JS built-ins, file names the output
// uses, unicode, `$`-prefixes, dashes, digits, quotes, comment and template breakers) and from random
// unicode strings. Excluded, because Instant itself cannot handle them:
// - `.` in attribute names and link labels (where paths split on it), and `__` or a trailing `_` (lookups are
//   `lookup__attr__json`, split on the first `__`);
// - `__proto__` anywhere (Instant's own schema code indexes plain objects by name: prototype pollution);
// - labels `id` and `$`, and labels equal to an attribute name of the same entity;
// - `$`-prefixed entities other than the editable system namespaces.
import { i as sdkI } from '@instantdb/admin';
import fc from 'fast-check';
import { buildIR, type RuntimeSchema } from '../../src/ir/buildIR.js';
import type { SchemaIR } from '../../src/ir/types.js';
import { i as ourI } from '../../src/schema/instantDsl.js';

export type Dsl = 'string' | 'number' | 'boolean' | 'date' | 'json' | 'any';
export type Modifier = 'optional' | 'clientRequired' | 'unique' | 'indexed';

/** A type argument (`i.string<T>()`, `i.json<T>()`) and values of that type. */
export interface TypeArg {
  text: string;
  samples: readonly unknown[];
}

export interface AttrSpec {
  name: string;
  dsl: Dsl;
  /** In the order they are chained (repeats allowed, as users write them). */
  modifiers: Modifier[];
  tsType?: TypeArg;
}

export interface EntitySpec {
  name: string;
  /** False: only referenced by links (system namespaces only). */
  declared: boolean;
  attrs: AttrSpec[];
  /** `.asType<T>()`, a partial override of attribute types. */
  asType?: string;
}

export interface SideSpec {
  on: string;
  has: 'one' | 'many';
  label: string;
  required?: boolean;
  onDelete?: 'cascade';
}

export interface LinkSpec {
  name: string;
  forward: SideSpec;
  reverse: SideSpec;
}

export interface RoomSpec {
  name: string;
  presence: AttrSpec[];
  topics: { name: string; attrs: AttrSpec[] }[];
}

export interface SchemaSpec {
  entities: EntitySpec[];
  links: LinkSpec[];
  rooms: RoomSpec[];
}

export const SYSTEM = ['$users', '$files', '$streams'] as const;

/** What the system defines on its editable namespaces (validateIR's list): these may be required. */
const SYSTEM_ATTRS: Record<string, AttrSpec[]> = {
  $users: [
    { name: 'email', dsl: 'string', modifiers: ['unique', 'indexed'] },
    { name: 'imageURL', dsl: 'string', modifiers: ['optional'] },
    { name: 'type', dsl: 'string', modifiers: ['optional'] },
  ],
  $files: [
    { name: 'path', dsl: 'string', modifiers: ['unique', 'indexed'] },
    { name: 'url', dsl: 'string', modifiers: [] },
  ],
  $streams: [
    { name: 'clientId', dsl: 'string', modifiers: ['unique', 'indexed'] },
    { name: 'done', dsl: 'boolean', modifiers: ['optional'] },
    { name: 'size', dsl: 'number', modifiers: ['optional'] },
  ],
};

// ---------------------------------------------------------------------------------------------------
// Names

const CURATED = [
  // plain, and differing only by case or separator
  'goals', 'Goals', 'GOALS', 'todo', 'todos', 'foo-bar', 'foo_bar', 'fooBar', 'FooBar', 'foo bar', 'a', 'A', 'x1', 'X_1',
  // reserved words and contextual keywords
  'class', 'default', 'delete', 'new', 'function', 'import', 'export', 'enum', 'await', 'yield', 'let', 'static', 'interface',
  'type', 'namespace', 'declare', 'abstract', 'as', 'satisfies', 'keyof', 'infer', 'readonly', 'unique', 'is', 'asserts', 'null',
  'true', 'void', 'typeof', 'instanceof', 'this', 'super', 'extends', 'implements', 'package', 'private', 'public', 'with',
  // built-in types and globals
  'string', 'number', 'boolean', 'any', 'never', 'unknown', 'object', 'bigint', 'symbol', 'Symbol', 'Date', 'Promise', 'Array',
  'Record', 'Partial', 'Pick', 'Omit', 'Extract', 'Error', 'Object', 'Function', 'globalThis', 'undefined', 'NaN', 'Infinity',
  'arguments', 'eval', 'require', 'module', 'exports',
  // members of objects and of the generated client / runtime
  'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'prototype', 'length', 'name', 'then', 'catch',
  'query', 'transact', 'asUser', 'auth', 'entities', 'tx', 'get', 'create', 'update', 'merge', 'link', 'unlink', 'ruleParams',
  'steps', 'validators', 'attrs', 'links', 'rt', 'z', 'id_', 'ids', 'def', 'defs', 'core', 'config', 'createClient', 'InstantAPIError',
  // type names the generator declares, and output file names
  'Query', 'QueryRows', 'QueryChecks', 'QueryResult', 'QueryCheck', 'Entities', 'InstantClient', 'ClientConfig', 'User', 'Chunk',
  'index', 'runtime', 'user-types', 'schema', 'README', 'manifest', 'Index', 'RUNTIME', 'con', 'nul', 'aux', 'prn', 'com1',
  // query vocabulary
  'where', 'order', 'limit', 'fields', 'first', 'last', 'offset', 'before', 'after', 'in', 'not', 'serverCreatedAt', 'asc', 'desc',
  // `$` (attributes, labels) and digits
  '$meta', '$user', '$files', '$x', '$$', 'a$b', '2fa', '123', '0', '1st', '9lives', '-', '_', '__', '_a', 'a-', '-a',
  // unicode: letters, combining marks, astral identifiers, non-identifier symbols, RTL, zero-width
  '日本語', 'café', 'cafe\u0301', 'naïve', 'Ñandú', 'straße', 'İstanbul', 'Ωmega', 'ǅemal', 'Ⅻ', '\u{1D4D0}x', 'ʰi', 'ŉ',
  '🚀', 'emoji😀', '👩‍💻', 'עברית', 'العربية', 'zero\u200bwidth', 'zw\u200dj', 'ＦＵＬＬ', 'x\u00a0y',
  // text that breaks naive emission into strings, comments, templates and markdown
  "it's", 'double"quote', 'back\\slash', 'star*/slash', '/*open', '//line', '${template}', '`backtick`', 'with space',
  ' padded ', 'pipe|cell', 'new\nline', 'tab\there', '<tag>', '&amp;', '#hash', '@at', '?', 'disabled?', 'query-hash', '%like_',
];

const ASCII_NAME = /^[A-Za-z0-9_$ -]{1,10}$/;

const rawName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...CURATED) },
  { weight: 2, arbitrary: fc.stringMatching(ASCII_NAME) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('', '', '$', '_', '-', '1', 'Ü'), fc.constantFrom(...CURATED), fc.constantFrom('-', '_', ' ', '', '.'), fc.constantFrom(...CURATED))
      .map(([a, b, c, d]) => `${a}${b}${c}${d}`),
  },
);

const entityName = rawName.filter((n) => !n.startsWith('$') && !n.includes('.') && !n.includes('__proto__'));
/** Attribute names and link labels. */
const memberName = rawName.filter((n) => n !== 'id' && n !== '$' && !n.includes('.') && !n.includes('__') && !n.endsWith('_'));

// ---------------------------------------------------------------------------------------------------
// Attributes

const STRING_TYPES: TypeArg[] = [
  { text: "'a' | 'b'", samples: ['a', 'b'] },
  { text: '`post-${string}`', samples: ['post-1', 'post-x'] },
  { text: `"it's" | 'q"uote'`, samples: ["it's", 'q"uote'] },
];
const JSON_TYPES: TypeArg[] = [
  { text: '{ n: number; tags?: string[] }', samples: [{ n: 1 }, { n: -2.5, tags: ['a', 'b'] }] },
  { text: 'string[]', samples: [[], ['x', 'y']] },
  { text: 'Record<string, number>', samples: [{}, { a: 1 }] },
  { text: "{ kind: 'a'; a: number } | { kind: 'b'; b: string }", samples: [{ kind: 'a', a: 1 }, { kind: 'b', b: 'z' }] },
];

/** Type arguments by their text, with values of each type. */
export const TYPE_ARGS = new Map([...STRING_TYPES, ...JSON_TYPES].map((t) => [t.text, t]));

const modifiers = fc.array(fc.constantFrom<Modifier>('optional', 'optional', 'clientRequired', 'unique', 'indexed', 'indexed'), { maxLength: 4 });

const attrArb = (name: fc.Arbitrary<string>) =>
  fc
    .record({
      name,
      dsl: fc.constantFrom<Dsl>('string', 'number', 'boolean', 'date', 'json', 'any'),
      modifiers,
      typed: fc.nat(9),
      typeIndex: fc.nat(),
    })
    .map(({ name, dsl, modifiers, typed, typeIndex }): AttrSpec => {
      const pool = dsl === 'string' ? STRING_TYPES : dsl === 'json' ? JSON_TYPES : [];
      const tsType = pool.length && typed < 3 ? pool[typeIndex % pool.length] : undefined;
      return tsType ? { name, dsl, modifiers, tsType } : { name, dsl, modifiers };
    });

const attrsArb = (maxLength: number) => fc.uniqueArray(attrArb(memberName), { selector: (a) => a.name, maxLength });

export const isOptional = (a: AttrSpec) => a.modifiers.includes('optional') || a.modifiers.includes('clientRequired');

// ---------------------------------------------------------------------------------------------------
// Schemas

const sideArb = fc.record({ end: fc.nat(), has: fc.constantFrom<'one' | 'many'>('one', 'many'), label: memberName, cascade: fc.nat(4), required: fc.nat(5) });

export interface SchemaArbOptions {
  maxEntities?: number;
  maxAttrs?: number;
  maxLinks?: number;
}

export function schemaArb({ maxEntities = 7, maxAttrs = 6, maxLinks = 9 }: SchemaArbOptions = {}): fc.Arbitrary<SchemaSpec> {
  return fc
    .record({
      entities: fc.uniqueArray(fc.record({ name: entityName, attrs: attrsArb(maxAttrs), asType: fc.nat(14) }), {
        selector: (e) => e.name,
        minLength: 1,
        maxLength: maxEntities,
      }),
      system: fc.tuple(...SYSTEM.map(() => fc.constantFrom('absent', 'absent', 'declared', 'linked'))),
      systemAttrs: fc.tuple(...SYSTEM.map(() => attrsArb(2))),
      links: fc.array(fc.record({ name: rawName, forward: sideArb, reverse: sideArb }), { maxLength: maxLinks }),
      rooms: fc.uniqueArray(
        fc.record({
          name: rawName,
          presence: attrsArb(2),
          topics: fc.uniqueArray(fc.record({ name: rawName, attrs: attrsArb(2) }), { selector: (t) => t.name, maxLength: 2 }),
        }),
        { selector: (r) => r.name, maxLength: 2 },
      ),
    })
    .map(({ entities: userEntities, system, systemAttrs, links: rawLinks, rooms }): SchemaSpec => {
      const entities: EntitySpec[] = userEntities.map((e) => {
        const spec: EntitySpec = { name: e.name, declared: true, attrs: e.attrs };
        // `.asType<T>()` overriding an attribute's type (only with a type the attribute's values already satisfy).
        const target = e.attrs.find((a) => a.dsl === 'json' && !a.tsType);
        if (target && e.asType < 3) {
          const key = JSON.stringify(target.name);
          spec.asType = [`{ ${key}: unknown }`, `{ ${key}: unknown } | { ${key}: unknown; __extra?: 'x' }`, `Pick<{ ${key}: unknown; other: 1 }, ${key}>`][e.asType];
        }
        return spec;
      });
      SYSTEM.forEach((name, k) => {
        if (system[k] === 'absent') return;
        if (system[k] === 'linked') return void entities.push({ name, declared: false, attrs: [] });
        const own = SYSTEM_ATTRS[name];
        // Custom attributes on system namespaces must be optional.
        const custom = systemAttrs[k]
          .filter((a) => !own.some((o) => o.name === a.name))
          .map((a) => ({ ...a, modifiers: isOptional(a) ? a.modifiers : [...a.modifiers, 'optional' as const] }));
        entities.push({ name, declared: true, attrs: [...own, ...custom] });
      });
      // Labels in use per entity: its attribute names, then every label given so far.
      const used = new Map(entities.map((e) => [e.name, new Set(e.attrs.map((a) => a.name))]));
      const linkNames = new Set<string>();
      const links: LinkSpec[] = [];
      for (const raw of rawLinks) {
        const forwardOn = entities[raw.forward.end % entities.length].name;
        const reverseOn = entities[raw.reverse.end % entities.length].name;
        const fwdUsed = used.get(forwardOn)!;
        const revUsed = used.get(reverseOn)!;
        if (linkNames.has(raw.name) || fwdUsed.has(raw.forward.label) || revUsed.has(raw.reverse.label)) continue;
        if (forwardOn === reverseOn && raw.forward.label === raw.reverse.label) continue;
        const side = (on: string, s: typeof raw.forward, forward: boolean): SideSpec => {
          const out: SideSpec = { on, has: s.has, label: s.label };
          // `required` is read on the forward side only, and not allowed from a system namespace.
          if (s.required === 0 && !(forward && on.startsWith('$'))) out.required = true;
          if (s.cascade === 0 && s.has === 'one') out.onDelete = 'cascade';
          return out;
        };
        links.push({ name: raw.name, forward: side(forwardOn, raw.forward, true), reverse: side(reverseOn, raw.reverse, false) });
        linkNames.add(raw.name);
        fwdUsed.add(raw.forward.label);
        revUsed.add(raw.reverse.label);
      }
      // A linked-only namespace that no link names does not exist.
      const referenced = new Set(links.flatMap((l) => [l.forward.on, l.reverse.on]));
      return {
        entities: entities.filter((e) => e.declared || referenced.has(e.name)),
        links,
        rooms: rooms.map((r) => ({ name: r.name, presence: r.presence, topics: r.topics })),
      };
    });
}

// ---------------------------------------------------------------------------------------------------
// The schema in three forms

interface DslLike {
  schema(def: { entities: Record<string, unknown>; links: Record<string, unknown>; rooms: Record<string, unknown> }): unknown;
  entity(attrs: Record<string, unknown>): unknown;
  string(): unknown;
  number(): unknown;
  boolean(): unknown;
  date(): unknown;
  json(): unknown;
  any(): unknown;
}

function attrWith(dsl: DslLike, a: AttrSpec): unknown {
  let value = (dsl[a.dsl] as () => unknown).call(dsl) as Record<Modifier, () => unknown>;
  for (const m of a.modifiers) value = value[m].call(value) as Record<Modifier, () => unknown>;
  return value;
}

/** Own data properties (so names like `constructor` or `__proto__`-free oddities stay plain keys). */
const record = <T>(entries: [string, T][]): Record<string, T> => Object.fromEntries(entries);

function schemaWith(dsl: DslLike, spec: SchemaSpec): unknown {
  const entityOf = (attrs: AttrSpec[]) => dsl.entity(record(attrs.map((a) => [a.name, attrWith(dsl, a)])));
  return dsl.schema({
    entities: record(spec.entities.filter((e) => e.declared).map((e) => [e.name, entityOf(e.attrs)])),
    links: record(spec.links.map((l) => [l.name, { forward: { ...l.forward }, reverse: { ...l.reverse } }])),
    rooms: record(
      spec.rooms.map((r) => [r.name, { presence: entityOf(r.presence), topics: record(r.topics.map((t) => [t.name, entityOf(t.attrs)])) }]),
    ),
  });
}

/** `i.schema(...)` built with our DSL (what evaluating the schema file gives). */
export function ourSchema(spec: SchemaSpec): RuntimeSchema {
  return schemaWith(ourI as unknown as DslLike, spec) as RuntimeSchema;
}

/** Names a plain object inherits (`constructor`, `toString`, `hasOwnProperty`, ...). */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * `i.schema(...)` built with `@instantdb/admin`'s own `i`, for `init({ schema })`.
 *
 * The SDK indexes links in plain objects (`linksIndex.fwd[on] ||= {}`): for an entity named like an inherited
 * member that returns the inherited function (for `constructor`, the global `Object`) and writes every label
 * onto it, e.g. a label `create` replaces `Object.create` for the whole process. For such schemas the
 * entities are built with the SDK's `i` and their links filled in here, as `i.schema` means to.
 */
export function sdkSchema(spec: SchemaSpec): Parameters<typeof import('@instantdb/admin').init>[0]['schema'] {
  if (!spec.entities.some((e) => INHERITED.has(e.name))) return schemaWith(sdkI as unknown as DslLike, spec) as never;
  const schema = schemaWith(sdkI as unknown as DslLike, { ...spec, links: [] }) as {
    entities: Record<string, { links: Record<string, unknown> }>;
    links: Record<string, unknown>;
  };
  schema.links = record(spec.links.map((l) => [l.name, { forward: { ...l.forward }, reverse: { ...l.reverse } }]));
  const set = (on: string, label: string, value: unknown) => {
    const entity = Object.prototype.hasOwnProperty.call(schema.entities, on) ? schema.entities[on] : undefined;
    if (entity) Object.defineProperty(entity.links, label, { value, enumerable: true, writable: true, configurable: true });
  };
  for (const l of spec.links) set(l.forward.on, l.forward.label, { entityName: l.reverse.on, cardinality: l.forward.has });
  for (const l of spec.links) set(l.reverse.on, l.reverse.label, { entityName: l.forward.on, cardinality: l.reverse.has });
  return schema as never;
}

/**
 * The IR as `loadSchema` builds it: evaluated with our DSL, then the facts only the source has (`i.any()` vs
 * `i.json()`, `.clientRequired()`, type arguments) merged in, as `mergeSource` does.
 */
export function specToIR(spec: SchemaSpec, schemaFile: string): SchemaIR {
  const ir = buildIR(ourSchema(spec), schemaFile);
  for (const entity of ir.entities) {
    const source = spec.entities.find((e) => e.name === entity.name);
    if (!source) continue;
    if (source.asType) entity.asType = source.asType;
    for (const attr of entity.attrs) {
      const a = source.attrs.find((x) => x.name === attr.name)!;
      attr.dsl = a.dsl;
      attr.clientRequired = a.modifiers.includes('clientRequired');
      if (a.tsType) attr.tsType = a.tsType.text;
    }
  }
  // Presence attributes keep the same source facts (they type `db.rooms.getPresence`).
  for (const room of ir.rooms) {
    const source = spec.rooms.find((r) => r.name === room.name)!;
    for (const attr of room.presence) {
      const a = source.presence.find((x) => x.name === attr.name)!;
      attr.dsl = a.dsl;
      attr.clientRequired = a.modifiers.includes('clientRequired');
      if (a.tsType) attr.tsType = a.tsType.text;
    }
  }
  return ir;
}

/** The same schema written as users write `instant.schema.ts` (quoted keys, type arguments, modifiers in order). */
export function schemaSource(spec: SchemaSpec, importFrom = '@instantdb/react'): string {
  const key = (name: string) => JSON.stringify(name);
  const attr = (a: AttrSpec) => `i.${a.dsl}${a.tsType ? `<${a.tsType.text}>` : ''}()${a.modifiers.map((m) => `.${m}()`).join('')}`;
  const entity = (attrs: AttrSpec[], asType?: string) =>
    `i.entity({\n${attrs.map((a) => `      ${key(a.name)}: ${attr(a)},`).join('\n')}\n    })${asType ? `.asType<${asType}>()` : ''}`;
  const side = (s: SideSpec) => JSON.stringify(s);
  return `import { i } from ${JSON.stringify(importFrom)};

const _schema = i.schema({
  entities: {
${spec.entities
  .filter((e) => e.declared)
  .map((e) => `    ${key(e.name)}: ${entity(e.attrs, e.asType)},`)
  .join('\n')}
  },
  links: {
${spec.links.map((l) => `    ${key(l.name)}: { forward: ${side(l.forward)}, reverse: ${side(l.reverse)} },`).join('\n')}
  },
  rooms: {
${spec.rooms
  .map(
    (r) =>
      `    ${key(r.name)}: { presence: ${entity(r.presence)}, topics: { ${r.topics.map((t) => `${key(t.name)}: ${entity(t.attrs)}`).join(', ')} } },`,
  )
  .join('\n')}
  },
});

type _AppSchema = typeof _schema;
interface AppSchema extends _AppSchema {}
const schema: AppSchema = _schema;
export type { AppSchema };
export default schema;
`;
}

// ---------------------------------------------------------------------------------------------------
// Shuffling the input

/** A small seeded PRNG (mulberry32): shuffles are reproducible from the property's seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let k = out.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [out[k], out[j]] = [out[j], out[k]];
  }
  return out;
}

/**
 * The same schema written in another order: entities, attributes, links, rooms and topics, the keys inside
 * each link side, and the order of commuting modifiers. Its meaning is unchanged.
 */
export function shuffleSpec(spec: SchemaSpec, seed: number): SchemaSpec {
  const random = prng(seed);
  const attrs = (list: AttrSpec[]) => shuffled(list, random).map((a) => ({ ...a, modifiers: shuffled(a.modifiers, random) }));
  const side = (s: SideSpec) => Object.fromEntries(shuffled(Object.entries(s), random)) as unknown as SideSpec;
  return {
    entities: shuffled(spec.entities, random).map((e) => ({ ...e, attrs: attrs(e.attrs) })),
    links: shuffled(spec.links, random).map((l) => (random() < 0.5 ? { name: l.name, forward: side(l.forward), reverse: side(l.reverse) } : { reverse: side(l.reverse), name: l.name, forward: side(l.forward) })),
    rooms: shuffled(spec.rooms, random).map((r) => ({ ...r, presence: attrs(r.presence), topics: shuffled(r.topics, random).map((t) => ({ ...t, attrs: attrs(t.attrs) })) })),
  };
}

/** How many schemas each suite tries: `FUZZ_RUNS` (e.g. `npm run fuzz`), else the default; `FUZZ_SEED` fixes the seed. */
export function fuzzSettings(defaultRuns: number): { runs: number; seed: number } {
  const runs = Number(process.env.FUZZ_RUNS) || defaultRuns;
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() ^ (Math.random() * 0x100000000);
  return { runs, seed };
}
