import type { EmitContext } from './context.js';
import type { ModuleParts } from './moduleParts.js';
import { arrayLiteral, block, importLine, quote } from './layout.js';
import { docText, jsPropertyKey, optionalInput, propertyKey } from './names.js';
import { authRoomTypes, authRoomTypeTexts } from './authRoomTypes.js';
import { mentions } from './entityModule.js';
import { checkedParam } from './checkedParam.js';

const RUNTIME_IMPORT = `import * as rt from './runtime/index.js';`;

/** Members of the client itself; entities with these names are reached through `db.entities`. */
export const CLIENT_MEMBERS = ['query', 'transact', 'asUser', 'debugQuery', 'debugTransact', 'subscribeQuery', 'auth', 'storage', 'entities', 'then', 'rooms', 'webhooks'];

/** `index`: the typed client over all entities, and the public exports. */
export function indexModule(ctx: EmitContext): ModuleParts {
  const entities = ctx.ir.entities;
  const T = (name: string) => ctx.typeName(name);
  const topLevel = entities.filter((e) => !CLIENT_MEMBERS.includes(e.name));
  const from = (name: string) => quote(`./entities/${ctx.fileName(name)}.js`);
  const typeImports = entities.map((e) => importLine('import type', ['Api', 'Entity', 'Query', 'Row'].map((s) => T(e.name) + s), from(e.name)));
  const valueImports = entities.map((e) => importLine('import', [`${T(e.name)}Def`], from(e.name)));
  const runtimeTypes = ['ClientConfig', 'Impersonation', 'QueryOptions', 'RequestOptions', 'RetryOptions', 'TransactResult', 'UserFields', 'UserSelector', 'Chunk', 'UpdateOptions'];
  const parityTypes = ['FetchOptions', 'IncomingRequest', 'Logger', 'NextFetchOptions', 'PresencePeer', 'PresenceResult'];
  const storageTypes = ['FileData', 'FileOpts', 'UploadFileResponse', 'DeleteFileResponse', 'DeleteManyFileResponse', 'StorageFile'];
  const liveTypes = ['Cursor', 'Page', 'PageInfo', 'ReadyState', 'SessionInfo', 'Subscription', 'SubscriptionPayload'];
  const debugTypes = ['DebugQueryOptions', 'DebugQueryResult', 'DebugTransactOptions', 'DebugTransactResult', 'QueryCheckResult', 'TransactCheckResult'];
  const reexports = [
    ...entities.map((e) => `export type * from ${from(e.name)};`),
    importLine('export type', runtimeTypes, `'./runtime/index.js'`),
    importLine('export type', debugTypes, `'./runtime/index.js'`),
    importLine('export type', liveTypes, `'./runtime/index.js'`),
    importLine('export type', parityTypes, `'./runtime/index.js'`),
    importLine('export type', WEBHOOK_TYPES, `'./runtime/index.js'`),
    importLine('export type', storageTypes, `'./runtime/index.js'`),
  ];
  const valueExports = `export { createInstantRouteHandler, id, InstantAPIError, InstantValidationError, InstantWebhookError } from './runtime/index.js';\n`;
  const apiDoc = (name: string) => `/** \`${docText(name)}\`: queries (\`query\`, \`get\`, \`subscribe\`, \`count\`, \`paginate\`) and transaction chains (\`tx\`). */\n`;
  const createDoc = `/**
 * Creates a client. Defaults: \`INSTANT_APP_ID\`, \`INSTANT_APP_ADMIN_TOKEN\`, \`INSTANT_API_URI\`
 * (else https://api.instantdb.com).
 */\n`;
  const body = (typed: boolean) => `const defs${typed ? ': Record<string, rt.EntityDef>' : ''} = ${block(entities.map((e) => `${(typed ? propertyKey : jsPropertyKey)(e.name)}: ${T(e.name)}Def,`))};
${arrayLiteral(`const topLevel${typed ? ': string[]' : ''} = `, topLevel.map((e) => quote(e.name)), ';')}

${createDoc}export function createClient(config${typed ? '?: rt.ClientConfig): InstantClient' : ')'} {
  const core = rt.createClientCore({ validate: ${ctx.settings.validation}, ...config }, defs, { dates: '${ctx.settings.dates}' });
  return rt.exposeEntities(core, topLevel)${typed ? ' as unknown as InstantClient' : ''};
}
`;
  const types = `${reexports.join('\n')}

/** A query over several entities, sent as one request. */
export interface Query ${block(entities.map((e) => `${propertyKey(e.name)}?: ${optionalInput(e.name, `${T(e.name)}Query`)};`))}
export interface QueryRows<Q> ${block(entities.map((e) => `${propertyKey(e.name)}: ${T(e.name)}Row<Q>[];`))}
/** The result of \`db.query(Q)\`: an array of rows for each entity asked for. */
export type QueryResult<Q> = { [K in keyof Q & keyof QueryRows<unknown>]: QueryRows<Q[K]>[K] };
/** The page info of each paginated entity of \`Q\`, as a subscription reports it. */
export type QueryPageInfo<Q> = { [K in keyof Q & keyof QueryRows<unknown>]?: rt.PageInfo };

${authRoomTypes(ctx.ir)}

${webhookTypes(ctx)}
/** Every entity's API, whatever its name. */
export interface Entities ${block(entities.map((e) => `${apiDoc(e.name)}${propertyKey(e.name)}: ${T(e.name)}Api;`))}

export interface InstantClient {
${topLevel.map((e) => `${apiDoc(e.name)}${propertyKey(e.name)}: ${T(e.name)}Api;\n`).join('')}/** Every entity, including those whose names collide with the client's own members (${CLIENT_MEMBERS.map((m) => `\`${m}\``).join(', ')}). */
entities: Entities;
/** Queries several entities in one request. */
query<const Q extends Query>(query: ${checkedParam('Q', 'Query')}, opts?: rt.QueryOptions): Promise<QueryResult<Q>>;
/** Runs transaction chains (\`db.goals.tx(id).update(...)\`) atomically, in one request. */
transact(chunks: rt.Chunk | readonly rt.Chunk[], opts?: rt.RequestOptions): Promise<rt.TransactResult>;
/** The same client, acting as a user (\`{ email }\` or \`{ token }\`) or a guest, with their permissions. */
asUser(who: rt.Impersonation): InstantClient;
/** On an \`asUser\` client: the query's result for that user, and every permission check it ran (admin token needed). */
debugQuery<const Q extends Query>(
query: ${checkedParam('Q', 'Query')},
opts?: rt.DebugQueryOptions,
): Promise<rt.DebugQueryResult<QueryResult<Q>>>;
/** On an \`asUser\` client: every permission check of the transaction, written only with \`dangerouslyCommit\` when all pass. */
debugTransact(
chunks: rt.Chunk | readonly rt.Chunk[],
opts?: rt.DebugTransactOptions,
): Promise<rt.DebugTransactResult>;
/** A live query over several entities: every new result, by callback and/or \`for await\`; \`close()\` ends it. */
subscribeQuery<const Q extends Query>(
query: ${checkedParam('Q', 'Query')},
onResult?: (payload: rt.SubscriptionPayload<QueryResult<Q>, QueryPageInfo<Q>>) => void,
opts?: rt.QueryOptions,
): rt.Subscription<QueryResult<Q>, QueryPageInfo<Q>>;
/** Users, tokens and magic codes (always as admin). */
auth: rt.AuthApi<User, UserExtraFields>;
/** Who is in a room, with their presence data (always as admin). */
rooms: rt.RoomsApi<RoomPresence, User>;
/** Receiving webhooks with typed handlers (\`processRequest\`), checking them (\`validate\`), and the \`manager\`. */
webhooks: rt.WebhooksApi<WebhookEntities>;
/** Files: \`uploadFile\`, \`delete\`, \`deleteMany\` (as the \`asUser\` user, if any); query \`$files\` for their urls. */
storage: rt.StorageApi;
}
`;
  return {
    typeImports: [RUNTIME_IMPORT, ...typeImports, ...userTypeImport(ctx)],
    types,
    valueImports: [RUNTIME_IMPORT, ...valueImports],
    values: {
      ts: `${valueExports}\n${body(true)}`,
      js: `${valueExports}\n${body(false)}`,
      dts: `${valueExports}\n${createDoc}export declare function createClient(config?: rt.ClientConfig): InstantClient;\n`,
    },
  };
}

/** The user types that the `$users` and presence attrs repeat in the index (see authRoomTypes.ts). */
function userTypeImport(ctx: EmitContext): string[] {
  const text = authRoomTypeTexts(ctx.ir).join(' ');
  const used = ctx.userTypeNames.filter((name) => mentions(text, name));
  return used.length ? [importLine('import type', used, `'./user-types.js'`)] : [];
}

const WEBHOOK_TYPES = ['IdempotencyStore', 'NodeRequestLike', 'WebhookBody', 'WebhookEventInfo', 'WebhookEventsPage', 'WebhookInfo', 'WebhookPayload', 'WebhookProcessOptions', 'WebhookValidateOptions'];

/** Webhook records typed per entity: \`before\` and \`after\` are the entity type (attributes, no links). */
function webhookTypes(ctx: EmitContext): string {
  const entities = ctx.ir.entities.map((e) => `${propertyKey(e.name)}: ${ctx.typeName(e.name)}Entity;`);
  return `/** Each entity's type, as webhook records carry it in \`before\` and \`after\`. */
export interface WebhookEntities ${block(entities)}
/** A webhook record of entity \`N\` (default: any), discriminated by \`namespace\` and \`action\`. */
export type WebhookRecord<N extends keyof WebhookEntities = keyof WebhookEntities> = rt.WebhookRecord<WebhookEntities, N>;
/** Handlers by entity and action (\`create\`, \`update\`, \`delete\`, \`$default\`), plus a top-level \`$default\`. */
export type WebhookHandlers = rt.WebhookHandlers<WebhookEntities>;
`;
}
