// Rate limits (`$rateLimits` buckets, `rateLimit.<bucket>.limit(key[, tokens])` in rules), run by both
// conformance runners. Upstream: client/www/app/docs/rate-limits/page.md (rules format, per-entity
// consumption), server/src/instant/rate_limit.clj (bucket configs, defaults, validation, keys),
// server/src/instant/db/cel.clj (`RateLimitBucket`, `limit`), server/src/instant/util/exception.clj
// (`throw-permission-rate-limited!`: the body and hint) and server/src/instant/util/http.clj (`rate-limited`
// is a 429). Refill over time is tested with an injected clock in test/server/rateLimits.test.ts.

import { id } from '@instantdb/admin';
import { expect } from 'vitest';
import type { AdminDbLike, CaseContext, ConformanceCase } from '../../support/conformance.js';

const as = (db: AdminDbLike, ctx: CaseContext, name: string) => db.asUser({ token: ctx.ids[`${name}Token`] });

/** 'ok', or the error's status and type. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: any) => `${e.status} ${e.body?.type}`,
  );

const createTodo = (db: AdminDbLike, title: string) => db.transact(db.tx.todos[id()].update({ title }));

const hourly = (capacity: number) => ({ limits: [{ capacity, refill: { period: '1 hour' } }] });

/** todos: anyone may create, two per hour per user. */
const CREATE_RULES = {
  todos: { allow: { create: 'rateLimit.createTodos.limit(auth.id)' } },
  $rateLimits: { createTodos: hourly(2) },
};

const ruleError = (message: string, at: string[]) => ({
  error: { status: 400, type: 'validation-failed', hint: { 'data-type': 'rule', errors: [{ message, in: at }] } },
});

export const RATE_LIMIT_CASES: ConformanceCase[] = [
  {
    name: 'an empty bucket is a 429 rate-limited error with retry-at, retry-after and remaining-tokens',
    covers: ['rate limits'],
    fixture: 'permsTodo',
    rules: CREATE_RULES,
    run: async (db, ctx) => {
      const alice = as(db, ctx, 'alice');
      await createTodo(alice, 'one');
      await createTodo(alice, 'two');
      return createTodo(alice, 'three');
    },
    expect: {
      error: {
        status: 429,
        type: 'rate-limited',
        message: 'Your request exceeded the rate limit.',
        hint: { 'remaining-tokens': 0, 'retry-after': expect.any(Number), 'retry-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      },
    },
  },
  {
    name: 'retry-after is whole seconds until one token is back (greedy: period / amount)',
    covers: ['rate limits'],
    fixture: 'permsTodo',
    rules: CREATE_RULES,
    run: async (db, ctx) => {
      const alice = as(db, ctx, 'alice');
      await createTodo(alice, 'one');
      await createTodo(alice, 'two');
      const hint = await createTodo(alice, 'three').catch((e: any) => e.body.hint);
      const retryAt = Date.parse(hint['retry-at']);
      return { after: hint['retry-after'], consistent: retryAt > Date.now() - 5_000 };
    },
    expect: {
      check: (r: { after: number; consistent: boolean }) => {
        expect(r.after).toBeGreaterThan(1800 - 600);
        expect(r.after).toBeLessThanOrEqual(1800);
        expect(r.consistent).toBe(true);
      },
    },
  },
  {
    name: 'each key has its own bucket (auth.id): bob is not limited by alice',
    covers: ['rate limits'],
    fixture: 'permsTodo',
    rules: CREATE_RULES,
    run: async (db, ctx) => {
      const alice = as(db, ctx, 'alice');
      const bob = as(db, ctx, 'bob');
      return [
        await outcome(createTodo(alice, 'a1')),
        await outcome(createTodo(alice, 'a2')),
        await outcome(createTodo(alice, 'a3')),
        await outcome(createTodo(bob, 'b1')),
        await outcome(createTodo(bob, 'b2')),
        await outcome(createTodo(bob, 'b3')),
      ];
    },
    expect: { result: ['ok', 'ok', '429 rate-limited', 'ok', 'ok', '429 rate-limited'] },
  },
  {
    name: 'a transaction takes one token per entity, and a refused one writes nothing',
    covers: ['rate limits'],
    fixture: 'permsTodo',
    rules: CREATE_RULES,
    run: async (db, ctx) => {
      const alice = as(db, ctx, 'alice');
      const three = await outcome(alice.transact(['x', 'y', 'z'].map((title) => alice.tx.todos[id()].update({ title }))));
      const written = (await db.query({ todos: { $: { where: { title: { $in: ['x', 'y', 'z'] } } } } })).todos.length;
      const two = await outcome(alice.transact(['x', 'y'].map((title) => alice.tx.todos[id()].update({ title }))));
      return { three, written, two };
    },
    // The refused transaction still took the two tokens it got before the third failed (Instant consumes
    // as each check runs), so the next two creates are refused too.
    expect: { result: { three: '429 rate-limited', written: 0, two: '429 rate-limited' } },
  },
  {
    name: 'limit(key, n) takes n tokens; remaining-tokens counts what is left',
    covers: ['rate limits'],
    fixture: 'permsTodo',
    rules: { todos: { allow: { create: 'rateLimit.createTodos.limit(auth.id, 3)' } }, $rateLimits: { createTodos: hourly(5) } },
    run: async (db, ctx) => {
      const alice = as(db, ctx, 'alice');
      return [await outcome(createTodo(alice, 'one')), await createTodo(alice, 'two').catch((e: any) => [e.status, e.body.hint['remaining-tokens']])];
    },
    expect: { result: ['ok', [429, 2]] },
  },
  {
    name: 'view rules take a token per entity a query returns',
    covers: ['rate limits'],
    fixture: 'permsTodo',
    rules: { todos: { allow: { view: 'rateLimit.readTodos.limit(auth.id)' } }, $rateLimits: { readTodos: hourly(5) } },
    run: async (db, ctx) => {
      const alice = as(db, ctx, 'alice');
      // The fixture has 4 todos: the first query takes 4 of 5 tokens, the second runs out.
      return [(await alice.query({ todos: {} })).todos.length, await outcome(alice.query({ todos: {} }))];
    },
    expect: { result: [4, '429 rate-limited'] },
  },
  {
    name: 'debugQuery runs the app rules on the same buckets (the debug endpoints take tokens too)',
    covers: ['rate limits', 'wire 4.3'],
    fixture: 'permsTodo',
    rules: { todos: { allow: { view: 'rateLimit.readTodos.limit(auth.id)' } }, $rateLimits: { readTodos: hourly(5) } },
    run: async (db, ctx) => {
      const alice = as(db, ctx, 'alice');
      const debug = (await alice.debugQuery({ todos: {} })) as any;
      return [debug.result.todos.length, await outcome(alice.query({ todos: {} }))];
    },
    expect: { result: [4, '429 rate-limited'] },
  },
  {
    name: 'a check before limit() that fails (&& short-circuits) takes no token',
    covers: ['rate limits'],
    fixture: 'permsTodo',
    rules: {
      todos: { allow: { create: "newData.title != 'skip' && rateLimit.createTodos.limit(auth.id)" } },
      $rateLimits: { createTodos: hourly(1) },
    },
    run: async (db, ctx) => {
      const alice = as(db, ctx, 'alice');
      return [await outcome(createTodo(alice, 'skip')), await outcome(createTodo(alice, 'one')), await outcome(createTodo(alice, 'two'))];
    },
    expect: { result: ['400 permission-denied', 'ok', '429 rate-limited'] },
  },
  {
    name: 'limit(key, 0) is an evaluation error, not a free pass (Bucket4j refuses non-positive token counts)',
    covers: ['rate limits'],
    fixture: 'permsTodo',
    rules: { todos: { allow: { create: 'rateLimit.createTodos.limit(auth.id, 0)' } }, $rateLimits: { createTodos: hourly(1) } },
    run: (db, ctx) => createTodo(as(db, ctx, 'alice'), 'zero'),
    expect: { error: { status: 400, type: 'permission-evaluation-failed', hint: { rule: ['todos', 'create'] } } },
  },
  {
    name: 'admin requests are not rate limited (rules do not run for them)',
    covers: ['rate limits'],
    fixture: 'permsTodo',
    rules: { ...CREATE_RULES, $rateLimits: { createTodos: hourly(1) } },
    run: async (db) => [await outcome(createTodo(db, 'one')), await outcome(createTodo(db, 'two'))],
    expect: { result: ['ok', 'ok'] },
  },
  {
    name: 'a bucket config without limits is refused',
    covers: ['rate limits'],
    fixture: 'permsTodo',
    run: (db) => db.asUser({ guest: true }).debugQuery({ todos: {} }, { rules: { $rateLimits: { empty: { limits: [] } } } }),
    expect: ruleError('Validation failed for rules: The rate limit config must have at least one limit in the `limits` array.', ['$rateLimits', 'empty']),
  },
  {
    name: 'bucket configs: capacity is required, periods are at most a day, types greedy or interval',
    covers: ['rate limits'],
    fixture: 'permsTodo',
    run: async (db) => {
      const errors = (config: object) =>
        db
          .asUser({ guest: true })
          .debugQuery({ todos: {} }, { rules: { $rateLimits: { b: config } } })
          .then(
            () => 'ok',
            (e: any) => e.body.hint.errors.map((x: any) => x.message),
          );
      return [
        await errors({ limits: [{}] }),
        await errors({ limits: [{ capacity: 0 }] }),
        await errors({ limits: [{ capacity: 10, refill: { period: '2 days' } }] }),
        await errors({ limits: [{ capacity: 10, refill: { type: 'leaky' } }] }),
        await errors({ limits: [{ capacity: 10, refill: { amount: 2, period: '30 minutes', type: 'interval' } }, { capacity: 100, refill: { period: '1 day' } }] }),
      ];
    },
    expect: {
      result: [
        ['Missing parameter: ["capacity"]'],
        ['Malformed parameter: ["capacity"]'],
        ["Validation failed for rules: The refill period can't be longer than a day."],
        ['Malformed parameter: ["refill" "type"]'],
        'ok',
      ],
    },
  },
];
