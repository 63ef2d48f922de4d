// Wire conformance of the rest of the admin SDK's surface: `rooms.getPresence`, `auth.getUserFromRequest`,
// `query`'s `fetchOpts`, `debugQuery`'s `cardinalityInference` (client/packages/admin/src/index.ts), Instant's
// route handler (client/packages/core/src/createRouteHandler.ts), and the guest upgrade of `checkMagicCode`
// that only the server reads (server/src/instant/admin/routes.clj `verify-magic-code-post`, `refresh-token`).
import { createInstantRouteHandler as sdkRouteHandler } from '@instantdb/admin';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCaptureServer, type CaptureServer, type CapturedRequest } from '../support/captureServer.js';
import { APP_ID, generateTodoClient, keyOrder, makeGen, makeSdk, removeDir, settle, wireView, type GeneratedModule } from './harness.js';

let server: CaptureServer;
let mod: GeneratedModule;
let dir: string | undefined;

beforeAll(async () => {
  server = await startCaptureServer();
  ({ mod, dir } = await generateTodoClient('parity'));
}, 120_000);

afterAll(async () => {
  await server?.close();
  removeDir(dir);
});

/** Runs one side with scripted answers; returns what it resolved to (or threw) and what it sent. */
async function capture(run: () => Promise<unknown>, answers: unknown[] = []) {
  server.reset();
  for (const body of answers) server.script({ status: 200, body });
  const outcome = await settle(run);
  return { outcome, requests: server.take() };
}

function expectSameWire(a: CapturedRequest[], b: CapturedRequest[]) {
  expect(b.map(wireView)).toStrictEqual(a.map(wireView));
  for (const [i, req] of a.entries()) {
    expect(keyOrder(b[i].body)).toStrictEqual(keyOrder(req.body));
    expect(b[i].rawBody).toBe(req.rawBody);
  }
}

const SESSIONS = {
  'a5f1c3d2-0000-4000-8000-000000000001': { 'peer-id': 'a5f1c3d2-0000-4000-8000-000000000001', user: null, data: { name: 'ann', typing: true } },
};

describe('rooms.getPresence', () => {
  it.each([
    ['sessions', { sessions: SESSIONS }],
    ['no sessions key (the SDK answers {})', {}],
  ])('same request and value: %s', async (_name, answer) => {
    const sdk = await capture(() => makeSdk(server.url).rooms.getPresence('todos', 'room-1'), [answer]);
    const gen = await capture(() => makeGen(mod, server.url).rooms.getPresence('todos', 'room-1'), [answer]);
    expect(sdk.requests).toHaveLength(1);
    expect(sdk.requests[0]).toMatchObject({ method: 'GET', path: '/admin/rooms/presence', query: `app_id=${APP_ID}&room-type=todos&room-id=room-1` });
    expectSameWire(sdk.requests, gen.requests);
    expect(gen.outcome).toStrictEqual(sdk.outcome);
  });

  it('runs as admin on an impersonating client, as the SDK does', async () => {
    const sdk = await capture(() => makeSdk(server.url).asUser({ email: 'a@b.c' }).rooms.getPresence('todos', 'r'), [{}]);
    const gen = await capture(() => makeGen(mod, server.url).asUser({ email: 'a@b.c' }).rooms.getPresence('todos', 'r'), [{}]);
    expect(sdk.requests[0].headers['as-email']).toBeUndefined();
    expectSameWire(sdk.requests, gen.requests);
  });
});

describe('debugQuery cardinalityInference', () => {
  it.each([false, true])('cardinalityInference: %s is sent as inference?', async (cardinalityInference) => {
    const q = { goals: {} };
    const sdk = await capture(() => makeSdk(server.url).asUser({ guest: true }).debugQuery(q, { cardinalityInference }));
    const gen = await capture(() => makeGen(mod, server.url).asUser({ guest: true }).debugQuery(q, { cardinalityInference }));
    expect((sdk.requests[0].body as Record<string, unknown>)['inference?']).toBe(cardinalityInference);
    expectSameWire(sdk.requests, gen.requests);
  });
});

describe('query fetchOpts', () => {
  const fetchOpts = { next: { revalidate: 60, tags: ['goals'] }, headers: { 'x-request-id': 'r-1', authorization: 'Bearer not-the-token' } };

  it('extra headers go on the wire; the client\'s own headers win over them', async () => {
    const sdk = await capture(() => makeSdk(server.url).query({ goals: {} }, { fetchOpts }));
    const gen = await capture(() => makeGen(mod, server.url).goals.query({}, { fetchOpts }));
    expectSameWire(sdk.requests, gen.requests);
    for (const req of [sdk.requests[0], gen.requests[0]]) {
      expect(req.headers['x-request-id']).toBe('r-1');
      expect(req.headers.authorization).not.toContain('not-the-token');
    }
  });

  it('Next.js options reach fetch as the SDK passes them (no `cache: no-store` beside `revalidate`)', async () => {
    const real = globalThis.fetch;
    const inits: RequestInit[] = [];
    const recording = (async (url: string | URL | Request, init?: RequestInit) => {
      inits.push(init ?? {});
      return real(url, init);
    }) as typeof fetch;
    vi.stubGlobal('fetch', recording);
    try {
      await makeSdk(server.url).query({ goals: {} }, { fetchOpts });
    } finally {
      vi.unstubAllGlobals();
    }
    const gen = mod.createClient({ appId: APP_ID, apiURI: server.url, adminToken: '99999999-8888-4777-8666-555555555555', fetch: recording });
    await gen.query({ goals: {} }, { fetchOpts });
    await gen.query({ goals: {} });
    const [sdkInit, genInit, genDefault] = inits as (RequestInit & { next?: unknown })[];
    expect(genInit.next).toStrictEqual(sdkInit.next);
    expect(sdkInit.cache).toBeUndefined();
    expect(genInit.cache).toBeUndefined();
    // Without fetchOpts a read is never served from a cache.
    expect(genDefault.cache).toBe('no-store');
  });

  it('a live query sends the extra headers too', async () => {
    server.reset();
    const sub = makeGen(mod, server.url).subscribeQuery({ goals: {} }, undefined, { fetchOpts: { headers: { 'x-request-id': 'live-1' } } });
    for await (const payload of sub) {
      expect(payload.type).toBe('ok');
      break;
    }
    const [req] = server.take();
    expect(req.path).toBe('/admin/subscribe-query');
    expect(req.headers['x-request-id']).toBe('live-1');
  });
});

describe('auth.getUserFromRequest', () => {
  const REFRESH = 'c0ffee00-0000-4000-8000-00000000abcd';
  const cookie = `other=1; instant_user_${APP_ID}=${encodeURIComponent(JSON.stringify({ id: 'u', refresh_token: REFRESH }))}`;
  const request = () => new Request('https://app.example/', { headers: { cookie } });

  it('verifies the cookie\'s token with the same request as the SDK', async () => {
    const sdk = await capture(() => makeSdk(server.url).auth.getUserFromRequest(request()));
    const gen = await capture(() => makeGen(mod, server.url).auth.getUserFromRequest(request()));
    expect(sdk.requests.map((r) => r.path)).toEqual(['/runtime/auth/verify_refresh_token']);
    expect((sdk.requests[0].body as Record<string, unknown>)['refresh-token']).toBe(REFRESH);
    expectSameWire(sdk.requests, gen.requests);
    expect(gen.outcome).toStrictEqual(sdk.outcome);
  });

  it('disableValidation: no request, the cookie\'s user', async () => {
    const sdk = await capture(() => makeSdk(server.url).auth.getUserFromRequest(request(), { disableValidation: true }));
    const gen = await capture(() => makeGen(mod, server.url).auth.getUserFromRequest(request(), { disableValidation: true }));
    expect([sdk.requests, gen.requests]).toEqual([[], []]);
    expect(gen.outcome).toStrictEqual(sdk.outcome);
    expect(gen.outcome).toStrictEqual({ ok: true, value: { id: 'u', refresh_token: REFRESH } });
  });

  it('reads a Node request\'s headers object too (Express, node:http)', async () => {
    const gen = await capture(() => makeGen(mod, server.url).auth.getUserFromRequest({ headers: { cookie } }, { disableValidation: true }));
    expect(gen.outcome).toStrictEqual({ ok: true, value: { id: 'u', refresh_token: REFRESH } });
  });
});

describe('createInstantRouteHandler answers as @instantdb/core\'s', () => {
  const user = { id: 'u1', email: 'a@b.c', refresh_token: 'c0ffee00-0000-4000-8000-00000000abcd' };
  const bodies: [string, string][] = [
    ['sync-user with a user', JSON.stringify({ type: 'sync-user', appId: APP_ID, user })],
    ['sync-user with null (sign-out)', JSON.stringify({ type: 'sync-user', appId: APP_ID, user: null })],
    ['sync-user with a user without refresh_token', JSON.stringify({ type: 'sync-user', appId: APP_ID, user: { id: 'u1' } })],
    ['another app', JSON.stringify({ type: 'sync-user', appId: 'other', user })],
    ['no type', JSON.stringify({ appId: APP_ID })],
    ['unknown type', JSON.stringify({ type: 'nope', appId: APP_ID })],
    ['not JSON', '{'],
  ];

  it.each(bodies)('%s', async (_name, body) => {
    const post = (handler: { POST(req: Request): Promise<Response> }) =>
      handler.POST(new Request('https://app.example/api/instant', { method: 'POST', body }));
    const [sdk, gen] = await Promise.all([post(sdkRouteHandler({ appId: APP_ID })), post(mod.createInstantRouteHandler({ appId: APP_ID }))]);
    expect(gen.status).toBe(sdk.status);
    expect(gen.headers.get('set-cookie')).toBe(sdk.headers.get('set-cookie'));
    expect(gen.headers.get('content-type')).toBe(sdk.headers.get('content-type'));
    expect(await gen.text()).toBe(await sdk.text());
  });
});

describe('auth.checkMagicCode guest upgrade', () => {
  it('sends the guest\'s refresh-token beside email and code, with the SDK\'s headers', async () => {
    const guestToken = 'c0ffee00-0000-4000-8000-00000000beef';
    const reference = await capture(() => makeSdk(server.url).auth.checkMagicCode('a@b.c', '123456'));
    const gen = await capture(() => makeGen(mod, server.url).auth.checkMagicCode('a@b.c', '123456', { refreshToken: guestToken, extraFields: { nickname: 'n' } }));
    expect(gen.requests.map(wireView)).toStrictEqual(
      reference.requests.map((r) => ({ ...wireView(r), body: { email: 'a@b.c', code: '123456', 'extra-fields': { nickname: 'n' }, 'refresh-token': guestToken } })),
    );
  });
});
