import { AuthApi } from './auth.js';
import { reviveDates } from './dates.js';
import type { EntityDef } from './entity.js';
import { EntityChunk, type Chunk, type EntityRef } from './steps.js';
import { Transport, resolveConfig, type ClientConfig, type Impersonation } from './transport.js';
import type { QueryOptions, TransactResult } from './types.js';
import { checkQuery, isUUID } from './validate.js';
import { InstantValidationError } from './errors.js';

type AnyQuery = Readonly<Record<string, unknown>>;
type Rows = Record<string, unknown[]>;

/** The untyped core behind every generated client; the generated `InstantClient` interface types it. */
export interface ClientCore {
  query(query: AnyQuery, opts?: QueryOptions): Promise<Rows>;
  transact(chunks: Chunk | readonly Chunk[], opts?: { signal?: AbortSignal }): Promise<TransactResult>;
  asUser(who: Impersonation): ClientCore;
  auth: AuthApi;
  entities: Record<string, EntityApi>;
}

export interface EntityApi {
  query(query?: AnyQuery, opts?: QueryOptions): Promise<unknown[]>;
  get(id: string, query?: AnyQuery, opts?: QueryOptions): Promise<unknown>;
  tx(ref: EntityRef): EntityChunk;
}

/** Chosen at generation time, since the generated types depend on them. */
export interface GeneratedOptions {
  /** `date`: date attributes come back as `Date` objects. */
  dates?: 'stored' | 'date';
}

export function createClientCore(config: ClientConfig | undefined, defs: Readonly<Record<string, EntityDef>>, generated: GeneratedOptions = {}): ClientCore {
  return build(new Transport(resolveConfig(config)), defs, generated);
}

function build(transport: Transport, defs: Readonly<Record<string, EntityDef>>, generated: GeneratedOptions): ClientCore {
  const { validate } = transport.config;

  const query = async (q: AnyQuery, opts: QueryOptions = {}): Promise<Rows> => {
    if (validate) checkQuery(defs, q);
    // `$$ruleParams` travel inside the query, first (wire-protocol §4.1).
    const body = { query: opts.ruleParams ? { $$ruleParams: opts.ruleParams, ...q } : q, 'inference?': true };
    const rows = await transport.request<Rows>({ method: 'POST', path: '/admin/query', body, auth: 'admin', signal: opts.signal });
    if (generated.dates === 'date') reviveDates(defs, rows);
    return rows;
  };

  const transact = (chunks: Chunk | readonly Chunk[], opts: { signal?: AbortSignal } = {}): Promise<TransactResult> => {
    const list = (Array.isArray(chunks) ? chunks : [chunks]) as readonly Chunk[];
    const steps = list.flatMap((chunk) => chunk.steps);
    const body = { steps, 'throw-on-missing-attrs?': true };
    return transport.request<TransactResult>({ method: 'POST', path: '/admin/transact', body, auth: 'admin', signal: opts.signal });
  };

  const entityApi = (def: EntityDef): EntityApi => ({
    query: async (q = {}, opts) => (await query({ [def.name]: q }, opts))[def.name] ?? [],
    get: async (id, q = {}, opts) => {
      if (validate && !isUUID(id)) throw new InstantValidationError(`${def.name}.get: expected a UUID, got ${JSON.stringify(id)}.`, [def.name]);
      const options = (q as { $?: Record<string, unknown> }).$ ?? {};
      const where = { ...(options.where as object | undefined), id };
      const rows = await query({ [def.name]: { ...q, $: { ...options, where } } }, opts);
      return rows[def.name]?.[0] ?? null;
    },
    tx: (ref) => EntityChunk.for(def, ref, validate),
  });

  return {
    query,
    transact,
    asUser: (who) => build(transport.as(impersonationOf(who)), defs, generated),
    auth: new AuthApi(new Transport(transport.config)),
    entities: Object.fromEntries(Object.entries(defs).map(([name, def]) => [name, entityApi(def)])),
  };
}

function impersonationOf(who: Impersonation): Impersonation {
  if (who && typeof who === 'object' && ('email' in who || 'token' in who || 'guest' in who)) return who;
  throw new Error('asUser takes { email }, { token } or { guest: true }.');
}

/** Puts each entity's API on the client itself (`db.goals`), beside the core members. */
export function exposeEntities(core: ClientCore, topLevel: readonly string[]): ClientCore & Record<string, unknown> {
  const client: Record<string, unknown> = {};
  for (const name of topLevel) Object.defineProperty(client, name, { value: core.entities[name], enumerable: true });
  return Object.assign(client, core, { asUser: (who: Impersonation) => exposeEntities(core.asUser(who), topLevel) }) as ClientCore & Record<string, unknown>;
}
