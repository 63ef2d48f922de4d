// Isolation and authentication: two apps on one server never see or touch each other's data or users;
// missing, malformed and wrong credentials (admin token, app id, revoked or foreign refresh tokens,
// unknown impersonated emails) are refused on every route with Instant's errors (wire-protocol §2-§3),
// and nothing is written by a refused request; tokens and magic codes are only stored hashed.

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { i } from '@instantdb/admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { schemaIR } from '../../support/localServer.js';
import { adminHeaders, lookupString, query, queryOk, send, transact, type Target } from './helpers.js';
import { GENEROUS_LIMITS } from '../../support/limits.js';

const schema = i.schema({
  entities: {
    $users: i.entity({ email: i.string().unique().indexed().optional() }),
    notes: i.entity({ title: i.string().unique().indexed(), body: i.string().optional() }),
    tags: i.entity({ name: i.string().unique().indexed() }),
  },
  links: {
    noteTags: { forward: { on: 'notes', has: 'many', label: 'tags' }, reverse: { on: 'tags', has: 'many', label: 'notes' } },
  },
});

const dir = mkdtempSync(join(tmpdir(), 'instant-codegen-isolation-'));
const dataFile = join(dir, 'local.db');
let server: RunningServer;
let A: Target;
let B: Target;
const secrets: { label: string; value: string }[] = [];
const codes: string[] = [];

beforeAll(async () => {
  server = await startServer({ schema: schemaIR(schema), dataFile, log: () => undefined, limits: GENEROUS_LIMITS });
  A = { url: server.url, appId: server.appId, adminToken: server.adminToken };
  const b = server.addApp();
  B = { url: server.url, ...b };
  secrets.push({ label: 'admin token of app A', value: A.adminToken }, { label: 'admin token of app B', value: B.adminToken });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function createToken(t: Target, email: string): Promise<string> {
  const r = await send(t.url, 'POST', '/admin/refresh_tokens', { headers: adminHeaders(t), body: { email } });
  expect(r.status).toBe(200);
  secrets.push({ label: `refresh token of ${email} in ${t.appId}`, value: r.body.user.refresh_token });
  return r.body.user.refresh_token;
}

const appAdminTokenNotFound = (token: string, appId: string) => ({
  type: 'record-not-found',
  message: 'Record not found: app-admin-token',
  hint: {
    args: [{ token, 'app-id': appId }],
    message: 'This admin token may be expired or invalid. Or you may have provided an incorrect app ID.',
    'record-type': 'app-admin-token',
  },
});

describe('two apps on one server', () => {
  const [noteA, noteB, tagA] = [randomUUID(), randomUUID(), randomUUID()];

  it('keep their data apart, even with the same unique values and ids', async () => {
    expect(
      (
        await transact(A, [
          ['update', 'notes', noteA, { title: 'same title', body: 'secret of A' }],
          ['update', 'tags', tagA, { name: 'a-only' }],
          ['link', 'notes', noteA, { tags: tagA }],
        ])
      ).status,
    ).toBe(200);
    // The same unique value is free in B; so is the id used in A (entities are per app).
    expect((await transact(B, [['update', 'notes', noteB, { title: 'same title', body: 'of B' }]])).status).toBe(200);
    expect((await transact(B, [['update', 'notes', noteA, { title: 'B reuses the id' }]])).status).toBe(200);

    const inB = await queryOk(B, { notes: { tags: {} }, tags: {} });
    expect(inB.tags).toEqual([]);
    expect(inB.notes.map((n: any) => [n.id, n.title, n.body ?? null, n.tags])).toEqual([
      [noteB, 'same title', 'of B', []],
      [noteA, 'B reuses the id', null, []],
    ]);
    const inA = await queryOk(A, { notes: { tags: {} } });
    expect(inA.notes).toEqual([{ id: noteA, title: 'same title', body: 'secret of A', tags: [{ id: tagA, name: 'a-only' }] }]);

    // A's lookups do not resolve in B, and B's deletes do not reach A.
    const link = await transact(B, [['link', 'notes', noteB, { tags: lookupString('name', 'a-only') }]]);
    expect(link.status).toBe(400);
    expect(link.body.message).toContain('The entity for the lookup does not exist.');
    expect((await transact(B, [['delete', 'tags', tagA], ['delete', 'notes', noteA]])).status).toBe(200);
    expect((await queryOk(A, { notes: { tags: {} } })).notes).toEqual(inA.notes);
    expect((await queryOk(B, { notes: { $: { where: { 'tags.name': 'a-only' } } } })).notes).toEqual([]);
  });

  it('keep attrs created on the fly apart', async () => {
    const r = await send(A.url, 'POST', '/admin/transact', {
      headers: adminHeaders(A),
      body: { steps: [['update', 'privateNs', randomUUID(), { hidden: 1 }]], 'throw-on-missing-attrs?': false },
    });
    expect(r.status).toBe(200);
    expect((await queryOk(A, { privateNs: {} })).privateNs).toHaveLength(1);
    expect((await queryOk(B, { privateNs: {} })).privateNs).toEqual([]);
    const schemaB = await send(B.url, 'GET', '/admin/schema', { headers: adminHeaders(B) });
    expect(schemaB.status).toBe(200);
    expect(JSON.stringify(schemaB.body)).not.toContain('privateNs');
  });

  it('keep their users and refresh tokens apart', async () => {
    const tokenA = await createToken(A, 'alice@example.com');
    const headersB = adminHeaders(B);
    // B has no alice: getUser is null, impersonation and A's token are refused.
    expect((await send(B.url, 'GET', '/admin/users?email=alice%40example.com', { headers: headersB })).body).toEqual({ user: null });
    expect((await send(B.url, 'GET', `/admin/users?refresh_token=${tokenA}`, { headers: headersB })).body).toEqual({ user: null });
    const asEmail = await query(B, { notes: {} }, { 'as-email': 'alice@example.com' });
    expect(asEmail.status).toBe(400);
    expect(asEmail.body).toMatchObject({ type: 'record-not-found', message: 'Record not found: app-user' });
    const asToken = await send(B.url, 'POST', '/admin/query', {
      headers: { 'content-type': 'application/json', 'app-id': B.appId, 'as-token': tokenA },
      body: { query: { notes: {} } },
    });
    expect(asToken.status).toBe(400);
    expect(asToken.body).toMatchObject({ type: 'record-not-found', message: 'Record not found: app-user' });
    const verify = await send(B.url, 'POST', '/runtime/auth/verify_refresh_token', {
      headers: { 'content-type': 'application/json' },
      body: { 'app-id': B.appId, 'refresh-token': tokenA },
    });
    expect(verify.status).toBe(400);
    expect(verify.body).toMatchObject({ type: 'record-not-found', message: 'Record not found: app-user' });
    // B signing alice out touches nothing in A.
    const signOut = await send(B.url, 'POST', '/admin/sign_out', { headers: headersB, body: { refresh_token: tokenA } });
    expect(signOut.body).toEqual({ ok: true });
    const stillValid = await send(A.url, 'POST', '/runtime/auth/verify_refresh_token', {
      headers: { 'content-type': 'application/json' },
      body: { 'app-id': A.appId, 'refresh-token': tokenA },
    });
    expect(stillValid.status).toBe(200);
    expect(stillValid.body.user.email).toBe('alice@example.com');
    // One app's admin token is not the other's.
    const crossed = await query({ ...B, adminToken: A.adminToken }, { notes: {} });
    expect(crossed.status).toBe(400);
    expect(crossed.body).toEqual(appAdminTokenNotFound(A.adminToken, B.appId));
  });
});

describe('credentials are checked on every admin route', () => {
  const ROUTES: [string, string, unknown][] = [
    ['POST', '/admin/query', { query: { notes: {} } }],
    ['POST', '/admin/transact', { steps: [['update', 'notes', randomUUID(), { title: 'refused write' }]] }],
    ['GET', '/admin/schema', undefined],
    ['POST', '/admin/refresh_tokens', { email: 'refused@example.com' }],
    ['POST', '/admin/sign_out', { email: 'alice@example.com' }],
    ['GET', '/admin/users?email=alice%40example.com', undefined],
    ['DELETE', '/admin/users?email=alice%40example.com', undefined],
    ['POST', '/admin/magic_code', { email: 'refused@example.com' }],
    ['POST', '/admin/send_magic_code', { email: 'refused@example.com' }],
    ['POST', '/admin/verify_magic_code', { email: 'refused@example.com', code: '123456' }],
    ['POST', '/admin/sign_in_guest', {}],
    ['POST', '/admin/query_perms_check', { query: { notes: {} } }],
    ['POST', '/admin/transact_perms_check', { steps: [] }],
  ];

  async function stateOfA(): Promise<unknown> {
    const data = await queryOk(A, { notes: {}, tags: {} });
    const users = await send(A.url, 'GET', '/admin/users?email=alice%40example.com', { headers: adminHeaders(A) });
    const refused = await send(A.url, 'GET', '/admin/users?email=refused%40example.com', { headers: adminHeaders(A) });
    return { data, alice: users.body, refused: refused.body };
  }

  const variants: [string, (route: string) => Record<string, string>, (route: string) => object][] = [
    [
      'no authorization header',
      () => ({ 'content-type': 'application/json', 'app-id': A.appId }),
      () => ({ type: 'param-missing', message: 'Missing parameter: ["headers" "authorization"]', hint: { in: ['headers', 'authorization'] } }),
    ],
    [
      'a token that is not a uuid',
      () => ({ 'content-type': 'application/json', 'app-id': A.appId, authorization: 'Bearer not-a-token' }),
      () => ({
        type: 'param-malformed',
        message: 'Malformed parameter: ["headers" "authorization"]',
        hint: { in: ['headers', 'authorization'], 'original-input': 'Bearer not-a-token' },
      }),
    ],
    [
      'a wrong admin token',
      () => ({ 'content-type': 'application/json', 'app-id': A.appId, authorization: 'Bearer 00000000-0000-4000-8000-000000000000' }),
      () => appAdminTokenNotFound('00000000-0000-4000-8000-000000000000', A.appId),
    ],
    [
      'an unknown app id',
      () => ({ 'content-type': 'application/json', 'app-id': '11111111-1111-4111-8111-111111111111', authorization: `Bearer ${A.adminToken}` }),
      () => appAdminTokenNotFound(A.adminToken, '11111111-1111-4111-8111-111111111111'),
    ],
    [
      'no app id',
      () => ({ 'content-type': 'application/json', authorization: `Bearer ${A.adminToken}` }),
      () => ({
        type: 'param-missing',
        message: 'Missing parameter: ["headers" "app-id"]',
        hint: { in: ['headers', 'app-id'], 'possible-ins': [['query-params', 'app_id']] },
      }),
    ],
    [
      'an app id that is not a uuid',
      () => ({ 'content-type': 'application/json', 'app-id': "1' OR '1'='1", authorization: `Bearer ${A.adminToken}` }),
      () => ({ type: 'param-malformed', message: 'Malformed parameter: ["headers" "app-id"]' }),
    ],
  ];

  for (const [what, headers, expected] of variants) {
    it(`refuses ${what} (400, Instant's error) and writes nothing`, async () => {
      const before = await stateOfA();
      for (const [method, path, body] of ROUTES) {
        // The debug routes want an impersonation header on top of the admin token.
        const extra: Record<string, string> = path.includes('perms_check') ? { 'as-email': 'alice@example.com' } : {};
        const r = await send(A.url, method, path, { headers: { ...headers(path), ...extra }, body });
        expect({ route: `${method} ${path}`, status: r.status }).toEqual({ route: `${method} ${path}`, status: 400 });
        expect(r.body).toMatchObject(expected(path));
      }
      expect(await stateOfA()).toEqual(before);
    });
  }

  it('takes the app id from the app_id query parameter when the header is absent', async () => {
    const r = await send(A.url, 'POST', `/admin/query?app_id=${A.appId}`, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${A.adminToken}` },
      body: { query: { notes: {} } },
    });
    expect(r.status).toBe(200);
  });
});

describe('impersonation and refresh tokens', () => {
  const asToken = (token: string) =>
    send(A.url, 'POST', '/admin/query', {
      headers: { 'content-type': 'application/json', 'app-id': A.appId, 'as-token': token },
      body: { query: { notes: {} } },
    });
  const verify = (token: string) =>
    send(A.url, 'POST', '/runtime/auth/verify_refresh_token', {
      headers: { 'content-type': 'application/json' },
      body: { 'app-id': A.appId, 'refresh-token': token },
    });
  const appUserNotFound = { type: 'record-not-found', message: 'Record not found: app-user', hint: { 'record-type': 'app-user' } };

  it('refuses a refresh token revoked by signOut (by email, by token) or by deleting the user', async () => {
    const [t1, t2] = [await createToken(A, 'bob@example.com'), await createToken(A, 'bob@example.com')];
    expect((await asToken(t1)).status).toBe(200);
    // Signing one token out leaves the other valid.
    expect((await send(A.url, 'POST', '/admin/sign_out', { headers: adminHeaders(A), body: { refresh_token: t1 } })).body).toEqual({ ok: true });
    expect(await asToken(t1)).toMatchObject({ status: 400, body: appUserNotFound });
    expect(await verify(t1)).toMatchObject({ status: 400, body: appUserNotFound });
    expect((await asToken(t2)).status).toBe(200);
    // Signing out by email revokes every token of the user.
    const t3 = await createToken(A, 'bob@example.com');
    expect((await send(A.url, 'POST', '/admin/sign_out', { headers: adminHeaders(A), body: { email: 'bob@example.com' } })).body).toEqual({ ok: true });
    for (const t of [t2, t3]) {
      expect(await asToken(t)).toMatchObject({ status: 400, body: appUserNotFound });
      expect(await verify(t)).toMatchObject({ status: 400, body: appUserNotFound });
    }
    // A deleted user's tokens die with it.
    const t4 = await createToken(A, 'carol@example.com');
    expect((await send(A.url, 'DELETE', '/admin/users?email=carol%40example.com', { headers: adminHeaders(A) })).status).toBe(200);
    expect(await asToken(t4)).toMatchObject({ status: 400, body: appUserNotFound });
  });

  it('refuses malformed and unknown refresh tokens, and unknown impersonated emails', async () => {
    expect(await asToken('not-a-uuid')).toMatchObject({
      status: 400,
      body: { type: 'param-malformed', message: 'Malformed parameter: ["asUser" "token"]', hint: { in: ['asUser', 'token'], 'original-input': 'not-a-uuid' } },
    });
    expect(await asToken(randomUUID())).toMatchObject({ status: 400, body: appUserNotFound });
    const unknown = await query(A, { notes: {} }, { 'as-email': 'nobody@example.com' });
    expect(unknown).toMatchObject({ status: 400, body: appUserNotFound });
    expect(unknown.body.hint.args).toEqual([{ 'app-id': A.appId, email: 'nobody@example.com' }]);
    // as-email needs a valid admin token, as-token and as-guest do not (§2).
    const noToken = await send(A.url, 'POST', '/admin/query', {
      headers: { 'content-type': 'application/json', 'app-id': A.appId, 'as-email': 'alice@example.com' },
      body: { query: { notes: {} } },
    });
    expect(noToken).toMatchObject({ status: 400, body: { type: 'param-missing', hint: { in: ['headers', 'authorization'] } } });
    const wrongToken = await query({ ...A, adminToken: B.adminToken }, { notes: {} }, { 'as-email': 'alice@example.com' });
    expect(wrongToken).toMatchObject({ status: 400, body: appAdminTokenNotFound(B.adminToken, A.appId) });
    const guestOfUnknownApp = await send(A.url, 'POST', '/admin/query', {
      headers: { 'content-type': 'application/json', 'app-id': randomUUID(), 'as-guest': 'true' },
      body: { query: { notes: {} } },
    });
    expect(guestOfUnknownApp.status).toBe(400);
    expect(guestOfUnknownApp.body.type).toBe('record-not-found');
  });
});

describe('stored secrets', () => {
  it('keeps only hashes of admin tokens, refresh tokens and magic codes in the SQLite files', async () => {
    await createToken(A, 'dave@example.com');
    await createToken(B, 'dave@example.com');
    for (const t of [A, B]) {
      const r = await send(t.url, 'POST', '/admin/magic_code', { headers: adminHeaders(t), body: { email: 'erin@example.com' } });
      expect(r.status).toBe(200);
      codes.push(r.body.code);
    }
    const guest = await send(A.url, 'POST', '/admin/sign_in_guest', { headers: adminHeaders(A), body: {} });
    secrets.push({ label: 'guest refresh token', value: guest.body.user.refresh_token });

    const forms = (uuid: string) => {
      const hex = uuid.replace(/-/g, '');
      return [uuid, uuid.toUpperCase(), hex, hex.toUpperCase(), Buffer.from(hex, 'hex').toString('latin1')];
    };
    const scan = (when: string) => {
      const files = [dataFile, `${dataFile}-wal`, `${dataFile}-shm`].filter((f) => existsSync(f));
      const contents = files.map((f) => readFileSync(f).toString('latin1')).join('\n');
      const leaks = secrets.filter((s) => forms(s.value).some((form) => contents.includes(form))).map((s) => `${s.label} (${when})`);
      expect(leaks).toEqual([]);
      return contents;
    };
    // While the server runs (recent writes are in the WAL) ...
    const live = scan('server running');
    // ... the admin tokens' hashes are there, so the scan looked at the right data.
    expect(live).toContain(createHash('sha256').update(A.adminToken).digest('hex'));
    await server.close();
    // ... and after the WAL was checkpointed into the database file on close.
    scan('after close');

    const db = new Database(dataFile, { readonly: true });
    try {
      const values = db.prepare('SELECT value FROM triples').all() as { value: string }[];
      for (const code of codes) expect(values.some((v) => v.value.includes(code) && v.value.length < 12)).toBe(false);
      const tokenRows = db.prepare("SELECT count(*) AS n FROM triples WHERE length(value) = 66").get() as { n: number };
      expect(tokenRows.n).toBeGreaterThan(0); // sha256 hex strings, JSON-quoted
    } finally {
      db.close();
    }
    server = await startServer({ schema: schemaIR(schema), dataFile, appId: A.appId, adminToken: A.adminToken, log: () => undefined, limits: GENEROUS_LIMITS });
  });
});
