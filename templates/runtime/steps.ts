import { InstantValidationError } from './errors.js';
import type { EntityDef } from './entity.js';
import { checkAttrs, checkLinks, isUUID } from './validate.js';

/** A lookup by a unique attribute: `{ email: 'a@b.c' }` (exactly one key). */
export type Lookup = Readonly<Record<string, unknown>>;
export type EntityRef = string | Lookup;

/** One step of `/admin/transact`, exactly as `@instantdb/admin` sends it. */
export type Step = readonly [
  action: string,
  entity: string,
  id: string | readonly [string, unknown],
  args: unknown,
  opts?: unknown,
];

export interface UpdateOptions {
  /** `false`: fail if the entity does not exist (default: create it). */
  upsert?: boolean | undefined;
}

/** Anything `db.transact` accepts: the steps of one or more entity chains. */
export interface Chunk {
  readonly steps: readonly Step[];
}

/** A fresh random entity id. */
export function id(): string {
  return globalThis.crypto.randomUUID();
}

/** The id position takes `[attr, value]`; link targets take the `lookup__attr__<json>` string (wire-protocol §5.2). */
function idOf(entity: string, ref: EntityRef, validate: boolean): string | readonly [string, unknown] {
  if (typeof ref === 'string') {
    if (validate && !isUUID(ref))
      throw new InstantValidationError(
        `Invalid id for ${entity}: expected a UUID, got ${JSON.stringify(ref)}.`,
        [entity],
      );
    return ref;
  }
  const [pair, ...rest] = Object.entries(ref);
  if (!pair || rest.length > 0)
    throw new InstantValidationError(
      `A lookup on ${entity} takes exactly one unique attribute, e.g. { email: 'a@b.c' }.`,
      [entity],
    );
  return pair;
}

export function linkTarget(ref: EntityRef): string {
  if (typeof ref === 'string') return ref;
  // idOf has checked that a lookup has exactly one attribute.
  const [attr, value] = Object.entries(ref)[0] ?? [];
  return `lookup__${attr}__${JSON.stringify(value)}`;
}

/** The chain behind every generated `db.<entity>.tx(id)`: immutable, each call appends one step. */
export class EntityChunk implements Chunk {
  private readonly def: EntityDef;
  private readonly id: Step[2];
  private readonly validate: boolean;
  readonly steps: readonly Step[];

  private constructor(def: EntityDef, id: Step[2], validate: boolean, steps: readonly Step[]) {
    this.def = def;
    this.id = id;
    this.validate = validate;
    this.steps = steps;
  }

  static for(def: EntityDef, ref: EntityRef, validate: boolean): EntityChunk {
    return new EntityChunk(def, idOf(def.name, ref, validate), validate, []);
  }

  private add(action: string, args: unknown, opts?: unknown): this {
    // Like the official SDK, options travel as a 5th element only when given.
    const step: Step =
      opts === undefined
        ? [action, this.def.name, this.id, args]
        : [action, this.def.name, this.id, args, opts];
    return new EntityChunk(this.def, this.id, this.validate, [...this.steps, step]) as this;
  }

  create(attrs: object): this {
    if (this.validate) checkAttrs(this.def, 'create', attrs, false);
    return this.add('create', attrs);
  }
  update(attrs: object, opts?: UpdateOptions): this {
    if (this.validate) checkAttrs(this.def, 'update', attrs, true);
    return this.add('update', attrs, opts);
  }
  merge(attrs: object, opts?: UpdateOptions): this {
    if (this.validate) checkAttrs(this.def, 'merge', attrs, true);
    return this.add('merge', attrs, opts);
  }
  delete(): this {
    return this.add('delete', null);
  }
  link(links: Readonly<Record<string, EntityRef | readonly EntityRef[]>>): this {
    return this.add('link', this.linkArgs('link', links));
  }
  unlink(links: Readonly<Record<string, EntityRef | readonly EntityRef[]>>): this {
    return this.add('unlink', this.linkArgs('unlink', links));
  }
  /** Values for this entity's permission rules (`ruleParams` in CEL). */
  ruleParams(params: Readonly<Record<string, unknown>>): this {
    return this.add('ruleParams', params);
  }

  private linkArgs(
    action: string,
    links: Readonly<Record<string, EntityRef | readonly EntityRef[]>>,
  ): Record<string, string | string[]> {
    if (this.validate) checkLinks(this.def, action, links);
    return Object.fromEntries(
      Object.entries(links).map(([label, target]) => [
        label,
        Array.isArray(target) ? target.map(linkTarget) : linkTarget(target as EntityRef),
      ]),
    );
  }
}
