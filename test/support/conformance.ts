// Conformance cases as data, runnable through any client with the admin SDK's surface (the official
// `@instantdb/admin` today, the generated client later). A case names the fixture it needs, which
// client flavour it uses, what it does, and what it expects.

import { expect } from 'vitest';

/** The part of the admin SDK the cases use; a generated client only needs to provide the same. */
export interface AdminDbLike {
  query(q: any, opts?: any): Promise<any>;
  transact(chunks: any): Promise<any>;
  tx: any;
  auth: any;
  asUser(opts: any): AdminDbLike;
  /** `query_perms_check`: `{ result, checkResults }` (needs `asUser`). */
  debugQuery(q: any, opts?: any): Promise<any>;
  /** `transact_perms_check`: the server's body (needs `asUser`). */
  debugTransact(chunks: any, opts?: any): Promise<any>;
  /** A live query (`POST /admin/subscribe-query`): `{close(), [Symbol.asyncIterator]}`; the live cases need it. */
  subscribeQuery?(q: any, cb?: (payload: any) => void, opts?: any): any;
  /** `rooms.getPresence(roomType, roomId)` (GET /admin/rooms/presence); the presence cases need it. */
  rooms?: { getPresence(roomType: string, roomId: string): Promise<any> };
  /** `db.storage` (uploadFile, delete, deleteMany, list, getDownloadUrl); the storage cases need it. */
  storage?: any;
}

/**
 * schema:    init with the fixture's schema → `inference?: true`, `throw-on-missing-attrs?: true`
 * unchecked: the same with `disableValidation: true`, to reach server-side validation
 * plain:     init without a schema → both flags false, attrs auto-created
 */
export type ClientKind = 'schema' | 'unchecked' | 'plain';

export interface HttpResponse {
  status: number;
  /** Parsed JSON when possible, else the raw text. */
  body: any;
}

export interface CaseContext {
  db: AdminDbLike;
  /** Other client flavours for the same app, and a client without an admin token. */
  client(kind: ClientKind | 'no-token'): AdminDbLike;
  ids: Record<string, string>;
  appId: string;
  adminToken: string;
  url: string;
  /** A raw request to the server (for wire-level cases the SDK cannot produce). */
  http(method: string, path: string, init?: { body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<HttpResponse>;
  /** Standard headers: content-type, app-id, authorization. */
  headers(extra?: Record<string, string>): Record<string, string>;
  /** Attr id of `etype.label` (from GET /admin/schema), e.g. to build pagination cursors. */
  attrId(etype: string, label: string): Promise<string>;
  /** Open live queries of this case's app, as the server counts them. */
  subscriptions(): number;
  /** Puts a session in a room of this case's app (`RunningServer.joinRoom`, the presence test hook). */
  joinRoom(roomId: string, peer: { data?: Record<string, any>; userId?: string }): { sessionId: string; leave(): void };
}

export interface ErrorExpectation {
  status?: number;
  type?: string;
  message?: string | RegExp;
  /** Matched with toMatchObject. */
  hint?: unknown;
}

export type Expectation =
  | { result: unknown }
  | { check: (result: any, ctx: CaseContext) => void | Promise<void> }
  | { error: ErrorExpectation };

export interface ConformanceCase {
  name: string;
  /** Which documented cases this covers, e.g. ['semantics 17', 'wire 6']. */
  covers?: string[];
  /** Key into FIXTURES; 'empty' when absent. */
  fixture?: string;
  /** The app's permission rules (`instant.perms.ts`); runners pass them to `server.addApp({ rules })`. None: everything is allowed. */
  rules?: Record<string, unknown>;
  /** Defaults to 'schema'. */
  client?: ClientKind;
  run(db: AdminDbLike, ctx: CaseContext): Promise<unknown>;
  expect: Expectation;
}

/** Asserts a case outcome; `outcome` is either the resolved value or the thrown error. */
export async function assertOutcome(
  c: ConformanceCase,
  outcome: { ok: true; value: unknown } | { ok: false; error: any },
  ctx: CaseContext,
): Promise<void> {
  const exp = c.expect;
  if ('error' in exp) {
    if (outcome.ok) throw new Error(`expected an error, got ${JSON.stringify(outcome.value)}`);
    const err = outcome.error;
    const body = err?.body ?? {};
    if (exp.error.status !== undefined) expect(err?.status).toBe(exp.error.status);
    if (exp.error.type !== undefined) expect(body.type).toBe(exp.error.type);
    if (typeof exp.error.message === 'string') expect(body.message ?? err?.message).toBe(exp.error.message);
    if (exp.error.message instanceof RegExp) expect(body.message ?? err?.message).toMatch(exp.error.message);
    if (exp.error.hint !== undefined) expect(body.hint).toMatchObject(exp.error.hint as object);
    return;
  }
  if (!outcome.ok) throw outcome.error;
  if ('result' in exp) expect(outcome.value).toEqual(exp.result);
  else await exp.check(outcome.value, ctx);
}

/** Sorts strings for set-like comparisons. */
export function sorted<T>(xs: T[], key: (x: T) => string = (x) => String(x)): T[] {
  return [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
