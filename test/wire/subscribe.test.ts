// Wire conformance of live queries: the generated client's subscriptions (and count/paginate, built on them)
// POST the same request to `/admin/subscribe-query` as `@instantdb/admin@1.0.67`'s `subscribeQuery` for the
// equivalent query (wire-protocol §4.5), and read the same first result out of the same event stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANNED_COUNT, CANNED_SESSION, startCaptureServer, type CaptureServer, type CapturedRequest } from '../support/captureServer.js';
import { addQueryOk, errorOp, refreshOk, sseInit, startSseServer } from '../support/sseServer.js';
import { G1, REFRESH } from './cases.js';
import { ADMIN_TOKEN, generateTodoClient, keyOrder, makeGen, makeSdk, removeDir, wireView, type GenDb, type GeneratedModule, type SdkDb } from './harness.js';

let server: CaptureServer;
let mod: GeneratedModule;
let dir: string | undefined;

beforeAll(async () => {
  server = await startCaptureServer();
  ({ mod, dir } = await generateTodoClient('subscribe'));
}, 60_000);

afterAll(async () => {
  await server?.close();
  removeDir(dir);
});

interface First {
  data: unknown;
  pageInfo: unknown;
  sessionInfo: unknown;
}

/** The SDK's first payload, then closed. */
function sdkFirst(db: SdkDb, q: object, opts?: { ruleParams?: Record<string, unknown> }): Promise<First> {
  return new Promise((resolve, reject) => {
    const sub = db.subscribeQuery(
      q as never,
      (payload) => {
        sub.close();
        if (payload.type === 'ok') resolve({ data: payload.data, pageInfo: payload.pageInfo, sessionInfo: payload.sessionInfo });
        else reject(payload.error);
      },
      opts,
    );
  });
}

/** The generated client's first payload, through `for await`, then closed by `break`. */
async function genFirst(sub: AsyncIterable<{ type: string; data?: unknown; pageInfo?: unknown; sessionInfo: unknown; error?: unknown }>): Promise<First> {
  for await (const payload of sub) {
    if (payload.type !== 'ok') throw payload.error;
    return { data: payload.data, pageInfo: payload.pageInfo, sessionInfo: payload.sessionInfo };
  }
  throw new Error('the subscription ended without a result');
}

interface LiveCase {
  name: string;
  noAdminToken?: boolean;
  official: (db: SdkDb) => Promise<unknown>;
  generated: (db: GenDb) => Promise<unknown>;
}

const entity = (name: string, q: Record<string, unknown>, opts?: { ruleParams?: Record<string, unknown> }, as?: (db: GenDb) => GenDb, sdkAs?: (db: SdkDb) => SdkDb): LiveCase => ({
  name,
  official: async (db) => {
    const first = await sdkFirst(sdkAs ? sdkAs(db) : db, { goals: q }, opts);
    return { ...first, data: (first.data as { goals: unknown }).goals, pageInfo: (first.pageInfo as { goals?: unknown } | undefined)?.goals };
  },
  generated: (db) => genFirst((as ? as(db) : db).goals.subscribe(q as never, undefined, opts)),
});

const CURSOR = ['5d4c3b2a-0000-4000-8000-00000000000c', '5d4c3b2a-0000-4000-8000-00000000000d', 'x', 1714566896000] as const;

const CASES: LiveCase[] = [
  {
    name: 'subscribeQuery over several entities',
    official: (db) => sdkFirst(db, { goals: {}, todos: { goal: {} } }),
    generated: (db) => genFirst(db.subscribeQuery({ goals: {}, todos: { goal: {} } })),
  },
  {
    name: 'subscribeQuery with ruleParams ($$ruleParams first)',
    official: (db) => sdkFirst(db, { goals: {}, todos: {} }, { ruleParams: { knownGoalId: G1 } }),
    generated: (db) => genFirst(db.subscribeQuery({ goals: {}, todos: {} }, undefined, { ruleParams: { knownGoalId: G1 } })),
  },
  entity('entity subscribe with where, order, first and after (page info)', {
    $: { where: { done: false, 'todos.title': { $like: '%run%' } }, order: { priority: 'desc' }, first: 10, after: CURSOR },
    todos: { $: { fields: ['title'] } },
  }),
  entity('entity subscribe with ruleParams', { $: { where: { id: G1 } } }, { ruleParams: { k: 'v' } }),
  entity('asUser({ email }) subscribe', {}, undefined, (db) => db.asUser({ email: 'a@b.c' }), (db) => db.asUser({ email: 'a@b.c' })),
  entity('asUser({ guest }) subscribe', {}, undefined, (db) => db.asUser({ guest: true }), (db) => db.asUser({ guest: true })),
  {
    ...entity('asUser({ token }) subscribe without an admin token', {}, undefined, (db) => db.asUser({ token: REFRESH }), (db) => db.asUser({ token: REFRESH })),
    noAdminToken: true,
  },
  {
    name: 'count({ where }) is the subscription of aggregate: count',
    official: async (db) => {
      await sdkFirst(db, { goals: { $: { where: { done: false }, aggregate: 'count' } } });
      return CANNED_COUNT; // the SDK drops result-meta.aggregate; the request is what is compared
    },
    generated: (db) => db.goals.count({ where: { done: false } }),
  },
  {
    name: 'paginate is the subscription of that page',
    official: async (db) => {
      const first = await sdkFirst(db, { goals: { $: { where: { done: true }, order: { title: 'asc' }, last: 5, before: CURSOR, fields: ['title'] } } });
      return { rows: (first.data as { goals: unknown }).goals, pageInfo: (first.pageInfo as { goals: unknown }).goals };
    },
    generated: (db) => db.goals.paginate({ where: { done: true }, order: { title: 'asc' }, last: 5, before: CURSOR, fields: ['title'] }),
  },
];

/** Runs one side; returns its value and its requests. */
async function capture(run: () => Promise<unknown>): Promise<{ value: unknown; requests: CapturedRequest[] }> {
  server.reset();
  const value = await run();
  return { value, requests: server.take() };
}

/** `local_connection_id` is a fresh UUID per subscription: checked for shape, then left out of the comparison. */
function comparable(req: CapturedRequest) {
  const view = wireView(req);
  expect(view.query).toMatch(/^local_connection_id=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  return { ...view, query: 'local_connection_id=<uuid>' };
}

describe('live queries on the wire, against @instantdb/admin@1.0.67 subscribeQuery', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const adminToken = c.noAdminToken ? null : ADMIN_TOKEN;
    const official = await capture(() => c.official(makeSdk(server.url, adminToken)));
    const generated = await capture(() => c.generated(makeGen(mod, server.url, adminToken)));
    expect(official.requests).toHaveLength(1);
    expect(official.requests[0].path).toBe('/admin/subscribe-query');
    expect(generated.requests.map(comparable)).toStrictEqual(official.requests.map(comparable));
    expect(keyOrder(generated.requests[0].body)).toStrictEqual(keyOrder(official.requests[0].body));
    expect(generated.requests[0].rawBody).toBe(official.requests[0].rawBody);
    expect(generated.value).toStrictEqual(official.value);
  });

  it('reports the session from sse-init, as the SDK does', async () => {
    const value = (await genFirst(makeGen(mod, server.url).goals.subscribe())) as First;
    expect(value.sessionInfo).toEqual(CANNED_SESSION);
  });

  it('refuses like the SDK without an admin token (plain Error, nothing sent)', async () => {
    server.reset();
    const errors: unknown[] = [];
    for (const run of [() => makeSdk(server.url, null).subscribeQuery({ goals: {} }), () => makeGen(mod, server.url, null).goals.subscribe()]) {
      try {
        run();
      } catch (error) {
        errors.push(error);
      }
    }
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect((error as Error).constructor).toBe(Error);
      expect((error as Error).message).toMatch(/Admin token required/);
    }
    expect(server.take()).toEqual([]);
  });
});

describe('reading the same stream as @instantdb/admin@1.0.67', () => {
  /** A payload reduced to what both clients promise: data, page info and session, or the error's status and body. */
  const view = (p: { type: string; data?: unknown; pageInfo?: unknown; sessionInfo?: unknown; error?: { status: number; message: string; body: unknown } }) =>
    p.type === 'ok'
      ? { type: p.type, data: p.data, pageInfo: p.pageInfo, sessionInfo: p.sessionInfo }
      : { type: p.type, status: p.error!.status, message: p.error!.message, body: p.error!.body, sessionInfo: p.sessionInfo };

  it('add-query-ok, refresh-ok (with and without computations) and error messages give the same payloads', async () => {
    const sse = await startSseServer();
    try {
      const q = { goals: { $: { where: { done: false }, first: 2 } } };
      const cursor = [G1, G1, 'a', 1714566896000];
      const info = { goals: { 'start-cursor': cursor, 'end-cursor': cursor, 'has-next-page?': true, 'has-previous-page?': false } };
      const script = [
        sseInit(),
        addQueryOk(q, { goals: [{ id: G1, title: 'a' }] }, { 'page-info': info, aggregate: {} }),
        { op: 'refresh-ok', computations: [], attrs: [] },
        refreshOk({ goals: [] }, { 'page-info': {}, aggregate: {} }),
        errorOp(400, 'Validation failed for query'),
      ];
      const sides = {
        official: (url: string, onResult: (p: Parameters<typeof view>[0]) => void) => makeSdk(url).subscribeQuery(q, onResult as never),
        generated: (url: string, onResult: (p: Parameters<typeof view>[0]) => void) => makeGen(mod, url).subscribeQuery(q, onResult as never),
      };
      const seen: Record<string, unknown[]> = {};
      for (const [side, open] of Object.entries(sides)) {
        const payloads: unknown[] = [];
        let wake = () => {};
        const sub = open(sse.url, (p) => {
          payloads.push(view(p));
          wake();
        });
        const connection = await sse.connection(sse.connections.length);
        for (const message of script) connection.send(message);
        while (payloads.length < 3) await new Promise<void>((resolve) => (wake = resolve));
        sub.close();
        seen[side] = payloads;
      }
      expect(seen.generated).toStrictEqual(seen.official);
      expect(seen.official).toHaveLength(3);
    } finally {
      await sse.close();
    }
  });
});
