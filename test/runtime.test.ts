import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as TodoClient from './types/generated/todo/index.js';
import { startCaptureServer, type CaptureServer } from './support/captureServer.js';
import { importGeneratedClient, recordingFetch } from './support/generatedClient.js';

type Client = typeof TodoClient;
const APP = '11111111-2222-4333-8444-555555555555';
const TOKEN = '99999999-8888-4777-8666-555555555555';

let gen: Client;
beforeAll(async () => {
  gen = await importGeneratedClient<Client>('todo');
});

function client(status = 200, body: unknown = { 'tx-id': 1 }, config: Partial<TodoClient.ClientConfig> = {}) {
  const rec = recordingFetch(status, body);
  return { db: gen.createClient({ appId: APP, adminToken: TOKEN, apiURI: 'http://127.0.0.1:1', fetch: rec.fetch, ...config }), calls: rec.calls };
}

async function rejection(run: () => unknown): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('validation before any request, naming entity.attr', () => {
  const cases: [string, (db: TodoClient.InstantClient) => unknown, RegExp][] = [
    ['unknown attribute', (db) => db.goals.tx(gen.id()).update({ titel: 'x' } as never), /goals\.titel: unknown attribute in update/],
    ['wrong value type', (db) => db.goals.tx(gen.id()).update({ priority: 'high' } as never), /goals\.priority: expected number, got the string "high" in update/],
    ['missing required attribute on create', (db) => db.goals.tx(gen.id()).create({ title: 'x', priority: 1 } as never), /goals\.done: required attribute missing in create/],
    ['null on a required attribute', (db) => db.goals.tx(gen.id()).update({ title: null } as never), /goals\.title: expected string, got null/],
    ['invalid date', (db) => db.goals.tx(gen.id()).update({ dueDate: 'next week' }), /goals\.dueDate: expected a date: a ms timestamp, a parseable date string, or a Date, got the string "next week" in update/],
    ['invalid id', (db) => db.goals.tx('not-a-uuid'), /Invalid id for goals: expected a UUID, got "not-a-uuid"/],
    ['unknown link', (db) => db.goals.tx(gen.id()).link({ nope: gen.id() } as never), /goals\.nope: unknown link in link; links of goals: owner, todos/],
    ['array on a has-one link', (db) => db.goals.tx(gen.id()).link({ owner: [gen.id()] } as never), /goals\.owner: has one \$users/],
    ['invalid link target', (db) => db.goals.tx(gen.id()).link({ todos: 'nope' }), /goals\.todos: the string "nope" is neither a UUID nor a lookup/],
    ['unknown entity in a query', (db) => db.query({ goalz: {} } as never), /goalz: unknown entity/],
    ['unknown where attribute', (db) => db.goals.query({ $: { where: { titel: 'x' } } } as never), /goals\.\$\.where\.titel: goals has no attribute or link `titel`/],
    ['unknown path segment', (db) => db.goals.query({ $: { where: { 'todos.nope.title': 'x' } } }), /todos has no attribute or link `nope`/],
    ['non-UUID id in where', (db) => db.goals.query({ $: { where: { id: 'x' } } }), /goals\.\$\.where\.id: expected a UUID/],
    ['pagination in a nested query', (db) => db.goals.query({ todos: { $: { limit: 1 } } } as never), /goals\.todos\.\$\.limit: not allowed in a nested query/],
    ['get with a bad id', (db) => db.goals.get('x'), /goals\.get: expected a UUID/],
  ];
  for (const [name, run, message] of cases) {
    it(name, async () => {
      const { db, calls } = client();
      const error = await rejection(() => run(db));
      expect(error).toBeInstanceOf(gen.InstantValidationError);
      expect(error.message).toMatch(message);
      expect(calls).toHaveLength(0);
    });
  }

  it('reports every problem at once', async () => {
    const { db } = client();
    const error = await rejection(() => db.goals.tx(gen.id()).create({ titel: 1 } as never));
    expect((error as InstanceType<Client['InstantValidationError']>).issues.length).toBeGreaterThanOrEqual(4);
  });

  it('validate: false sends whatever it is given', async () => {
    const { db, calls } = client(200, { 'tx-id': 7 }, { validate: false });
    await db.transact(db.goals.tx('not-a-uuid').update({ titel: 1 } as never));
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ steps: [['update', 'goals', 'not-a-uuid', { titel: 1 }]], 'throw-on-missing-attrs?': true });
  });
});

describe('errors', () => {
  it('a JSON error body becomes InstantAPIError with status, type, message, hint and traceId', async () => {
    const { db } = client(400, { type: 'validation-failed', message: 'Validation failed for steps', hint: { errors: [] }, 'trace-id': 't-1' });
    const error = (await rejection(() => db.goals.query())) as InstanceType<Client['InstantAPIError']>;
    expect(error).toBeInstanceOf(gen.InstantAPIError);
    expect([error.status, error.type, error.message, error.traceId]).toEqual([400, 'validation-failed', 'Validation failed for steps', 't-1']);
    expect(error.hint).toEqual({ errors: [] });
  });

  it('a text body keeps its text as the message; an empty error body gets "API Error (status)"', async () => {
    expect((await rejection(() => client(400, 'Malformed JSON in request body.').db.goals.query())).message).toBe('Malformed JSON in request body.');
    expect((await rejection(() => client(404, {}).db.goals.query())).message).toBe('API Error (404)');
  });

  it('never shows the admin token, even when the server echoes it in a hint', async () => {
    const echo = { type: 'record-not-found', message: 'Record not found: app-admin-token', hint: { args: [{ token: TOKEN, 'app-id': APP }] } };
    const error = await rejection(() => client(400, echo).db.goals.query());
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(TOKEN);
    expect(JSON.stringify(error)).toContain('9999…(redacted)');
  });

  it('network failures, timeouts and aborts become InstantAPIError without the token', async () => {
    // Port 9 refuses at once; the generous limit keeps a stalled (busy) machine from making it a timeout.
    const db = gen.createClient({ appId: APP, adminToken: TOKEN, apiURI: 'http://127.0.0.1:9', timeoutMs: 60_000 });
    const network = (await rejection(() => db.goals.query())) as InstanceType<Client['InstantAPIError']>;
    expect([network.status, network.type]).toEqual([0, 'network-error']);
    expect(network.message).toMatch(/POST http:\/\/127\.0\.0\.1:9\/admin\/query failed/);

    const hang: typeof fetch = (_url, init) => new Promise((_, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)));
    const slow = gen.createClient({ appId: APP, adminToken: TOKEN, fetch: hang, timeoutMs: 50 });
    const timeout = (await rejection(() => slow.goals.query())) as InstanceType<Client['InstantAPIError']>;
    expect([timeout.type, timeout.message]).toEqual(['timeout', 'POST /admin/query timed out after 50 ms']);

    const controller = new AbortController();
    const pending = rejection(() => gen.createClient({ appId: APP, adminToken: TOKEN, fetch: hang }).goals.query(undefined, { signal: controller.signal }));
    controller.abort();
    expect(((await pending) as InstanceType<Client['InstantAPIError']>).type).toBe('aborted');
  });

  it('requires an admin token unless impersonating with a token or as a guest, like the official SDK', async () => {
    const rec = recordingFetch(200, { goals: [] });
    const db = gen.createClient({ appId: APP, apiURI: 'http://x', fetch: rec.fetch });
    expect((await rejection(() => db.goals.query())).message).toMatch(/^Admin token required/);
    expect((await rejection(() => db.asUser({ email: 'a@b.c' }).goals.query())).message).toMatch(/impersonate users with an email/);
    await db.asUser({ guest: true }).goals.query();
    await db.asUser({ token: 'rt' }).goals.query();
    expect(rec.calls.map((c) => c.init.headers)).toEqual([
      { 'content-type': 'application/json', 'app-id': APP, 'as-guest': 'true' },
      { 'content-type': 'application/json', 'app-id': APP, 'as-token': 'rt' },
    ]);
  });

  it('reads appId, adminToken and apiURI from the environment', async () => {
    const rec = recordingFetch(200, { goals: [] });
    const saved = { ...process.env };
    Object.assign(process.env, { INSTANT_APP_ID: APP, INSTANT_APP_ADMIN_TOKEN: TOKEN, INSTANT_API_URI: 'http://self-hosted.test/' });
    try {
      await gen.createClient({ fetch: rec.fetch }).goals.query();
    } finally {
      process.env = saved;
    }
    expect(rec.calls[0].url).toBe(`http://self-hosted.test/admin/query?app_id=${APP}`);
    expect(() => gen.createClient({})).toThrow(/Missing Instant app id: pass createClient\(\{ appId \}\) or set INSTANT_APP_ID/);
  });
});

describe('entity names that collide with client members', () => {
  it('are reached through db.entities, and odd names through bracket access', async () => {
    const esc = await importGeneratedClient('escaping');
    const rec = recordingFetch(200, { query: [], 'app-deletion-sweeper': [] });
    const db = esc.createClient({ appId: APP, adminToken: TOKEN, fetch: rec.fetch });
    expect(typeof db.query).toBe('function');
    await db.entities.query.query();
    await db['app-deletion-sweeper'].query();
    expect(rec.calls.map((c) => JSON.parse(String(c.init.body)).query)).toEqual([{ query: {} }, { 'app-deletion-sweeper': {} }]);
    expect('then' in db).toBe(false);
  });
});

describe("dates: 'date'", () => {
  it('returns date attributes as Date objects, through nested links, and types them as Date', async () => {
    const dated = await importGeneratedClient<Client>('todo', { dates: 'date' });
    const body = {
      goals: [{ id: 'g', title: 'Get fit', dueDate: 86_400_000, todos: [{ id: 't', title: 'run', createdAt: '2026-01-02T03:04:05.000Z', goal: { id: 'g', dueDate: null } }] }],
    };
    const db = dated.createClient({ appId: APP, adminToken: TOKEN, fetch: recordingFetch(200, body).fetch });
    const [goal] = await db.goals.query({ todos: { goal: {} } });
    expect(goal.dueDate).toEqual(new Date(86_400_000));
    expect(goal.todos[0].createdAt).toEqual(new Date('2026-01-02T03:04:05.000Z'));
    expect(goal.todos[0].goal!.dueDate).toBe(null);
    expect(goal.title).toBe('Get fit');
    // The stored form stays the default.
    const stored = client(200, body).db;
    expect((await stored.goals.query())[0].dueDate).toBe(86_400_000);
  });
});

type ApiError = InstanceType<Client['InstantAPIError']>;

/** A request carrying the user cookie of Instant's route handler (getUserFromRequest then verifies its token). */
const COOKIE_REQUEST = () => new Request('https://app.example/', { headers: { cookie: `instant_user_${APP}=${encodeURIComponent(JSON.stringify({ refresh_token: 'rt' }))}` } });

/** Every public method of a client that sends a request, called with request options `o` (`{ signal }`). */
const METHODS: [string, (db: TodoClient.InstantClient, o: { signal?: AbortSignal }) => Promise<unknown>][] = [
  ['query', (db, o) => db.query({ goals: {} }, o)],
  ['<entity>.query', (db, o) => db.goals.query(undefined, o)],
  ['<entity>.get', (db, o) => db.goals.get('00000000-0000-4000-8000-000000000001', undefined, o)],
  // One-shot reads over a subscription (test/live.test.ts has the subscriptions themselves, which end on abort).
  ['<entity>.count', (db, o) => db.goals.count(undefined, o)],
  ['<entity>.paginate', (db, o) => db.goals.paginate({ first: 1 }, o)],
  ['<entity>.pages', (db, o) => db.goals.pages({ last: 1 }, o).next()],
  ['transact', (db, o) => db.transact(db.goals.tx('00000000-0000-4000-8000-000000000001').delete(), o)],
  ['asUser(...).query', (db, o) => db.asUser({ email: 'a@b.c' }).query({ goals: {} }, o)],
  ['asUser(...).debugQuery', (db, o) => db.asUser({ email: 'a@b.c' }).debugQuery({ goals: {} }, o)],
  ['asUser(...).debugTransact', (db, o) => db.asUser({ email: 'a@b.c' }).debugTransact([], o)],
  ['auth.createToken', (db, o) => db.auth.createToken('a@b.c', o)],
  ['auth.verifyToken', (db, o) => db.auth.verifyToken('rt', o)],
  ['auth.getUser', (db, o) => db.auth.getUser({ email: 'a@b.c' }, o)],
  ['auth.deleteUser', (db, o) => db.auth.deleteUser({ email: 'a@b.c' }, o)],
  ['auth.signOut', (db, o) => db.auth.signOut('a@b.c', o)],
  ['auth.generateMagicCode', (db, o) => db.auth.generateMagicCode('a@b.c', o)],
  ['auth.sendMagicCode', (db, o) => db.auth.sendMagicCode('a@b.c', o)],
  ['auth.verifyMagicCode', (db, o) => db.auth.verifyMagicCode('a@b.c', '123456', o)],
  ['auth.checkMagicCode', (db, o) => db.auth.checkMagicCode('a@b.c', '123456', {}, o)],
  ['auth.createToken with extraFields', (db, o) => db.auth.createToken('a@b.c', { extraFields: { nickname: 'a' }, ...o })],
  ['auth.signInGuest', (db, o) => db.auth.signInGuest(o)],
  ['auth.getUserFromRequest', (db, o) => db.auth.getUserFromRequest(COOKIE_REQUEST(), o)],
  ['rooms.getPresence', (db, o) => db.rooms.getPresence('todos', 'room-1', o)],
];

describe('every method that sends a request', () => {
  it('is in the list above (new client or auth methods must be added to it)', async () => {
    const db = gen.createClient({ appId: APP, adminToken: TOKEN, fetch: recordingFetch(200, {}).fetch });
    const authMethods = Object.getOwnPropertyNames(Object.getPrototypeOf(db.auth)).filter((n) => n !== 'constructor' && n !== 'post');
    // `subscribeQuery` returns a subscription, not a promise: an abort ends it (test/live.test.ts).
    const clientMethods = Object.keys(db).filter((k) => typeof (db as unknown as Record<string, unknown>)[k] === 'function' && k !== 'asUser' && k !== 'subscribeQuery');
    const roomMethods = Object.getOwnPropertyNames(Object.getPrototypeOf(db.rooms)).filter((n) => n !== 'constructor').map((m) => `rooms.${m}`);
    const listed = METHODS.map(([name]) => name.replace('asUser(...).', ''));
    for (const name of [...authMethods.map((m) => `auth.${m}`), ...clientMethods, ...roomMethods]) expect(listed, name).toContain(name);
  });

  // A fetch that only ever ends by its signal: the request hangs until aborted or timed out.
  const hang: typeof fetch = (_url, init) =>
    new Promise((_, reject) => {
      if (init!.signal!.aborted) reject(init!.signal!.reason);
      init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason));
    });

  it.each(METHODS)('%s takes { signal }: an abort rejects with InstantAPIError "aborted", before or during the request', async (_name, run) => {
    const db = gen.createClient({ appId: APP, adminToken: TOKEN, fetch: hang, validate: false });
    const controller = new AbortController();
    const pending = rejection(() => run(db, { signal: controller.signal }));
    controller.abort();
    const during = (await pending) as ApiError;
    expect(during).toBeInstanceOf(gen.InstantAPIError);
    expect([during.status, during.type]).toEqual([0, 'aborted']);
    const before = (await rejection(() => run(db, { signal: AbortSignal.abort() }))) as ApiError;
    expect(before.type).toBe('aborted');
  });

  it.each(METHODS)('%s times out (timeoutMs) with InstantAPIError "timeout"', async (_name, run) => {
    const db = gen.createClient({ appId: APP, adminToken: TOKEN, fetch: hang, timeoutMs: 20 });
    const error = (await rejection(() => run(db, {}))) as ApiError;
    expect([error.status, error.type]).toEqual([0, 'timeout']);
  });

  describe('timeoutMs', () => {
    // Answers after 30 ms, recording the signal each request was sent with.
    const signals: unknown[] = [];
    const slow: typeof fetch = async (_url, init) => {
      signals.push(init?.signal);
      await new Promise((resolve) => setTimeout(resolve, 30));
      return Response.json({ goals: [] });
    };
    const make = (config: Partial<TodoClient.ClientConfig>) => gen.createClient({ appId: APP, adminToken: TOKEN, fetch: slow, ...config });

    it('0 turns it off: the request carries no signal of the client, and a slow answer is awaited', async () => {
      signals.length = 0;
      expect(await make({ timeoutMs: 0 }).goals.query()).toEqual([]);
      expect(signals).toEqual([null]);
    });

    it.each(METHODS)('0 with { signal }: %s sends the call\'s own signal, and aborting it aborts', async (_name, run) => {
      const db = gen.createClient({ appId: APP, adminToken: TOKEN, fetch: hang, validate: false, timeoutMs: 0 });
      const controller = new AbortController();
      const pending = rejection(() => run(db, { signal: controller.signal }));
      controller.abort();
      expect(((await pending) as ApiError).type).toBe('aborted');
    });

    it('longer than a timer can hold (2^31 - 1 ms) means no timeout, not one that fires at once', async () => {
      signals.length = 0;
      expect(await make({ timeoutMs: 2 ** 32 }).goals.query()).toEqual([]);
      expect(signals).toEqual([null]);
    });

    it('the default bounds every request with a signal', async () => {
      signals.length = 0;
      await make({}).goals.query();
      expect(signals[0]).toBeInstanceOf(AbortSignal);
    });

    it.each([-1, Number.NaN, '100' as never])('%s is refused by createClient, naming the option', (timeoutMs) => {
      expect(() => make({ timeoutMs })).toThrow(/createClient\(\{ timeoutMs \}\) must be a number of milliseconds >= 0 \(0 turns the timeout off\)/);
    });
  });

  // The server echoes the admin token (Instant does in hints); nothing of an error may show it.
  const ECHOES: [string, (url: string) => Response | Promise<Response>][] = [
    [
      '400 JSON echoing the token in message, hint values and hint keys',
      () =>
        Response.json(
          { type: 'record-not-found', message: `Record not found: app-admin-token (${TOKEN})`, hint: { args: [{ token: TOKEN }], [TOKEN]: 'key', 'trace-id': 't' } },
          { status: 400 },
        ),
    ],
    ['500 plain text echoing the token', () => new Response(`upstream said: authorization Bearer ${TOKEN}`, { status: 500 })],
    ['200 that is not JSON, echoing the token', () => new Response(`<html>Authorization: Bearer ${TOKEN}</html>`, { status: 200 })],
    ['a network error whose message holds the token', () => Promise.reject(new TypeError(`fetch failed: ${TOKEN}`))],
  ];
  const exposed = (error: unknown) => {
    const e = error as ApiError;
    return JSON.stringify({ ...e, message: e.message, stack: e.stack, string: String(e), body: e.body, hint: e.hint, type: e.type });
  };
  for (const [what, respond] of ECHOES) {
    it.each(METHODS)(`%s: ${what}: the error never shows the admin token`, async (_name, run) => {
      const db = gen.createClient({ appId: APP, adminToken: TOKEN, fetch: async (url) => respond(String(url)), validate: false });
      const error = await rejection(() => run(db, {}));
      expect(error).toBeInstanceOf(gen.InstantAPIError);
      expect(exposed(error)).not.toContain(TOKEN);
    });
  }

  it('a body that stops coming after the headers times out as InstantAPIError, not a raw DOMException', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"goals": [');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const db = gen.createClient({ appId: APP, adminToken: TOKEN, apiURI: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 200 });
      const error = (await rejection(() => db.goals.query())) as ApiError;
      expect(error).toBeInstanceOf(gen.InstantAPIError);
      expect([error.status, error.type]).toEqual([0, 'timeout']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('retries: createClient({ retry })', () => {
  let server: CaptureServer;
  beforeAll(async () => {
    server = await startCaptureServer();
  });
  afterAll(() => server?.close());

  const FAST = { retries: 3, baseMs: 1, maxMs: 100 };
  const make = (retry?: TodoClient.ClientConfig['retry']) => gen.createClient({ appId: APP, adminToken: TOKEN, apiURI: server.url, retry });
  const sent = () => server.take().map((r) => `${r.method} ${r.path}?${r.query} ${r.rawBody}`);
  const unavailable = { status: 503, body: { type: 'unknown', message: 'Service Unavailable' } };
  const limited = { status: 429, body: { type: 'rate-limited', message: 'Too many requests' } };

  it('are off by default: a 503 or a 429 rejects after one request', async () => {
    for (const response of [unavailable, limited]) {
      server.reset();
      server.script(response);
      expect(((await rejection(() => make().goals.query())) as ApiError).status).toBe(response.status);
      expect(sent()).toHaveLength(1);
    }
  });

  it('a query: 429, then 200 (the same request twice)', async () => {
    server.reset();
    server.script(limited);
    expect(await make(FAST).goals.query({ $: { where: { done: false } } })).toEqual([]);
    const requests = sent();
    expect(requests).toHaveLength(2);
    expect(requests[1]).toBe(requests[0]);
  });

  it.each([
    ['<entity>.get', (db: TodoClient.InstantClient) => db.goals.get('00000000-0000-4000-8000-000000000001')],
    ['query', (db: TodoClient.InstantClient) => db.query({ goals: {}, todos: {} })],
    ['auth.getUser', (db: TodoClient.InstantClient) => db.auth.getUser({ email: 'a@b.c' })],
    ['auth.verifyToken', (db: TodoClient.InstantClient) => db.auth.verifyToken('rt')],
    ['auth.getUserFromRequest', (db: TodoClient.InstantClient) => db.auth.getUserFromRequest(COOKIE_REQUEST())],
    ['rooms.getPresence', (db: TodoClient.InstantClient) => db.rooms.getPresence('todos', 'room-1')],
  ])('%s: 503 twice, then 200', async (_name, run) => {
    server.reset();
    server.script(unavailable, 2);
    await run(make(true));
    expect(sent()).toHaveLength(3);
  });

  it('a network error, then the answer', async () => {
    let calls = 0;
    const flaky: typeof fetch = async (url, init) => {
      if (calls++ === 0) throw new TypeError('fetch failed');
      return fetch(url, init);
    };
    const db = gen.createClient({ appId: APP, adminToken: TOKEN, apiURI: server.url, retry: FAST, fetch: flaky });
    server.reset();
    expect(await db.goals.query()).toEqual([]);
    expect([calls, sent().length]).toEqual([2, 1]);
  });

  it('a transaction is never retried unless asked for: one request, and the 503', async () => {
    server.reset();
    server.script(unavailable);
    const db = make({ ...FAST, retries: 5 });
    const error = (await rejection(() => db.transact(db.goals.tx(gen.id()).update({ title: 'x' })))) as ApiError;
    expect(error.status).toBe(503);
    expect(sent()).toHaveLength(1);
  });

  it('transactions: true retries a transaction', async () => {
    server.reset();
    server.script(unavailable, 2);
    const db = make({ ...FAST, transactions: true });
    expect(await db.transact(db.goals.tx(gen.id()).update({ title: 'x' }))).toEqual({ 'tx-id': 1 });
    const requests = sent();
    expect(requests).toHaveLength(3);
    expect(new Set(requests).size).toBe(1);
  });

  const RETRIED = ['query', '<entity>.query', '<entity>.get', 'asUser(...).query', 'auth.getUser', 'auth.verifyToken', 'auth.getUserFromRequest', 'rooms.getPresence', 'transact'];
  it.each(METHODS.filter(([name]) => !RETRIED.includes(name)))('%s is never retried (not known to be idempotent)', async (_name, run) => {
    server.reset();
    server.script(unavailable);
    await rejection(() => run(make({ ...FAST, transactions: true }), {}));
    expect(sent()).toHaveLength(1);
  });

  it('client errors (400, 401, 404) are not retried', async () => {
    for (const status of [400, 401, 404]) {
      server.reset();
      server.script({ status, body: { type: 'x', message: 'no' } });
      expect(((await rejection(() => make(FAST).goals.query())) as ApiError).status).toBe(status);
      expect(sent()).toHaveLength(1);
    }
  });

  it('gives up after `retries` retries, with the last error', async () => {
    server.reset();
    server.script(unavailable, 3);
    server.script({ status: 502, body: 'Bad Gateway' });
    const error = (await rejection(() => make({ ...FAST, retries: 3 }).goals.query())) as ApiError;
    expect([error.status, error.message]).toEqual([502, 'Bad Gateway']);
    expect(sent()).toHaveLength(4);
  });

  it('backs off exponentially, with jitter: each wait between half and all of baseMs·2^n', async () => {
    // The waits are read off the timers the client sets (with the jitter pinned), not off the clock, which
    // a busy machine stretches; the clock only shows that they are waited.
    for (const [jitter, waits] of [
      [0, [50, 100]],
      [0.5, [75, 150]],
      [0.999, [99.95, 199.9]],
    ] as [number, number[]][]) {
      server.reset();
      server.script(unavailable, 2);
      const random = vi.spyOn(Math, 'random').mockReturnValue(jitter);
      const timers = vi.spyOn(globalThis, 'setTimeout');
      try {
        const started = performance.now();
        await make({ retries: 2, baseMs: 100, maxMs: 10_000 }).goals.query();
        expect(performance.now() - started).toBeGreaterThanOrEqual(waits[0] + waits[1] - 5);
        const delays = timers.mock.calls.map((call) => call[1]).filter((ms) => ms === waits[0] || ms === waits[1]);
        expect({ jitter, delays }).toEqual({ jitter, delays: waits });
      } finally {
        random.mockRestore();
        timers.mockRestore();
      }
      expect(sent()).toHaveLength(3);
    }
  });

  it('honours Retry-After (seconds) instead of the backoff', async () => {
    server.reset();
    server.script({ ...limited, headers: { 'retry-after': '1' } });
    const started = performance.now();
    await make({ ...FAST, maxMs: 5_000 }).goals.query();
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(sent()).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP date', async () => {
    server.reset();
    server.script({ ...limited, headers: { 'retry-after': new Date(Date.now() + 1500).toUTCString() } });
    const started = performance.now();
    await make({ ...FAST, maxMs: 5_000 }).goals.query();
    // HTTP dates have whole seconds: the wait is 0.5 to 1.5 s.
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    expect(sent()).toHaveLength(2);
  });

  it('a Retry-After longer than maxMs ends the retries at once', async () => {
    server.reset();
    server.script({ ...limited, headers: { 'retry-after': '3600' } });
    const started = performance.now();
    expect(((await rejection(() => make(FAST).goals.query())) as ApiError).status).toBe(429);
    // Not the hour asked for (the bound is generous: a busy machine is slow, not an hour slow).
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(sent()).toHaveLength(1);
  });

  // Instant's rate-limit answer (server/src/instant/util/exception.clj `throw-permission-rate-limited!`,
  // util/http.clj: a 429 without a Retry-After header); its hint says how long to wait, in seconds.
  const rateLimited = (retryAfter: number) => ({
    status: 429,
    body: {
      type: 'rate-limited',
      message: 'Your request exceeded the rate limit.',
      hint: { 'retry-at': new Date(Date.now() + retryAfter * 1000).toISOString(), 'retry-after': retryAfter, 'remaining-tokens': 0 },
    },
  });

  it("honours hint['retry-after'] of a rate-limited answer instead of the backoff", { timeout: 60_000 }, async () => {
    server.reset();
    server.script(rateLimited(1));
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      expect(await make({ ...FAST, maxMs: 5_000 }).goals.query()).toEqual([]);
      expect(timers.mock.calls.map((call) => call[1])).toContain(1000);
    } finally {
      timers.mockRestore();
    }
    expect(sent()).toHaveLength(2);
  });

  it("a Retry-After header wins over hint['retry-after']", { timeout: 60_000 }, async () => {
    server.reset();
    server.script({ ...rateLimited(3600), headers: { 'retry-after': '0' } });
    expect(await make(FAST).goals.query()).toEqual([]);
    expect(sent()).toHaveLength(2);
  });

  it("a hint['retry-after'] longer than maxMs ends the retries at once", { timeout: 60_000 }, async () => {
    server.reset();
    server.script(rateLimited(1800));
    const error = (await rejection(() => make(FAST).goals.query())) as ApiError;
    expect([error.status, error.type]).toEqual([429, 'rate-limited']);
    expect(sent()).toHaveLength(1);
  });

  it('a 429 timeout (the query time limit) is not retried: it would time out again', { timeout: 60_000 }, async () => {
    // util/http.clj answers ::ex/timeout with too-many-requests (429) as well.
    server.reset();
    server.script({ status: 429, body: { type: 'timeout', message: 'The query took too long.', hint: null } });
    const error = (await rejection(() => make(FAST).goals.query())) as ApiError;
    expect([error.status, error.type]).toEqual([429, 'timeout']);
    expect(sent()).toHaveLength(1);
  });

  it('an abort during the backoff rejects at once as "aborted", and nothing more is sent', async () => {
    server.reset();
    server.script({ ...limited, headers: { 'retry-after': '3600' } });
    const controller = new AbortController();
    const started = performance.now();
    const pending = rejection(() => make({ ...FAST, maxMs: 7_200_000 }).goals.query(undefined, { signal: controller.signal }));
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    const error = (await pending) as ApiError;
    expect([error.status, error.type]).toEqual([0, 'aborted']);
    // Not the hour the server asked for (a generous bound: it proves the wait ended, not that it was fast).
    expect(performance.now() - started).toBeLessThan(30_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(sent()).toHaveLength(1);
  });
});
