// The captured request examples of wire-protocol.md §6 (sent by the SDK), plus HTTP-level behaviour the
// SDK cannot trigger (malformed JSON, unknown routes, the app id in the query string).

import { id, lookup } from '@instantdb/admin';
import { expect } from 'vitest';
import { sorted, type ConformanceCase } from '../../support/conformance.js';
import { pluck } from './fixtures.js';

export const WIRE_CASES: ConformanceCase[] = [
  {
    name: 'the §6 kitchen-sink query is accepted',
    covers: ['wire 6'],
    fixture: 'todo',
    client: 'plain',
    run: (db, ctx) =>
      db.query({
        goals: {
          $: {
            where: {
              title: 'Get fit',
              'todos.title': { $like: '%run%' },
              or: [{ 'todos.done': true }, { priority: 5 }],
              id: { $in: [ctx.ids.fit, ctx.ids.read] },
              owner: { $isNull: false },
            },
            order: { serverCreatedAt: 'desc' },
            limit: 10,
            offset: 0,
            fields: ['title', 'priority'],
          },
          todos: { $: { where: { title: { $ne: 'x' } }, fields: ['title'] } },
        },
      }),
    expect: {
      check: (r, ctx) =>
        expect(r.goals).toEqual([
          {
            id: ctx.ids.fit,
            title: 'Get fit',
            priority: 1,
            todos: expect.arrayContaining([
              { id: ctx.ids.run, title: 'run' },
              { id: ctx.ids.swim, title: 'swim' },
            ]),
          },
        ]),
    },
  },
  {
    name: 'schema-initialised query sends inference? and gets arrays for has-many',
    covers: ['wire 6', 'wire 7.4'],
    fixture: 'todo',
    run: async (db) => {
      const r = await db.query({ goals: { todos: {} } });
      return r.goals.map((g: any) => [g.title, Array.isArray(g.todos)]);
    },
    expect: { result: [['Get fit', true], ['Read more', true]] },
  },
  {
    name: 'update with nested, null, undefined and Date values',
    covers: ['wire 6', 'wire 5.1'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      const g = id();
      await db.transact(
        db.tx.goals[g].update({ title: 'Get fit', n: 1, nested: { a: [1, 2] }, nul: null, undef: undefined, date: new Date(0) }),
      );
      const goal = (await db.query({ goals: {} })).goals[0];
      return [goal.id === g, goal.title, goal.n, goal.nested, 'nul' in goal, goal.nul, 'undef' in goal, goal.date];
    },
    expect: { result: [true, 'Get fit', 1, { a: [1, 2] }, true, null, false, '1970-01-01T00:00:00.000Z'] },
  },
  {
    name: 'merge, create and delete steps',
    covers: ['wire 6'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      const [g1, g2] = [id(), id()];
      await db.transact(db.tx.goals[g1].create({ title: 'new' }));
      await db.transact(db.tx.goals[g1].merge({ metrics: { progress: 0.5 } }));
      await db.transact(db.tx.goals[g2].create({ title: 'doomed' }));
      await db.transact(db.tx.goals[g2].delete());
      return (await db.query({ goals: {} })).goals.map((g: any) => [g.title, g.metrics]);
    },
    expect: { result: [['new', { progress: 0.5 }]] },
  },
  {
    name: 'link an array and two labels at once, then unlink',
    covers: ['wire 6'],
    fixture: 'todo',
    run: async (db, ctx) => {
      const [t1, t2, bob] = [id(), id(), id()];
      await db.transact([
        db.tx.todos[t1].update({ title: 't1' }),
        db.tx.todos[t2].update({ title: 't2' }),
        db.tx.owners[bob].update({ name: 'bob' }),
      ]);
      await db.transact(db.tx.goals[ctx.ids.read].link({ todos: [t1, t2], owner: bob }));
      const linked = await db.query({ goals: { $: { where: { title: 'Read more' } }, todos: {}, owner: {} } });
      await db.transact(db.tx.goals[ctx.ids.read].unlink({ todos: [t1], owner: bob }));
      const unlinked = await db.query({ goals: { $: { where: { title: 'Read more' } }, todos: {}, owner: {} } });
      const view = (r: any) => [sorted(pluck(r.goals[0].todos, 'title') as string[]), r.goals[0].owner?.name ?? null];
      return [view(linked), view(unlinked)];
    },
    expect: {
      result: [
        [['read a book', 't1', 't2'], 'bob'],
        [['read a book', 't2'], null],
      ],
    },
  },
  {
    name: 'update and delete through lookups, including a numeric value',
    covers: ['wire 6', 'wire 5.2'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      await db.transact(db.tx.users[lookup('email', 'a@b.c')].update({ name: 'A' }));
      await db.transact(db.tx.users.lookup('email', 'a@b.c').update({ name: 'A2' }));
      await db.transact(db.tx.users[lookup('handle', 42)].update({ name: 'num' }));
      const before = sorted(pluck((await db.query({ users: {} })).users, 'name') as string[]);
      await db.transact(db.tx.users[lookup('handle', 42)].delete());
      const after = pluck((await db.query({ users: {} })).users, 'name');
      return [before, after];
    },
    expect: { result: [['A2', 'num'], ['A2']] },
  },
  {
    name: 'a lookup string as a link target',
    covers: ['wire 6', 'wire 7.8'],
    fixture: 'todo',
    run: async (db, ctx) => {
      await db.transact(db.tx.goals[ctx.ids.read].link({ owner: lookup('name', 'alice') }));
      const r = await db.query({ owners: { goals: {} } });
      return sorted(pluck(r.owners[0].goals, 'title') as string[]);
    },
    expect: { result: ['Get fit', 'Read more'] },
  },
  {
    name: 'a dotted ref lookup through a one-to-one link',
    covers: ['wire 6', 'wire 5.2'],
    fixture: 'links11',
    run: async (db, ctx) => {
      await db.transact(db.tx.fwd[lookup('rev.id', ctx.ids.propARev)].update({ name: 'z' }));
      const r = await db.query({ fwd: { $: { where: { id: ctx.ids.propA } } } });
      return r.fwd[0].name;
    },
    expect: { result: 'z' },
  },
  {
    name: 'several chunks in one transact',
    covers: ['wire 6'],
    fixture: 'todo',
    run: async (db, ctx) => {
      const [g, t] = [id(), id()];
      await db.transact([
        db.tx.goals[g].update({ title: 'a' }),
        db.tx.todos[t].update({ title: 'b' }),
        db.tx.goals[g].link({ todos: t }),
        db.tx.goals[ctx.ids.read].delete(),
      ]);
      const r = await db.query({ goals: { todos: {} } });
      return r.goals.map((x: any) => [x.title, pluck(x.todos, 'title')]);
    },
    expect: { result: [['Get fit', expect.arrayContaining(['run', 'swim'])], ['a', ['b']]] },
  },
  {
    name: 'an empty transact still commits a transaction',
    covers: ['wire 4.2'],
    fixture: 'todo',
    run: (db) => db.transact([]),
    expect: { check: (r) => expect(r['tx-id']).toEqual(expect.any(Number)) },
  },
  {
    name: 'createToken(emailString) and getUser with form-encoded email',
    covers: ['wire 6', 'wire 4.9'],
    fixture: 'users',
    run: async (db) => {
      const token = await db.auth.createToken('a+b@c.de');
      const user = await db.auth.getUser({ email: 'a+b@c.de' });
      const byToken = await db.auth.getUser({ refresh_token: token });
      return [user.email, byToken.id === user.id];
    },
    expect: { result: ['a+b@c.de', true] },
  },
  {
    name: 'malformed JSON is a plain-text 400',
    covers: ['wire 3'],
    run: (_db, ctx) => ctx.http('POST', '/admin/query', { headers: ctx.headers(), rawBody: '{"query": ' }),
    expect: { result: { status: 400, body: 'Malformed JSON in request body.' } },
  },
  {
    name: 'unknown routes are 404 with Instant’s message',
    covers: ['wire 3'],
    run: (_db, ctx) => ctx.http('GET', '/admin/nope', { headers: ctx.headers() }),
    expect: { result: { status: 404, body: { message: "Oops! We couldn't match this route." } } },
  },
  {
    name: 'the app id may come from the query string only',
    covers: ['wire 1.1'],
    fixture: 'todo',
    run: async (_db, ctx) => {
      const r = await ctx.http('POST', `/admin/query?app_id=${ctx.appId}`, {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.adminToken}` },
        body: { query: { owners: {} } },
      });
      return [r.status, pluck(r.body.owners, 'name')];
    },
    expect: { result: [200, ['alice']] },
  },
  {
    name: 'a missing query is param-missing',
    covers: ['wire 4.1'],
    run: (_db, ctx) => ctx.http('POST', '/admin/query', { headers: ctx.headers(), body: {} }),
    expect: {
      check: (r) =>
        expect(r).toMatchObject({ status: 400, body: { type: 'param-missing', message: 'Missing parameter: ["body" "query"]' } }),
    },
  },
  {
    name: 'GET /admin/schema lists attrs',
    covers: ['wire 4.15'],
    fixture: 'todo',
    run: async (_db, ctx) => {
      const r = await ctx.http('GET', '/admin/schema', { headers: ctx.headers() });
      const title = r.body.schema.blobs.goals.title;
      return [r.status, title['value-type'], title['forward-identity'].slice(1), Object.keys(r.body.schema.refs).sort()];
    },
    expect: {
      result: [
        200,
        'blob',
        ['goals', 'title'],
        ['$users-linkedPrimaryUser-$users-linkedGuestUsers', 'goals-owner-owners-goals', 'goals-todos-todos-goal'],
      ],
    },
  },
];
