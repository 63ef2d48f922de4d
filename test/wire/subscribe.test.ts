// Wire conformance of live queries: the generated client's subscriptions (and count/paginate, built on them)
// POST the same request to `/admin/subscribe-query` as `@instantdb/admin@1.0.67`'s `subscribeQuery` for the
// equivalent query (wire-protocol §4.5), and read the same first result out of the same event stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANNED_COUNT, CANNED_SESSION, startCaptureServer, type CaptureServer, type CapturedRequest } from '../support/captureServer.js';
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
