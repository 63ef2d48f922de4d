// Error parity: a non-200 answer becomes an `InstantAPIError` with the same status, message, hint,
// traceId and body in the generated client as in `@instantdb/admin@1.0.67` (docs/wire-protocol.md §1.4).
// The classes differ (the SDK's comes from @instantdb/core), so the errors are compared field by field.
// Also here: the differences between the two clients that are intended, pinned so that a new one shows.
import { InstantAPIError as SdkInstantAPIError } from '@instantdb/admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer, type ScriptedResponse } from '../support/captureServer.js';
import { G1, REFRESH, U1 } from './cases.js';
import { ADMIN_TOKEN, APP_ID, COMPARED_HEADERS, generateTodoClient, makeGen, makeSdk, removeDir, settle, type GenDb, type GeneratedModule, type SdkDb } from './harness.js';

let server: CaptureServer;
let mod: GeneratedModule;
let dir: string | undefined;

beforeAll(async () => {
  server = await startCaptureServer();
  ({ mod, dir } = await generateTodoClient('errors'));
});

afterAll(async () => {
  await server?.close();
  removeDir(dir);
});

interface Operation {
  name: string;
  noAdminToken?: boolean;
  official: (db: SdkDb) => Promise<unknown>;
  generated: (db: GenDb) => Promise<unknown>;
}

const OPERATIONS: Operation[] = [
  { name: 'query', official: (db) => db.query({ goals: {} }), generated: (db) => db.goals.query() },
  { name: 'transact', official: (db) => db.transact(db.tx.goals[G1].update({ title: 'x' })), generated: (db) => db.transact(db.goals.tx(G1).update({ title: 'x' })) },
  {
    name: 'asUser({ token }) query without an admin token',
    noAdminToken: true,
    official: (db) => db.asUser({ token: REFRESH }).query({ todos: {} }),
    generated: (db) => db.asUser({ token: REFRESH }).query({ todos: {} }),
  },
  { name: 'auth.createToken', official: (db) => db.auth.createToken({ id: U1 }), generated: (db) => db.auth.createToken({ id: U1 }) },
  { name: 'auth.verifyToken', official: (db) => db.auth.verifyToken(REFRESH), generated: (db) => db.auth.verifyToken(REFRESH) },
  { name: 'auth.getUser (GET)', official: (db) => db.auth.getUser({ id: U1 }), generated: (db) => db.auth.getUser({ id: U1 }) },
  { name: 'auth.deleteUser (DELETE)', official: (db) => db.auth.deleteUser({ email: 'a@b.c' }), generated: (db) => db.auth.deleteUser({ email: 'a@b.c' }) },
  { name: 'auth.signOut (ignored result)', official: (db) => db.auth.signOut({ id: U1 }), generated: (db) => db.auth.signOut({ id: U1 }) },
];

const RESPONSES: { name: string; response: ScriptedResponse }[] = [
  {
    name: '400 JSON with type, message, hint and trace-id',
    response: {
      status: 400,
      body: {
        type: 'validation-failed',
        message: 'Validation failed for steps: Attributes are missing in your schema',
        hint: { 'data-type': 'steps', errors: [{ message: 'Attributes are missing', hint: { attributes: ['goals.color'] } }] },
        'trace-id': 'trace-400',
      },
    },
  },
  { name: '500 plain-text body', response: { status: 500, body: 'Internal Server Error', contentType: 'text/plain' } },
  { name: '404 {}', response: { status: 404, body: {} } },
  {
    name: '429 rate-limited, camelCase traceId',
    response: { status: 429, body: { type: 'rate-limited', message: 'Too many requests', hint: { 'retry-after': 2 }, traceId: 'trace-429' } },
  },
  { name: '400 malformed-JSON plain text (as the server sends it)', response: { status: 400, body: 'Malformed JSON in request body.', contentType: 'text/plain' } },
  { name: '201 counts as an error', response: { status: 201, body: { 'tx-id': 1 } } },
];

async function rejectionOf(run: () => Promise<unknown>, response: ScriptedResponse): Promise<unknown> {
  server.reset();
  server.script(response);
  const outcome = await settle(run);
  expect(server.take(), 'exactly one request').toHaveLength(1);
  expect(outcome.ok, 'the call rejects').toBe(false);
  return (outcome as { error: unknown }).error;
}

function fields(error: unknown) {
  const e = error as { name: string; status: number; message: string; hint: unknown; traceId: unknown; body: unknown };
  return { name: e.name, status: e.status, message: e.message, hint: e.hint, traceId: e.traceId, body: e.body };
}

describe('error parity with @instantdb/admin@1.0.67', () => {
  const matrix = OPERATIONS.flatMap((op) => RESPONSES.map((r) => [`${op.name}: ${r.name}`, op, r.response] as const));

  it.each(matrix)('%s', async (_name, op, response) => {
    const token = op.noAdminToken ? null : ADMIN_TOKEN;
    const official = await rejectionOf(() => op.official(makeSdk(server.url, token)), response);
    const generated = await rejectionOf(() => op.generated(makeGen(mod, server.url, token)), response);

    expect(official).toBeInstanceOf(SdkInstantAPIError);
    expect(generated).toBeInstanceOf(mod.InstantAPIError);
    expect(generated).toBeInstanceOf(Error);
    const a = fields(official);
    const b = fields(generated);
    expect(b.name).toBe(a.name);
    expect(b.status).toBe(a.status);
    expect(b.message).toBe(a.message);
    expect(b.hint).toStrictEqual(a.hint);
    expect(b.traceId).toStrictEqual(a.traceId);
    expect(b.body).toStrictEqual(a.body);
    expect(Object.prototype.toString.call(official)).toBe('[object InstantAPIError]');
  });

  it('the message, hint and traceId come out as documented', async () => {
    const [r400, r500, r404] = RESPONSES.map((r) => r.response);
    const e400 = fields(await rejectionOf(() => makeGen(mod, server.url).goals.query(), r400));
    expect(e400).toMatchObject({ status: 400, message: 'Validation failed for steps: Attributes are missing in your schema', traceId: 'trace-400' });
    const e500 = fields(await rejectionOf(() => makeGen(mod, server.url).goals.query(), r500));
    expect(e500).toMatchObject({ status: 500, message: 'Internal Server Error', hint: undefined, traceId: undefined });
    expect(e500.body).toStrictEqual({ type: undefined, message: 'Internal Server Error' });
    const e404 = fields(await rejectionOf(() => makeGen(mod, server.url).goals.query(), r404));
    expect(e404).toMatchObject({ status: 404, message: 'API Error (404)', hint: undefined, traceId: undefined, body: {} });
  });
});

describe('admin token redaction (generated client only)', () => {
  // What the server answers for an unknown (token, app) pair: the hint echoes the token (§2).
  const echo: ScriptedResponse = {
    status: 400,
    body: {
      type: 'record-not-found',
      message: `Record not found: app-admin-token (${ADMIN_TOKEN})`,
      hint: {
        args: [{ token: ADMIN_TOKEN, 'app-id': APP_ID }],
        message: 'This admin token may be expired or invalid. Or you may have provided an incorrect app ID.',
        'record-type': 'app-admin-token',
      },
      'trace-id': 'trace-echo',
    },
  };

  /** Everything an error exposes: own enumerable fields, plus message, stack and its string form. */
  function exposed(error: unknown): string {
    const e = error as Error;
    return JSON.stringify({ ...e, message: e.message, stack: e.stack, string: String(e), fields: fields(e) });
  }

  it.each(OPERATIONS.filter((op) => !op.noAdminToken).map((op) => [op.name, op] as const))('%s: the token appears nowhere in the error', async (_name, op) => {
    const generated = await rejectionOf(() => op.generated(makeGen(mod, server.url)), echo);
    expect(exposed(generated)).not.toContain(ADMIN_TOKEN);
    // Everything else is unchanged: the status, type, trace id and the rest of the hint.
    const e = fields(generated);
    expect(e).toMatchObject({ status: 400, traceId: 'trace-echo', body: { type: 'record-not-found' } });
    expect(e.message).toMatch(/^Record not found: app-admin-token \(9999…\(redacted\)\)$/);
    expect((e.hint as { args: { token: string; 'app-id': string }[] }).args[0]).toStrictEqual({ token: '9999…(redacted)', 'app-id': APP_ID });

    // The SDK passes the body through: its error carries the token (a known difference, not mirrored).
    const official = await rejectionOf(() => op.official(makeSdk(server.url)), echo);
    expect(exposed(official)).toContain(ADMIN_TOKEN);
  });
});

describe('intended differences, pinned', () => {
  it('headers outside the compared set: version headers (SDK only), no-cache headers (generated only)', async () => {
    const ops: Operation[] = [...OPERATIONS, { name: 'asUser guest', official: (db) => db.asUser({ guest: true }).query({ goals: {} }), generated: (db) => db.asUser({ guest: true }).query({ goals: {} }) }];
    for (const op of ops) {
      const token = op.noAdminToken ? null : ADMIN_TOKEN;
      server.reset();
      await op.official(makeSdk(server.url, token));
      const [a] = server.take();
      await op.generated(makeGen(mod, server.url, token));
      const [b] = server.take();
      const differing = (x: Record<string, string>, y: Record<string, string>) =>
        Object.keys(x)
          .filter((k) => k !== 'host' && x[k] !== y[k])
          .sort()
          .map((k) => `${k}: ${x[k]}`);
      expect({ op: op.name, officialOnly: differing(a.headers, b.headers), generatedOnly: differing(b.headers, a.headers) }).toStrictEqual({
        op: op.name,
        // The server only reads these for tracing (§1.2).
        officialOnly: ['instant-admin-version: v1.0.67', 'instant-core-version: v1.0.67'],
        // undici's translation of `cache: 'no-store'`, which the generated client always sets (the SDK only on Next.js 13/14).
        generatedOnly: ['cache-control: no-cache', 'pragma: no-cache'],
      });
      for (const name of COMPARED_HEADERS) expect(b.headers[name], `${op.name}: ${name}`).toBe(a.headers[name]);
    }
  });

  it('an apiURI with a trailing slash: the SDK sends //admin/query, the generated client strips the slash', async () => {
    server.reset();
    // The capture server answers //admin/query with 404, so the SDK rejects here.
    await settle(() => makeSdk(`${server.url}/`).query({ goals: {} }));
    await makeGen(mod, `${server.url}/`).query({ goals: {} });
    expect(server.take().map((r) => r.path)).toStrictEqual(['//admin/query', '/admin/query']);
  });

  it('a 200 whose body is not JSON: the SDK rejects with a SyntaxError, the generated client with InstantAPIError', async () => {
    const response: ScriptedResponse = { status: 200, body: '<html>proxy error</html>', contentType: 'text/html' };
    const official = await rejectionOf(() => makeSdk(server.url).query({ goals: {} }), response);
    const generated = await rejectionOf(() => makeGen(mod, server.url).goals.query(), response);
    expect(official).toBeInstanceOf(SyntaxError);
    expect(generated).toBeInstanceOf(mod.InstantAPIError);
    expect(fields(generated)).toMatchObject({ status: 200, body: { type: 'invalid-response' } });
  });

  it('an error body that is JSON but not an object: the generated client keeps the raw text as the message', async () => {
    const response: ScriptedResponse = { status: 502, body: '"bad gateway"', contentType: 'application/json' };
    const official = fields(await rejectionOf(() => makeSdk(server.url).query({ goals: {} }), response));
    const generated = fields(await rejectionOf(() => makeGen(mod, server.url).goals.query(), response));
    expect(official).toMatchObject({ status: 502, message: 'API Error (502)', body: 'bad gateway' });
    expect(generated).toMatchObject({ status: 502, message: '"bad gateway"' });
    expect(generated.body).toStrictEqual({ type: undefined, message: '"bad gateway"' });
  });

  it('a connection failure: the SDK rejects with fetch\'s TypeError, the generated client with InstantAPIError (status 0)', async () => {
    const closed = await startCaptureServer();
    const url = closed.url;
    await closed.close();
    const official = await settle(() => makeSdk(url).query({ goals: {} }));
    const generated = await settle(() => makeGen(mod, url).goals.query());
    expect(official.ok || generated.ok).toBe(false);
    expect((official as { error: unknown }).error).toBeInstanceOf(TypeError);
    const e = (generated as { error: unknown }).error;
    expect(e).toBeInstanceOf(mod.InstantAPIError);
    expect(fields(e)).toMatchObject({ status: 0, body: { type: 'network-error' } });
    expect(exposed(e)).not.toContain(ADMIN_TOKEN);
  });

  function exposed(error: unknown): string {
    const e = error as Error;
    return JSON.stringify({ ...e, message: e.message, stack: e.stack, string: String(e) });
  }
});
