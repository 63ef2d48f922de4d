import { AuthApi } from './auth.js';
import { reviveDates } from './dates.js';
import type { EntityDef } from './entity.js';
import { EntityChunk, type Chunk, type EntityRef } from './steps.js';
import { Transport, resolveConfig, type ClientConfig, type Impersonation } from './transport.js';
import type {
  DebugQueryOptions,
  DebugQueryResult,
  DebugTransactOptions,
  DebugTransactResult,
  QueryOptions,
  TransactResult,
} from './types.js';
import { checkQuery, isUUID } from './validate.js';
import { InstantValidationError } from './errors.js';
import { liveApi, type LiveApi } from './live.js';
import { RoomsApi } from './rooms.js';
import { webhooksFor, type WebhooksApi } from './webhooks.js';
import { StorageApi } from './storage.js';

type AnyQuery = Readonly<Record<string, unknown>>;
type Rows = Record<string, unknown[]>;

/** The untyped core behind every generated client; the generated `InstantClient` interface types it. */
export interface ClientCore {
  query(query: AnyQuery, opts?: QueryOptions): Promise<Rows>;
  transact(chunks: Chunk | readonly Chunk[], opts?: { signal?: AbortSignal }): Promise<TransactResult>;
  asUser(who: Impersonation): ClientCore;
  debugQuery(query: AnyQuery, opts?: DebugQueryOptions): Promise<DebugQueryResult<Rows>>;
  debugTransact(chunks: Chunk | readonly Chunk[], opts?: DebugTransactOptions): Promise<DebugTransactResult>;
  subscribeQuery: LiveApi['subscribeQuery'];
  auth: AuthApi;
  rooms: RoomsApi;
  storage: StorageApi;
  entities: Record<string, EntityApi>;
  webhooks: WebhooksApi<any>;
}

export interface EntityApi extends ReturnType<LiveApi['entity']> {
  query(query?: AnyQuery, opts?: QueryOptions): Promise<unknown[]>;
  get(id: string, query?: AnyQuery, opts?: QueryOptions): Promise<unknown>;
  tx(ref: EntityRef): EntityChunk;
}

/** Chosen at generation time, since the generated types depend on them. */
export interface GeneratedOptions {
  /** `date`: date attributes come back as `Date` objects. */
  dates?: 'stored' | 'date' | undefined;
}

export function createClientCore(
  config: ClientConfig | undefined,
  defs: Readonly<Record<string, EntityDef>>,
  generated: GeneratedOptions = {},
): ClientCore {
  return build(new Transport(resolveConfig(config)), defs, generated);
}

function build(
  transport: Transport,
  defs: Readonly<Record<string, EntityDef>>,
  generated: GeneratedOptions,
): ClientCore {
  const { validate } = transport.config;

  const query = async (q: AnyQuery, opts: QueryOptions = {}): Promise<Rows> => {
    if (validate) checkQuery(defs, q);
    // `$$ruleParams` travel inside the query, first (wire-protocol §4.1).
    const body = { query: opts.ruleParams ? { $$ruleParams: opts.ruleParams, ...q } : q, 'inference?': true };
    const rows = await transport.request<Rows>({
      method: 'POST',
      path: '/admin/query',
      body,
      auth: 'admin',
      signal: opts.signal,
      retry: 'read',
      fetchOpts: opts.fetchOpts,
    });
    if (generated.dates === 'date') reviveDates(defs, rows);
    return rows;
  };

  const stepsOf = (chunks: Chunk | readonly Chunk[]) =>
    ((Array.isArray(chunks) ? chunks : [chunks]) as readonly Chunk[]).flatMap((chunk) => chunk.steps);

  const transact = (
    chunks: Chunk | readonly Chunk[],
    opts: { signal?: AbortSignal } = {},
  ): Promise<TransactResult> => {
    const body = { steps: stepsOf(chunks), 'throw-on-missing-attrs?': true };
    return transport.request<TransactResult>({
      method: 'POST',
      path: '/admin/transact',
      body,
      auth: 'admin',
      signal: opts.signal,
      retry: 'transact',
    });
  };

  // The debug calls send what `@instantdb/admin`'s do (wire-protocol §4.3, §4.4): overrides only when given.
  const overrides = (opts: DebugQueryOptions | DebugTransactOptions) => ({
    ...(opts.ip ? { 'ip-override': opts.ip } : {}),
    ...(opts.origin ? { 'origin-override': opts.origin } : {}),
  });

  const debugQuery = async (q: AnyQuery, opts: DebugQueryOptions = {}): Promise<DebugQueryResult<Rows>> => {
    if (validate) checkQuery(defs, q);
    const query = opts.ruleParams ? { $$ruleParams: opts.ruleParams, ...q } : q;
    const inference = opts.cardinalityInference ?? true;
    const body = { query, 'rules-override': opts.rules, 'inference?': inference, ...overrides(opts) };
    type Body = { result: Rows; 'check-results': DebugQueryResult<Rows>['checkResults'] };
    const res = await transport.request<Body>({
      method: 'POST',
      path: '/admin/query_perms_check',
      body,
      auth: 'admin',
      signal: opts.signal,
    });
    if (generated.dates === 'date') reviveDates(defs, res.result);
    return { result: res.result, checkResults: res['check-results'] };
  };

  const debugTransact = (
    chunks: Chunk | readonly Chunk[],
    opts: DebugTransactOptions = {},
  ): Promise<DebugTransactResult> => {
    const body = {
      steps: stepsOf(chunks),
      'rules-override': opts.rules,
      'dangerously-commit-tx': opts.dangerouslyCommit,
      ...overrides(opts),
    };
    return transport.request<DebugTransactResult>({
      method: 'POST',
      path: '/admin/transact_perms_check',
      body,
      auth: 'admin',
      signal: opts.signal,
    });
  };

  const live = liveApi(transport, defs, generated.dates);
  const entityApi = (def: EntityDef): EntityApi => ({
    ...live.entity(def),
    query: async (q = {}, opts) => (await query({ [def.name]: q }, opts))[def.name] ?? [],
    get: async (id, q = {}, opts) => {
      if (validate && !isUUID(id))
        throw new InstantValidationError(`${def.name}.get: expected a UUID, got ${JSON.stringify(id)}.`, [
          def.name,
        ]);
      const options = (q as { $?: Record<string, unknown> }).$ ?? {};
      const where = { ...(options['where'] as object | undefined), id };
      const rows = await query({ [def.name]: { ...q, $: { ...options, where } } }, opts);
      return rows[def.name]?.[0] ?? null;
    },
    tx: (ref) => EntityChunk.for(def, ref, validate),
  });

  return {
    query,
    transact,
    asUser: (who) => build(transport.as(impersonationOf(who)), defs, generated),
    debugQuery,
    debugTransact,
    subscribeQuery: live.subscribeQuery,
    auth: new AuthApi(new Transport(transport.config)),
    rooms: new RoomsApi(new Transport(transport.config)),
    storage: new StorageApi(transport),
    entities: Object.fromEntries(Object.entries(defs).map(([name, def]) => [name, entityApi(def)])),
    webhooks: webhooksFor(transport.config, defs, generated.dates),
  };
}

function impersonationOf(who: Impersonation): Impersonation {
  if (who && typeof who === 'object' && ('email' in who || 'token' in who || 'guest' in who)) return who;
  throw new Error('asUser takes { email }, { token } or { guest: true }.');
}

/** Puts each entity's API on the client itself (`db.goals`), beside the core members. */
export function exposeEntities(
  core: ClientCore,
  topLevel: readonly string[],
): ClientCore & Record<string, unknown> {
  const client: Record<string, unknown> = {};
  for (const name of topLevel)
    Object.defineProperty(client, name, { value: core.entities[name], enumerable: true });
  return Object.assign(client, core, {
    asUser: (who: Impersonation) => exposeEntities(core.asUser(who), topLevel),
  }) as ClientCore & Record<string, unknown>;
}
