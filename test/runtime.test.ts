import { beforeAll, describe, expect, it } from 'vitest';
import type * as TodoClient from './types/generated/todo/index.js';
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
    const db = gen.createClient({ appId: APP, adminToken: TOKEN, apiURI: 'http://127.0.0.1:9', timeoutMs: 2000 });
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
