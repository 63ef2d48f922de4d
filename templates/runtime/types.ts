// Small, non-recursive helper types shared by every generated entity module. Each is generic only
// over a generated per-entity type, so the checker instantiates it once per entity and caches it.
import type { Chunk, UpdateOptions } from './steps.js';
import type { RequestOptions } from './transport.js';
import type { FetchOptions } from './fetchOptions.js';

export type SortDirection = 'asc' | 'desc';
/** A pagination cursor: the join row `[entityId, attrId, value, createdAtMs]` the server returns. */
export type Cursor = readonly [string, string, unknown, number];
/** Dates are written as ms timestamps, ISO strings or `Date` objects. */
export type DateInput = string | number | Date;
export type RuleParams = Readonly<Record<string, unknown>>;

// `where` conditions: one operator per object, as the server reads one.
export type Eq<T> = T | { $in: readonly T[] } | { in: readonly T[] } | { $not: T } | { $ne: T };
export type IsNull = { $isNull: boolean };
/** Comparisons: only on indexed, typed attributes. */
export type Cmp<T> = { $gt: T } | { $gte: T } | { $lt: T } | { $lte: T };
/** SQL LIKE patterns (`%`, `_`): only on indexed string attributes. */
export type Like = { $like: string } | { $ilike: string };
export type IdCondition = Eq<string>;
export type LinkCondition = Eq<string> | IsNull;
/** Paths deeper than one link are checked by the server, not by these types. */
export type DeepCondition = Eq<string | number | boolean> | IsNull | Cmp<string | number | boolean> | Like;

export interface TopLevelOptions<Where, Order, Field> {
  where?: Where | undefined;
  /** One key: an indexed attribute or `serverCreatedAt`. */
  order?: Order | undefined;
  limit?: number | undefined;
  first?: number | undefined;
  last?: number | undefined;
  offset?: number | undefined;
  before?: Cursor | undefined;
  after?: Cursor | undefined;
  beforeInclusive?: boolean | undefined;
  afterInclusive?: boolean | undefined;
  /** Only these attributes (and `id`) are returned. */
  fields?: readonly Field[] | undefined;
}

/** Nested links take no pagination: the server ignores or rejects it there. */
export interface NestedOptions<Where, Order, Field> {
  where?: Where | undefined;
  order?: Order | undefined;
  fields?: readonly Field[] | undefined;
}

/** The keys of each member of a union: `.asType<A | B>()` replaces every attribute that any member names. */
export type KeysOfEach<T> = T extends unknown ? keyof T : never;

/**
 * A query whose options pick no `fields`. The index signatures keep these from being weak types (all-optional types,
 * which a type must share a key with to be assignable to them).
 */
export interface NoFieldsQuery {
  $?: { fields?: undefined; [option: string]: unknown };
  [key: string]: unknown;
}

/** A query whose options pick `fields` (an interface, not a literal type: nothing to instantiate where it is used). */
export interface FieldsQuery {
  $: { fields: readonly unknown[] };
}

/** What `merge` accepts: nested objects may be partial, and a nested `null` removes a key. Arrays are replaced whole. */
export type MergeValue<T> = T extends Date | readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: MergeValue<T[K]> | null }
    : T;
export type MergeOf<Update> = { [K in keyof Update]?: MergeValue<Update[K]> };

export type OneRef<Lookup> = string | Lookup;
export type ManyRefs<Lookup> = OneRef<Lookup> | readonly OneRef<Lookup>[];

/** The transaction chain of one entity: `db.goals.tx(id).update({...}).link({...})`. */
export interface EntityChain<Create, Update, Links> extends Chunk {
  /** Creates the entity; fails if it exists. Required attributes are required. */
  create(attrs: Create): EntityChain<Create, Update, Links>;
  /** Upserts by default; `{ upsert: false }` fails when the entity does not exist. */
  update(attrs: Update, opts?: UpdateOptions): EntityChain<Create, Update, Links>;
  /** Like update, but deep-merges JSON values (a nested `null` removes a key). */
  merge(attrs: MergeOf<Update>, opts?: UpdateOptions): EntityChain<Create, Update, Links>;
  /** Deletes the entity, its links, and what cascades from it. */
  delete(): EntityChain<Create, Update, Links>;
  link(links: Links): EntityChain<Create, Update, Links>;
  unlink(links: Links): EntityChain<Create, Update, Links>;
  /** Values for this entity's permission rules (`ruleParams` in CEL). */
  ruleParams(params: RuleParams): EntityChain<Create, Update, Links>;
}

export interface QueryOptions extends RequestOptions {
  /** Values for the permission rules of an impersonated query (`$$ruleParams`). */
  ruleParams?: RuleParams | undefined;
  /**
   * Extra `fetch` options for this read, as `@instantdb/admin` takes them: Next.js caching
   * (`{ next: { revalidate: 60, tags: ['goals'] } }`), `cache`, extra `headers` (the client's own win).
   * Live queries use only the headers.
   */
  fetchOpts?: FetchOptions | undefined;
}

export interface TransactResult {
  'tx-id': number;
}

/** What a debug call may override (`db.asUser(x).debugQuery` / `debugTransact`). */
export interface DebugOptions extends RequestOptions {
  /** Rules to check with instead of the app's (`rules-override`), e.g. `{ goals: { allow: { view: 'auth.id != null' } } }`. */
  rules?: Readonly<Record<string, unknown>> | undefined;
  /** Stands in for the caller's address (`request.ip` in rules). */
  ip?: string | undefined;
  /** Stands in for the caller's origin (`request.origin` in rules). */
  origin?: string | undefined;
}

export interface DebugQueryOptions extends DebugOptions {
  /** `$$ruleParams` of the query. */
  ruleParams?: RuleParams | undefined;
  /**
   * `inference?` of the request (default true, as for a schema-typed SDK client): with it, has-one links
   * come back as an object rather than a one-element array. The result's type assumes the default.
   */
  cardinalityInference?: boolean | undefined;
}

export interface DebugTransactOptions extends DebugOptions {
  /** Keep the writes when every check passes (`dangerously-commit-tx`); by default nothing is written. */
  dangerouslyCommit?: boolean | undefined;
}

/** A rule's program in check results; `{}` when no rule applies (allowed). */
export interface CheckProgram {
  etype?: string | undefined;
  action?: string | undefined;
  /** What ran, binds included. */
  code?: string | undefined;
  /** The rule as written. */
  'display-code'?: string;
}

/** One view (or field, when `label` is set) check of `debugQuery`. */
export interface QueryCheckResult {
  id: string;
  entity: string;
  label: string | null;
  record: Record<string, unknown> | null;
  program: CheckProgram;
  check: unknown;
}

export interface DebugQueryResult<Result> {
  /** What the query returns to this user. */
  result: Result;
  checkResults: QueryCheckResult[];
}

/** One check of `debugTransact`. */
export interface TransactCheckResult {
  scope: 'object' | 'attr';
  action: string;
  etype: string;
  eid?: unknown;
  program: CheckProgram;
  bindings?: Record<string, unknown> | undefined;
  'check-result': unknown;
  'check-pass?': boolean;
}

export interface DebugTransactResult {
  'tx-id': number | null;
  'all-checks-ok?': boolean;
  'committed?': boolean;
  'check-results': TransactCheckResult[];
}
