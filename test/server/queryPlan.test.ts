// Every statement the query planner sends SQLite searches an index: EXPLAIN QUERY PLAN of each shows no
// `SCAN triples` (a read of the whole table or of a whole index). The statements are recorded as the
// planner prepares them, for the main query shapes, and explained with their real parameters.

import { beforeAll, describe, expect, it } from 'vitest';
import { i } from '@instantdb/admin';
import { Engine } from '../../src/server/engine.js';
import { openDatabase } from '../../src/server/storage/db.js';
import type { JsonObject } from '../../src/server/json.js';
import { schemaIR } from '../support/localServer.js';

const schema = i.schema({
  entities: {
    goals: i.entity({ title: i.string().indexed(), priority: i.number().indexed() }),
    todos: i.entity({ title: i.string().unique().indexed(), done: i.boolean().indexed(), due: i.date().indexed(), note: i.string().optional() }),
  },
  links: {
    goalTodos: { forward: { on: 'goals', has: 'many', label: 'todos' }, reverse: { on: 'todos', has: 'one', label: 'goal' } },
  },
  rooms: {},
});

const engine = new Engine(openDatabase({}));
const appId = crypto.randomUUID();
const admin = { appId, admin: true, user: null, ruleParams: {} };
const explained: { sql: string; plan: string[] }[] = [];

beforeAll(() => {
  engine.ensureApp(appId, crypto.randomUUID(), schemaIR(schema));
  const steps: unknown[] = [];
  for (let g = 0; g < 200; g++) {
    const goal = crypto.randomUUID();
    steps.push(['update', 'goals', goal, { title: `goal ${g}`, priority: g % 10 }]);
    for (let k = 0; k < 5; k++) {
      const todo = crypto.randomUUID();
      steps.push(['update', 'todos', todo, { title: `todo ${g}.${k}`, done: k % 2 === 0, due: Date.UTC(2025, 0, 1 + k) }]);
      steps.push(['link', 'goals', goal, { todos: todo }]);
    }
  }
  engine.transact(appId, steps, { throwOnMissingAttrs: true, requester: admin });
  // Record every statement the planner prepares, and explain it with the parameters it runs with.
  const store = engine.triples;
  const statement = store.statement.bind(store);
  store.statement = ((sql: string) => {
    const stmt = statement(sql);
    const explain = engine.db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
    const record = (params: unknown[]) => explained.push({ sql, plan: explain.all(...params).map((r) => (r as { detail: string }).detail) });
    return new Proxy(stmt, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (key === 'pluck') return () => new Proxy(target.pluck(), this);
        if (key === 'all' || key === 'get' || key === 'iterate') {
          return (...params: unknown[]) => (record(params), (value as (...p: unknown[]) => unknown).apply(target, params));
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }) as typeof store.statement;
});

const SHAPES: [string, JsonObject, number][] = [
  ['unique equality', { todos: { $: { where: { title: 'todo 7.3' } } } }, 1],
  ['indexed equality with a limit', { goals: { $: { where: { priority: 3 }, limit: 5 } } }, 5],
  ['$in', { todos: { $: { where: { title: { $in: ['todo 1.1', 'todo 2.2', 'nope'] } } } } }, 2],
  ['date equality', { todos: { $: { where: { due: '2025-01-02T00:00:00Z', title: { $like: 'todo 1%' } } } } }, 111],
  ['range + order + limit', { todos: { $: { where: { due: { $gt: Date.UTC(2025, 0, 3) } }, order: { due: 'asc' }, limit: 10 } } }, 10],
  ['order + limit, no where', { todos: { $: { order: { title: 'desc' }, limit: 3 } } }, 3],
  ['serverCreatedAt page after a cursor', { goals: { $: { first: 2 } } }, 2],
  ['$like prefix', { todos: { $: { where: { title: { $like: 'todo 19%' } } } } }, 55],
  ['reverse link path', { todos: { $: { where: { 'goal.title': 'goal 42' } } } }, 5],
  ['forward link path', { goals: { $: { where: { 'todos.title': 'todo 42.1' } } } }, 1],
  ['link id', { goals: { $: { where: { todos: '00000000-0000-4000-8000-000000000000' } } } }, 0],
  ['or', { todos: { $: { where: { or: [{ title: 'todo 1.1' }, { 'goal.priority': 9, done: true }] } } } }, 61],
  ['nested', { goals: { $: { where: { priority: 2 }, limit: 5 }, todos: {} } }, 5],
  // The longest path that still becomes SQL (where.ts MAX_INDEXED_HOPS): 16 nested subqueries.
  ['16 hops', { goals: { $: { where: { [`${'todos.goal.'.repeat(8)}title`]: 'goal 42' } } } }, 1],
];

describe('the planner searches indexes', () => {
  it.each(SHAPES)('%s', (_name, query, expectedRows) => {
    explained.length = 0;
    const result = engine.query(appId, query, { inference: true, requester: admin });
    const rows = Object.values(result)[0] as unknown[];
    expect(rows.length).toBe(expectedRows);
    expect(explained.length).toBeGreaterThan(0);
    for (const { sql, plan } of explained) {
      expect(plan.filter((line) => /^SCAN triples\b/.test(line)), `${sql}\n${plan.join('\n')}`).toEqual([]);
      expect(plan.some((line) => /USING (INDEX triples_by_attr_|PRIMARY KEY|COVERING INDEX triples_by_attr_)/.test(line)), `${sql}\n${plan.join('\n')}`).toBe(true);
    }
  });

  it('pages through serverCreatedAt with a cursor without re-reading the start', () => {
    // One transaction wrote every goal: serverCreatedAt ties, broken by id.
    const six = engine.query(appId, { goals: { $: { first: 6 } } }, { inference: true, requester: admin }).goals as JsonObject[];
    const first = six.slice(0, 3);
    const idAttr = engine.attrs(appId).idAttr('goals')!;
    explained.length = 0;
    const createdAt = engine.triples.values(appId, String(first[2].id), idAttr.id)[0].created_at;
    const cursor = [first[2].id, idAttr.id, first[2].id, createdAt];
    const next = engine.query(appId, { goals: { $: { first: 3, after: cursor } } }, { inference: true, requester: admin }).goals as JsonObject[];
    expect(next).toEqual(six.slice(3));
    for (const { plan } of explained) expect(plan.join('\n')).not.toMatch(/SCAN triples/);
  });
});
