import type { EmitContext } from './context.js';
import { docText, propertyKey } from './names.js';

/** Members of the client itself; entities with these names are reached through `db.entities`. */
export const CLIENT_MEMBERS = ['query', 'transact', 'asUser', 'auth', 'entities', 'then'];

/** `index.ts`: the typed client over all entities, and the public exports. */
export function indexModule(ctx: EmitContext): string {
  const entities = ctx.ir.entities;
  const T = (name: string) => ctx.typeName(name);
  const topLevel = entities.filter((e) => !CLIENT_MEMBERS.includes(e.name));
  const imports = entities.map(
    (e) => `import { ${T(e.name)}Def, type ${T(e.name)}Api, type ${T(e.name)}Check, type ${T(e.name)}Options, type ${T(e.name)}Query, type ${T(e.name)}Row } from './entities/${ctx.fileName(e.name)}.js';`,
  );
  const reexports = entities.map((e) => `export type * from './entities/${ctx.fileName(e.name)}.js';`);
  const apiDoc = (name: string) => `/** \`${docText(name)}\`: queries (\`query\`, \`get\`) and transaction chains (\`tx\`). */\n`;
  return `import * as rt from './runtime/index.js';
${imports.join('\n')}

${reexports.join('\n')}
export { id, InstantAPIError, InstantValidationError } from './runtime/index.js';
export type { ClientConfig, Impersonation, QueryOptions, RequestOptions, TransactResult, User, UserSelector, Chunk, UpdateOptions } from './runtime/index.js';

/** A query over several entities, sent as one request. */
export interface Query {
${entities.map((e) => `${propertyKey(e.name)}?: ${T(e.name)}Query;`).join('\n')}
}
export interface QueryRows<Q> {
${entities.map((e) => `${propertyKey(e.name)}: ${T(e.name)}Row<Q>[];`).join('\n')}
}
export interface QueryChecks<Q> {
${entities.map((e) => `${propertyKey(e.name)}: ${T(e.name)}Check<Q, ${T(e.name)}Options>;`).join('\n')}
}
/** The result of \`db.query(Q)\`: an array of rows for each entity asked for. */
export type QueryResult<Q> = { -readonly [K in keyof Q as K extends keyof QueryRows<unknown> ? K : never]-?: QueryRows<Q[K]>[K & keyof QueryRows<unknown>] };
export type QueryCheck<Q> = { [K in keyof Q]: K extends keyof QueryChecks<unknown> ? QueryChecks<Q[K]>[K] : never };

/** Every entity's API, whatever its name. */
export interface Entities {
${entities.map((e) => `${apiDoc(e.name)}${propertyKey(e.name)}: ${T(e.name)}Api;`).join('\n')}
}

export interface InstantClient {
${topLevel.map((e) => `${apiDoc(e.name)}${propertyKey(e.name)}: ${T(e.name)}Api;`).join('\n')}
/** Every entity, including those whose names collide with the client's own members (${CLIENT_MEMBERS.map((m) => `\`${m}\``).join(', ')}). */
entities: Entities;
/** Queries several entities in one request. */
query<const Q extends Query>(query: Q & QueryCheck<Q>, opts?: rt.QueryOptions): Promise<QueryResult<Q>>;
/** Runs transaction chains (\`db.goals.tx(id).update(...)\`) atomically, in one request. */
transact(chunks: rt.Chunk | readonly rt.Chunk[], opts?: rt.RequestOptions): Promise<rt.TransactResult>;
/** The same client, acting as a user (\`{ email }\` or \`{ token }\`) or a guest, with their permissions. */
asUser(who: rt.Impersonation): InstantClient;
/** Users, tokens and magic codes (always as admin). */
auth: rt.AuthApi;
}

const defs: Record<string, rt.EntityDef> = {
${entities.map((e) => `${propertyKey(e.name)}: ${T(e.name)}Def,`).join('\n')}
};

/**
 * Creates a client. Defaults: \`INSTANT_APP_ID\`, \`INSTANT_APP_ADMIN_TOKEN\`, \`INSTANT_API_URI\`
 * (else https://api.instantdb.com).
 */
export function createClient(config?: rt.ClientConfig): InstantClient {
  const core = rt.createClientCore({ validate: ${ctx.settings.validation}, ...config }, defs);
  return rt.exposeEntities(core, ${JSON.stringify(topLevel.map((e) => e.name))}) as unknown as InstantClient;
}
`.replace(/^\s*$\n(?=\s*$)/gm, '');
}

