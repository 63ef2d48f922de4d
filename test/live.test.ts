// Live queries of a generated client against a fake `/admin/subscribe-query` (test/support/sseServer.ts) that
// speaks Instant's messages (wire-protocol §4.5): delivery, reconnects, close, abort, backlog, errors, and the
// one-shot reads built on it (count, paginate, pages).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as TodoClient from './types/generated/todo/index.js';
import { importGeneratedClient } from './support/generatedClient.js';
import {
  MACHINE_ID,
  SESSION_ID,
  addQueryOk,
  errorOp,
  refreshOk,
  sseInit,
  startSseServer,
  type FakeSseServer,
} from './support/sseServer.js';

type Client = typeof TodoClient;
type Payload = TodoClient.SubscriptionPayload<unknown, unknown>;
const APP = '11111111-2222-4333-8444-555555555555';
const TOKEN = '99999999-8888-4777-8666-555555555555';
const G1 = '0b9a2c4e-1111-4a5b-8c6d-7e8f9a0b1c2d';
const G2 = '0b9a2c4e-2222-4a5b-8c6d-7e8f9a0b1c2d';
const ATTR = '0b9a2c4e-3333-4a5b-8c6d-7e8f9a0b1c2d';
const goal = (id: string, title: string) => ({ id, title, done: false, priority: 1 });
const cursor = (id: string, v: unknown) => [id, ATTR, v, 1714566896000];
const pageInfo = (start: unknown, end: unknown, next: boolean, previous = false) => ({
  'start-cursor': start,
  'end-cursor': end,
  'has-next-page?': next,
  'has-previous-page?': previous,
});

let gen: Client;
let server: FakeSseServer;
beforeAll(async () => {
  gen = await importGeneratedClient<Client>('todo');
});
afterEach(async () => {
  await server?.close();
});
afterAll(async () => {
  await server?.close();
});

async function setup(config: Partial<TodoClient.ClientConfig> = {}) {
  server = await startSseServer();
  return gen.createClient({ appId: APP, adminToken: TOKEN, apiURI: server.url, ...config });
}

/** Collects callback payloads; `next()` resolves with the next one. */
function collector() {
  const seen: Payload[] = [];
  const waiters: (() => void)[] = [];
  return {
    seen,
    onResult: (p: Payload) => {
      seen.push(p);
      waiters.splice(0).forEach((w) => w());
    },
    async count(n: number): Promise<Payload[]> {
      while (seen.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
      return seen.slice(0, n);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('subscribe: delivery', () => {
  it('POSTs the query and delivers add-query-ok, then each refresh-ok, camel-casing page info', async () => {
    const db = await setup();
    const got = collector();
    const sub = db.goals.subscribe({ $: { where: { done: false }, first: 2 } }, got.onResult);
    const c = await server.connection(0);
    expect(c.headers['app-id']).toBe(APP);
    expect(c.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(c.query).toMatch(/^local_connection_id=[0-9a-f-]{36}$/);
    expect(c.body).toEqual({
      query: { goals: { $: { where: { done: false }, first: 2 } } },
      'inference?': true,
      versions: { '@instantdb/admin': 'v1.0.67', '@instantdb/core': 'v1.0.67' },
    });
    c.raw('retry: 500\n\n');
    c.send(sseInit());
    c.send(addQueryOk(c.body.query, { goals: [goal(G1, 'a')] }, { 'page-info': { goals: pageInfo(cursor(G1, 'a'), cursor(G1, 'a'), true) }, aggregate: {} }));
    c.send(refreshOk({ goals: [goal(G1, 'a'), goal(G2, 'b')] }, { 'page-info': { goals: pageInfo(cursor(G1, 'a'), cursor(G2, 'b'), false) } }));
    // A refresh without computations (only attrs changed) carries no result.
    c.send({ op: 'refresh-ok', computations: [], attrs: [] });
    c.send(refreshOk({ goals: [] }, {}));
    const [first, second, third] = await got.count(3);
    expect(first).toEqual({
      type: 'ok',
      data: [goal(G1, 'a')],
      pageInfo: { startCursor: cursor(G1, 'a'), endCursor: cursor(G1, 'a'), hasNextPage: true, hasPreviousPage: false },
      sessionInfo: { machineId: MACHINE_ID, sessionId: SESSION_ID },
    });
    expect(second).toMatchObject({ type: 'ok', data: [goal(G1, 'a'), goal(G2, 'b')], pageInfo: { hasNextPage: false } });
    expect(third).toMatchObject({ type: 'ok', data: [], pageInfo: undefined });
    expect(sub.readyState).toBe('open');
    expect(sub.sessionInfo).toEqual({ machineId: MACHINE_ID, sessionId: SESSION_ID });
    sub.close();
    await c.closed;
    expect(sub.readyState).toBe('closed');
    expect(sub.isClosed).toBe(true);
  });

  it('subscribeQuery: several entities, ruleParams first in the query, impersonation headers', async () => {
    const db = await setup();
    const got = collector();
    const sub = db.asUser({ email: 'a@b.c' }).subscribeQuery({ goals: {}, todos: {} }, got.onResult, { ruleParams: { k: 1 } });
    const c = await server.connection(0);
    expect(Object.keys(c.body.query)).toEqual(['$$ruleParams', 'goals', 'todos']);
    expect(c.headers['as-email']).toBe('a@b.c');
    c.send(addQueryOk(c.body.query, { goals: [goal(G1, 'a')], todos: [] }));
    const [payload] = await got.count(1);
    expect(payload).toMatchObject({ type: 'ok', data: { goals: [goal(G1, 'a')], todos: [] }, pageInfo: {}, sessionInfo: null });
    sub.close();
  });

  it('for await: yields every payload in order; break closes the subscription', async () => {
    const db = await setup();
    const seen: unknown[] = [];
    const loop = (async () => {
      for await (const payload of db.goals.subscribe()) {
        seen.push(payload.type === 'ok' ? payload.data : payload.error);
        if (seen.length === 2) break;
      }
    })();
    const c = await server.connection(0);
    c.send(addQueryOk({}, { goals: [] }));
    c.send(refreshOk({ goals: [goal(G1, 'a')] }));
    c.send(refreshOk({ goals: [] }));
    await loop;
    expect(seen).toEqual([[], [goal(G1, 'a')]]);
    await c.closed;
  });

  it('keeps every payload the consumer has not taken yet (no cap, unlike the SDK\'s 100)', async () => {
    const db = await setup();
    const sub = db.goals.subscribe();
    const c = await server.connection(0);
    c.send(addQueryOk({}, { goals: [] }));
    for (let i = 0; i < 250; i++) c.send(refreshOk({ goals: [goal(G1, `t${i}`)] }));
    c.raw(': sent\n\n');
    const titles: string[] = [];
    for await (const payload of sub) {
      if (payload.type !== 'ok') throw payload.error;
      if (payload.data.length) titles.push(payload.data[0].title);
      if (titles.length === 250) break;
    }
    expect(titles).toEqual(Array.from({ length: 250 }, (_, i) => `t${i}`));
  });

  it("revives dates with dates: 'date'", async () => {
    server = await startSseServer();
    const dated = await importGeneratedClient<Client>('todo', { dates: 'date' });
    const db = dated.createClient({ appId: APP, adminToken: TOKEN, apiURI: server.url });
    const got = collector();
    const sub = db.goals.subscribe({}, got.onResult);
    (await server.connection(0)).send(addQueryOk({}, { goals: [{ ...goal(G1, 'a'), dueDate: 0 }] }));
    const [payload] = await got.count(1);
    expect(payload.type === 'ok' && (payload.data as { dueDate: unknown }[])[0].dueDate).toEqual(new Date(0));
    sub.close();
  });

  it('a throwing callback is reported and the stream goes on', async () => {
    const db = await setup();
    const got = collector();
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const sub = db.goals.subscribe({}, (p) => {
        got.onResult(p);
        if (got.seen.length === 1) throw new Error('boom');
      });
      const c = await server.connection(0);
      c.send(addQueryOk({}, { goals: [] }));
      c.send(refreshOk({ goals: [goal(G1, 'a')] }));
      await got.count(2);
      sub.close();
    } finally {
      console.error = original;
    }
    expect(errors).toHaveLength(1);
  });
});

describe('subscribe: reconnects and stops', () => {
  it('re-POSTs the same body after the stream ends, waiting the server\'s retry:, and delivers what comes next', async () => {
    const db = await setup();
    const got = collector();
    const sub = db.goals.subscribe({ $: { where: { title: 'x' } } }, got.onResult);
    const first = await server.connection(0);
    first.raw('retry: 50\n\n');
    first.send(addQueryOk({}, { goals: [] }));
    await got.count(1);
    const ended = Date.now();
    first.end();
    const second = await server.connection(1);
    expect(Date.now() - ended).toBeGreaterThanOrEqual(45);
    expect(second.rawBody).toBe(first.rawBody);
    expect(second.query).toBe(first.query);
    second.send(addQueryOk({}, { goals: [goal(G1, 'x')] }));
    const [, after] = await got.count(2);
    expect(after).toMatchObject({ type: 'ok', data: [goal(G1, 'x')] });
    expect(got.seen.every((p) => p.type === 'ok')).toBe(true);
    sub.close();
  });

  it('waits 500 ms by default (what Instant asks for) before reconnecting', async () => {
    const db = await setup();
    const sub = db.goals.subscribe({}, () => {});
    const first = await server.connection(0);
    const ended = Date.now();
    first.end();
    await server.connection(1);
    expect(Date.now() - ended).toBeGreaterThanOrEqual(450);
    sub.close();
  });

  it('a 5xx or 429 answer is reported and retried', async () => {
    const db = await setup();
    server.refuse({ status: 503, body: JSON.stringify({ message: 'busy' }) });
    const got = collector();
    const sub = db.goals.subscribe({}, got.onResult);
    const c = await server.connection(1);
    c.send(addQueryOk({}, { goals: [] }));
    const [error, ok] = await got.count(2);
    expect(error).toMatchObject({ type: 'error', readyState: 'connecting', isClosed: false });
    expect(error.type === 'error' && [error.error.status, error.error.message]).toEqual([503, 'busy']);
    expect(error.type === 'error' && error.error).toBeInstanceOf(gen.InstantAPIError);
    expect(ok.type).toBe('ok');
    sub.close();
  });

  it('a 4xx answer ends it: one error payload, closed, no reconnect; iterators drain then end', async () => {
    const db = await setup();
    server.refuse({ status: 401, body: JSON.stringify({ type: 'permission-denied', message: `bad token ${TOKEN}` }) });
    const sub = db.goals.subscribe();
    const seen: Payload[] = [];
    for await (const payload of sub) seen.push(payload);
    expect(seen).toHaveLength(1);
    const [only] = seen;
    expect(only).toMatchObject({ type: 'error', readyState: 'closed', isClosed: true });
    if (only.type !== 'error') throw new Error('expected an error');
    expect(only.error.status).toBe(401);
    expect(only.error.type).toBe('permission-denied');
    expect(only.error.message).not.toContain(TOKEN);
    expect(sub.readyState).toBe('closed');
    await sleep(600);
    expect(server.connections).toHaveLength(1);
  });

  it('a 200 that is not an event stream ends it with an invalid-response error', async () => {
    const db = await setup();
    server.refuse({ status: 200, body: JSON.stringify({ goals: [] }) });
    const seen: Payload[] = [];
    for await (const payload of db.goals.subscribe()) seen.push(payload);
    expect(seen).toMatchObject([{ type: 'error', isClosed: true, error: { status: 200, type: 'invalid-response' } }]);
    expect(seen[0].type === 'error' && seen[0].error.message).toMatch(/not an event stream/);
  });

  it('an error message in the stream never shows the admin token', async () => {
    const db = await setup();
    const got = collector();
    const sub = db.goals.subscribe({}, got.onResult);
    (await server.connection(0)).send({ ...errorOp(400, `Record not found: app-admin-token (${TOKEN})`), hint: { token: TOKEN } });
    const [error] = await got.count(1);
    sub.close();
    expect(JSON.stringify(error.type === 'error' && { message: error.error.message, body: error.error.body })).not.toContain(TOKEN);
  });

  it('an error message in the stream is delivered; the stream stays open', async () => {
    const db = await setup();
    const got = collector();
    const sub = db.goals.subscribe({}, got.onResult);
    const c = await server.connection(0);
    c.send(errorOp(400, 'Validation failed for query'));
    c.send(refreshOk({ goals: [] }));
    const [error, ok] = await got.count(2);
    expect(error).toMatchObject({ type: 'error', isClosed: false });
    expect(error.type === 'error' && [error.error.status, error.error.message, error.error.type]).toEqual([400, 'Validation failed for query', 'validation-failed']);
    expect(ok.type).toBe('ok');
    expect(sub.readyState).toBe('open');
    sub.close();
  });

  it('network errors are reported and retried with backoff until the server is back', async () => {
    const db = await setup({ apiURI: 'http://127.0.0.1:1' });
    const got = collector();
    const sub = db.goals.subscribe({}, got.onResult);
    const [a, b] = await got.count(2);
    for (const p of [a, b]) expect(p).toMatchObject({ type: 'error', isClosed: false, error: { status: 0, type: 'network-error' } });
    sub.close();
    expect(sub.readyState).toBe('closed');
  });

  it('close() during the wait before a reconnect: no further request', async () => {
    const db = await setup();
    const sub = db.goals.subscribe({}, () => {});
    const c = await server.connection(0);
    c.raw('retry: 100\n\n');
    c.end();
    await c.closed;
    sub.close();
    await sleep(300);
    expect(server.connections).toHaveLength(1);
  });

  it('abort signal: closes the connection and ends iterators', async () => {
    const db = await setup();
    const controller = new AbortController();
    const sub = db.goals.subscribe({}, undefined, { signal: controller.signal });
    const c = await server.connection(0);
    c.send(addQueryOk({}, { goals: [] }));
    const seen: Payload[] = [];
    for await (const payload of sub) {
      seen.push(payload);
      controller.abort();
    }
    await c.closed;
    expect(seen).toHaveLength(1);
    expect(sub.readyState).toBe('closed');
    // Already aborted: nothing is sent.
    const done = db.goals.subscribe({}, undefined, { signal: controller.signal });
    expect(done.isClosed).toBe(true);
    await sleep(50);
    expect(server.connections).toHaveLength(1);
  });

  it('validation and missing-token errors are thrown before any request', async () => {
    const db = await setup();
    expect(() => db.goals.subscribe({ $: { where: { titel: 'x' } } } as never)).toThrow(/goals\.\$\.where\.titel/);
    const noToken = gen.createClient({ appId: APP, adminToken: '', apiURI: server.url });
    expect(() => noToken.goals.subscribe()).toThrow(/Admin token required/);
    await sleep(50);
    expect(server.connections).toHaveLength(0);
  });
});

describe('count, paginate, pages (one-shot: first result, then closed)', () => {
  it('count sends aggregate: count with the where, and returns result-meta.aggregate', async () => {
    const db = await setup();
    const counted = db.goals.count({ where: { done: false } });
    const c = await server.connection(0);
    expect(c.body.query).toEqual({ goals: { $: { where: { done: false }, aggregate: 'count' } } });
    c.send(sseInit());
    c.send(addQueryOk(c.body.query, { goals: [] }, { 'page-info': {}, aggregate: { goals: { count: 42 } } }));
    expect(await counted).toBe(42);
    await c.closed;
  });

  it('count as a user is refused before any request; a server without counts gets a clear error', async () => {
    const db = await setup();
    await expect(db.asUser({ guest: true }).goals.count()).rejects.toThrow(/goals\.count: Instant counts only for the admin/);
    expect(server.connections).toHaveLength(0);
    const counted = db.todos.count();
    const c = await server.connection(0);
    expect(c.body.query).toEqual({ todos: { $: { aggregate: 'count' } } });
    c.send(addQueryOk(c.body.query, { todos: [] }));
    await expect(counted).rejects.toThrow(/todos\.count: the server sent no count \(result-meta\.aggregate\.todos\.count\)/);
  });

  it('a server error rejects the one-shot read with InstantAPIError', async () => {
    const db = await setup();
    const counted = db.goals.count();
    (await server.connection(0)).send(errorOp(400, 'Aggregates are currently only available for admin queries.'));
    const error = await counted.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(gen.InstantAPIError);
    expect(error).toMatchObject({ status: 400, message: 'Aggregates are currently only available for admin queries.' });
  });

  it('paginate: rows and page info of the first result', async () => {
    const db = await setup();
    const paged = db.goals.paginate({ where: { done: false }, order: { title: 'asc' }, first: 2, fields: ['title'] });
    const c = await server.connection(0);
    expect(c.body.query).toEqual({ goals: { $: { where: { done: false }, order: { title: 'asc' }, first: 2, fields: ['title'] } } });
    c.send(addQueryOk(c.body.query, { goals: [goal(G1, 'a'), goal(G2, 'b')] }, { 'page-info': { goals: pageInfo(cursor(G1, 'a'), cursor(G2, 'b'), true) } }));
    expect(await paged).toEqual({
      rows: [goal(G1, 'a'), goal(G2, 'b')],
      pageInfo: { startCursor: cursor(G1, 'a'), endCursor: cursor(G2, 'b'), hasNextPage: true, hasPreviousPage: false },
    });
    await expect(db.goals.paginate({ where: { done: true } } as never)).rejects.toThrow(/goals\.paginate: give the page size as first/);
  });

  it('pages: follows endCursor forwards until hasNextPage is false', async () => {
    const db = await setup();
    const titles: string[][] = [];
    const all = (async () => {
      for await (const page of db.goals.pages({ first: 1 })) titles.push(page.rows.map((r) => r.title));
    })();
    const answers = [
      [goal(G1, 'a'), pageInfo(cursor(G1, 'a'), cursor(G1, 'a'), true)],
      [goal(G2, 'b'), pageInfo(cursor(G2, 'b'), cursor(G2, 'b'), false, true)],
    ] as const;
    for (const [i, [row, info]] of answers.entries()) {
      const c = await server.connection(i);
      expect(c.body.query.goals.$).toEqual(i === 0 ? { first: 1 } : { first: 1, after: cursor(G1, 'a') });
      c.send(addQueryOk(c.body.query, { goals: [row] }, { 'page-info': { goals: info } }));
    }
    await all;
    expect(titles).toEqual([['a'], ['b']]);
    expect(server.connections).toHaveLength(2);
  });

  it('pages: backwards from last, before each startCursor', async () => {
    const db = await setup();
    const titles: string[] = [];
    const all = (async () => {
      for await (const page of db.goals.pages({ last: 1, order: { title: 'asc' } })) titles.push(...page.rows.map((r) => r.title));
    })();
    const first = await server.connection(0);
    first.send(addQueryOk({}, { goals: [goal(G2, 'b')] }, { 'page-info': { goals: pageInfo(cursor(G2, 'b'), cursor(G2, 'b'), false, true) } }));
    const second = await server.connection(1);
    expect(second.body.query.goals.$).toEqual({ last: 1, order: { title: 'asc' }, before: cursor(G2, 'b') });
    second.send(addQueryOk({}, { goals: [goal(G1, 'a')] }, { 'page-info': { goals: pageInfo(cursor(G1, 'a'), cursor(G1, 'a'), true, false) } }));
    await all;
    expect(titles).toEqual(['b', 'a']);
  });

  it('an aborted one-shot read rejects and closes its connection', async () => {
    const db = await setup();
    const controller = new AbortController();
    const paged = db.goals.paginate({ first: 1 }, { signal: controller.signal });
    const c = await server.connection(0);
    controller.abort();
    await expect(paged).rejects.toMatchObject({ type: 'aborted' });
    await c.closed;
  });
});
