// Live query cases (`db.subscribeQuery`, POST /admin/subscribe-query; wire-protocol.md §4.5), runnable
// through any client whose `subscribeQuery` has the SDK's shape (callback and async iterator, payloads
// `{type, data, pageInfo}` / `{type: 'error', error}`). Counts are not surfaced by the SDK: those cases read
// the stream raw. Instant's side: admin/routes.clj `query-sse`, reactive/session.clj
// (`undertow-sse-admin-config`, `handle-add-query!`, `handle-refresh!`, `handle-instant-exception`),
// reactive/query.clj `instaql-query-reactive!`, util/instaql.clj `instaql-nodes->object-meta`,
// instaql.clj `page-info-of-form`, datalog.clj `add-page-info`.
//
// "Nothing is pushed" is asserted without a clock: the unrelated write is followed by a related one, and
// the next payload must be the related one's (the server handles commits in order).

import { id } from '@instantdb/admin';
import { expect } from 'vitest';
import type { CaseContext, ConformanceCase } from '../../support/conformance.js';
import { eventually, openStream, subscribe, type Feed, type Payload } from '../../support/live.js';
import { TODO_RULES } from './permsFixtures.js';

async function ok(feed: Feed): Promise<Payload> {
  const p = await feed.next();
  if (p.type !== 'ok') throw new Error(`expected an ok payload, got ${String(p.error?.message ?? JSON.stringify(p))}`);
  return p;
}

async function firstError(feed: Feed): Promise<Payload> {
  const p = await feed.next();
  if (p.type !== 'error') throw new Error(`expected an error payload, got ${JSON.stringify(p.data)}`);
  return p;
}

const titles = (rows: any[]) => rows.map((r) => r.title);

/** A raw admin stream of this case's app. */
function adminStream(ctx: CaseContext, query: unknown, extra: Record<string, string> = {}) {
  return openStream(ctx.url, { query, 'inference?': true }, ctx.headers(extra));
}

const PUBLIC_GOALS_RULES = { goals: { allow: { view: 'data.public == true' } } };

export const SUBSCRIBE_CASES: ConformanceCase[] = [
  // ---- initial result ----
  {
    name: 'the first payload is the query result (callback form)',
    fixture: 'todo',
    run: async (db) => {
      const { feed, sub } = subscribe(db, { goals: { todos: {} } });
      const first = await ok(feed);
      sub.close();
      return { live: first.data, once: await db.query({ goals: { todos: {} } }) };
    },
    expect: { check: (r) => expect(r.live).toEqual(r.once) },
  },
  {
    name: 'the async-iterator form yields the first result, then the update',
    fixture: 'todo',
    run: async (db, ctx) => {
      const sub = db.subscribeQuery!({ goals: {} });
      const it = sub[Symbol.asyncIterator]();
      const first = (await it.next()).value;
      await db.transact(db.tx.goals[ctx.ids.read].update({ title: 'Read less' }));
      const second = (await it.next()).value;
      sub.close();
      return [titles(first.data.goals), titles(second.data.goals)];
    },
    expect: { result: [['Get fit', 'Read more'], ['Get fit', 'Read less']] },
  },
  {
    name: 'inference: a has-one link is an object in live results too',
    fixture: 'todo',
    run: async (db, ctx) => {
      const { feed, sub } = subscribe(db, { goals: { $: { where: { id: ctx.ids.fit } }, owner: {} } });
      const first = await ok(feed);
      sub.close();
      return first.data.goals[0].owner;
    },
    expect: { check: (r, ctx) => expect(r).toEqual({ id: ctx.ids.alice, name: 'alice' }) },
  },

  // ---- updates after admin writes ----
  {
    name: 'a created entity is pushed',
    fixture: 'todo',
    run: async (db) => {
      const { feed, sub } = subscribe(db, { goals: {} });
      await ok(feed);
      await db.transact(db.tx.goals[id()].update({ title: 'Learn Clojure' }));
      const next = await ok(feed);
      sub.close();
      return titles(next.data.goals);
    },
    expect: { result: ['Get fit', 'Read more', 'Learn Clojure'] },
  },
  {
    name: 'a deleted entity disappears, and with it its link',
    fixture: 'todo',
    run: async (db, ctx) => {
      const { feed, sub } = subscribe(db, { goals: { todos: {} } });
      await ok(feed);
      await db.transact(db.tx.todos[ctx.ids.swim].delete());
      const next = await ok(feed);
      sub.close();
      return next.data.goals.map((g: any) => [g.title, titles(g.todos)]);
    },
    expect: { result: [['Get fit', ['run']], ['Read more', ['read a book']]] },
  },
  {
    name: 'linking pushes the new child',
    fixture: 'todo',
    run: async (db, ctx) => {
      const { feed, sub } = subscribe(db, { goals: { $: { where: { id: ctx.ids.read } }, todos: {} } });
      await ok(feed);
      const nap = id();
      await db.transact([db.tx.todos[nap].update({ title: 'nap' }), db.tx.goals[ctx.ids.read].link({ todos: nap })]);
      const next = await ok(feed);
      sub.close();
      return titles(next.data.goals[0].todos).sort();
    },
    expect: { result: ['nap', 'read a book'] },
  },
  {
    name: 'a where query: an entity enters when it starts matching and leaves when it stops',
    fixture: 'todo',
    run: async (db, ctx) => {
      const { feed, sub } = subscribe(db, { todos: { $: { where: { done: true } } } });
      const first = await ok(feed);
      await db.transact(db.tx.todos[ctx.ids.swim].update({ done: true }));
      const entered = await ok(feed);
      await db.transact(db.tx.todos[ctx.ids.run].update({ done: false }));
      const left = await ok(feed);
      sub.close();
      // run and swim were created in one transaction: their order is their ids'.
      return [titles(first.data.todos), titles(entered.data.todos).sort(), titles(left.data.todos)];
    },
    expect: { result: [['run'], ['run', 'swim'], ['swim']] },
  },
  {
    name: 'a where path through a link follows writes to the linked entity',
    fixture: 'todo',
    run: async (db, ctx) => {
      const { feed, sub } = subscribe(db, { todos: { $: { where: { 'goal.title': 'Get fit' } } } });
      const first = await ok(feed);
      await db.transact(db.tx.goals[ctx.ids.fit].update({ title: 'Get strong' }));
      const next = await ok(feed);
      sub.close();
      return [titles(first.data.todos).sort(), titles(next.data.todos)];
    },
    expect: { result: [['run', 'swim'], []] },
  },
  {
    name: 'one transaction with several writes is one push',
    fixture: 'todo',
    run: async (db, ctx) => {
      const { feed, sub } = subscribe(db, { goals: {} });
      await ok(feed);
      await db.transact([db.tx.goals[ctx.ids.fit].update({ title: 'A' }), db.tx.goals[ctx.ids.read].update({ title: 'B' })]);
      await db.transact(db.tx.goals[ctx.ids.fit].update({ title: 'C' }));
      const { item, skipped } = await feed.until((p) => p.data?.goals.some((g: any) => g.title === 'C'));
      sub.close();
      return { skipped: skipped.map((p) => titles(p.data.goals)), last: titles(item.data.goals) };
    },
    // The two-write transaction shows up whole (never half of it), possibly merged with the next one.
    expect: { check: (r) => {
      expect(r.last).toEqual(['C', 'B']);
      for (const s of r.skipped) expect(s).toEqual(['A', 'B']);
    } },
  },

  // ---- nothing pushed ----
  {
    name: 'a write to another namespace pushes nothing',
    fixture: 'todo',
    run: async (db, ctx) => {
      const { feed, sub } = subscribe(db, { goals: {} });
      await ok(feed);
      await db.transact(db.tx.owners[id()].update({ name: 'bob' }));
      await db.transact(db.tx.todos[ctx.ids.run].update({ title: 'sprint' }));
      await db.transact(db.tx.goals[ctx.ids.read].update({ title: 'marker' }));
      const next = await ok(feed);
      sub.close();
      return titles(next.data.goals);
    },
    expect: { result: ['Get fit', 'marker'] },
  },
  {
    name: 'a write that leaves the result unchanged pushes nothing',
    fixture: 'todo',
    run: async (db, ctx) => {
      const { feed, sub } = subscribe(db, { goals: { $: { fields: ['title'] } } });
      await ok(feed);
      await db.transact(db.tx.goals[ctx.ids.fit].update({ priority: 7 }));
      await db.transact(db.tx.goals[ctx.ids.fit].update({ title: 'Get fit' }));
      await db.transact(db.tx.goals[ctx.ids.read].update({ title: 'marker' }));
      const next = await ok(feed);
      sub.close();
      return next.data.goals;
    },
    expect: { check: (r, ctx) => expect(r).toEqual([{ id: ctx.ids.fit, title: 'Get fit' }, { id: ctx.ids.read, title: 'marker' }]) },
  },

  // ---- impersonation ----
  {
    name: 'a write by an impersonated user is pushed to an admin subscription',
    fixture: 'permsTodo',
    rules: TODO_RULES,
    run: async (db, ctx) => {
      const { feed, sub } = subscribe(db, { goals: { $: { where: { id: ctx.ids.fit } } } });
      await ok(feed);
      await db.asUser({ email: 'alice@example.com' }).transact(db.tx.goals[ctx.ids.fit].update({ priority: 5 }));
      const next = await ok(feed);
      sub.close();
      return next.data.goals[0].priority;
    },
    expect: { result: 5 },
  },
  {
    name: 'an as-email subscription sees only what the rules let it, and its updates',
    fixture: 'permsTodo',
    rules: TODO_RULES,
    run: async (db, ctx) => {
      const { feed, sub } = subscribe(db.asUser({ email: 'alice@example.com' }), { goals: {} });
      const first = await ok(feed);
      await db.transact(db.tx.goals[ctx.ids.read].link({ owner: ctx.ids.alice }));
      const next = await ok(feed);
      sub.close();
      return [titles(first.data.goals).sort(), titles(next.data.goals).sort()];
    },
    expect: { result: [['Get fit', 'Grow a garden'], ['Get fit', 'Grow a garden', 'Read more']] },
  },
  {
    name: 'an as-token subscription follows rules that read linked data (todos of goals it owns)',
    fixture: 'permsTodo',
    rules: TODO_RULES,
    run: async (db, ctx) => {
      const { feed, sub } = subscribe(db.asUser({ token: ctx.ids.bobToken }), { todos: {} });
      const first = await ok(feed);
      // Only the goal's owner link changes: the todos namespace is not written at all.
      await db.transact(db.tx.goals[ctx.ids.fit].link({ owner: ctx.ids.bob }));
      const next = await ok(feed);
      sub.close();
      return [titles(first.data.todos), titles(next.data.todos).sort()];
    },
    expect: { result: [['read a book'], ['read a book', 'run', 'swim']] },
  },
  {
    name: 'an as-guest subscription sees public rows; a hidden new row pushes nothing',
    fixture: 'permsTodo',
    rules: PUBLIC_GOALS_RULES,
    run: async (db, ctx) => {
      const { feed, sub } = subscribe(db.asUser({ guest: true }), { goals: {} });
      const first = await ok(feed);
      await db.transact(db.tx.goals[id()].update({ title: 'Secret', public: false }));
      await db.transact(db.tx.goals[ctx.ids.read].update({ public: true }));
      const next = await ok(feed);
      sub.close();
      return [titles(first.data.goals), titles(next.data.goals)];
    },
    expect: { result: [['Grow a garden'], ['Grow a garden', 'Read more']] },
  },
  {
    name: 'ruleParams reach the rules of a subscription',
    fixture: 'permsTodo',
    rules: { goals: { allow: { view: 'data.shareToken == ruleParams.token' } } },
    run: async (db) => {
      const { feed, sub } = subscribe(db.asUser({ guest: true }), { goals: {} }, { ruleParams: { token: 'tok-123' } });
      const first = await ok(feed);
      sub.close();
      return titles(first.data.goals);
    },
    expect: { result: ['Read more'] },
  },

  // ---- page info ----
  {
    name: 'page info of a first page: cursors of its first and last rows, a next page, no previous one',
    fixture: 'zeneca',
    run: async (db, ctx) => {
      const { feed, sub } = subscribe(db, { books: { $: { order: { pageCount: 'asc' }, limit: 2 } } });
      const first = await ok(feed);
      sub.close();
      return { books: titles(first.data.books), info: first.pageInfo.books, attr: await ctx.attrId('books', 'pageCount') };
    },
    expect: { check: (r, ctx) => {
      expect(r.books).toEqual(["Aesop's Fables", 'Sapiens']);
      expect(r.info).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      expect(r.info.startCursor.slice(0, 3)).toEqual([ctx.ids.aesop, r.attr, 200]);
      expect(r.info.endCursor.slice(0, 3)).toEqual([ctx.ids.sapiens, r.attr, 443]);
      expect(typeof r.info.endCursor[3]).toBe('number');
    } },
  },
  {
    name: 'the end cursor fetches the next page with /admin/query `after`',
    fixture: 'zeneca',
    run: async (db) => {
      const { feed, sub } = subscribe(db, { books: { $: { order: { pageCount: 'asc' }, limit: 2 } } });
      const first = await ok(feed);
      sub.close();
      const next = await db.query({ books: { $: { order: { pageCount: 'asc' }, limit: 2, after: first.pageInfo.books.endCursor } } });
      return titles(next.books);
    },
    expect: { result: ['Catch-22', 'Antifragile'] },
  },
  {
    name: 'the start cursor fetches the previous page with `before` and `last`',
    fixture: 'zeneca',
    run: async (db) => {
      const q = (extra: object) => ({ books: { $: { order: { pageCount: 'asc' }, ...extra } } });
      const { feed, sub } = subscribe(db, q({ limit: 2, offset: 2 }));
      const page = await ok(feed);
      sub.close();
      const previous = await db.query(q({ last: 2, before: page.pageInfo.books.startCursor }));
      return { page: titles(page.data.books), info: page.pageInfo.books, previous: titles(previous.books) };
    },
    expect: { check: (r) => {
      expect(r.page).toEqual(['Catch-22', 'Antifragile']);
      expect(r.info).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
      expect(r.previous).toEqual(["Aesop's Fables", 'Sapiens']);
    } },
  },
  {
    name: 'page info of a last page (`last`): a previous page, no next one',
    fixture: 'zeneca',
    run: async (db) => {
      const { feed, sub } = subscribe(db, { books: { $: { order: { pageCount: 'asc' }, last: 2 } } });
      const page = await ok(feed);
      sub.close();
      return { books: titles(page.data.books), info: page.pageInfo.books };
    },
    expect: { check: (r) => {
      expect(r.books).toEqual(['Antifragile', 'The Count of Monte Cristo']);
      expect(r.info).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    } },
  },
  {
    name: 'page info of a page `after` a cursor that reaches the end',
    fixture: 'zeneca',
    run: async (db, ctx) => {
      const attr = await ctx.attrId('books', 'pageCount');
      const after = [ctx.ids.catch22, attr, 453, 0];
      const { feed, sub } = subscribe(db, { books: { $: { order: { pageCount: 'asc' }, limit: 5, after } } });
      const page = await ok(feed);
      sub.close();
      return { books: titles(page.data.books), info: page.pageInfo.books };
    },
    expect: { check: (r) => {
      expect(r.books).toEqual(['Antifragile', 'The Count of Monte Cristo']);
      expect(r.info).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    } },
  },
  {
    name: 'page info is pushed again when a new row enters the page',
    fixture: 'zeneca',
    run: async (db) => {
      const { feed, sub } = subscribe(db, { books: { $: { order: { pageCount: 'asc' }, limit: 2 } } });
      await ok(feed);
      const shortest = id();
      await db.transact(db.tx.books[shortest].update({ title: 'Haiku', pageCount: 10 }));
      const next = await ok(feed);
      sub.close();
      return { books: titles(next.data.books), start: next.pageInfo.books.startCursor[0], shortest };
    },
    expect: { check: (r) => {
      expect(r.books).toEqual(['Haiku', "Aesop's Fables"]);
      expect(r.start).toBe(r.shortest);
    } },
  },
  {
    name: 'page info by serverCreatedAt (limit only): the id attr in the cursors',
    fixture: 'todo',
    run: async (db, ctx) => {
      const { feed, sub } = subscribe(db, { todos: { $: { limit: 1 } } });
      const page = await ok(feed);
      sub.close();
      const oldest = (await db.query({ todos: { $: { limit: 1 } } })).todos[0].id;
      return { info: page.pageInfo.todos, idAttr: await ctx.attrId('todos', 'id'), oldest };
    },
    expect: { check: (r) => {
      expect(r.info).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      expect(r.info.startCursor.slice(0, 3)).toEqual([r.oldest, r.idAttr, r.oldest]);
      expect(r.info.startCursor).toEqual(r.info.endCursor);
    } },
  },
  {
    name: 'a query without pagination has no page info',
    fixture: 'todo',
    run: async (db) => {
      const { feed, sub } = subscribe(db, { goals: {} });
      const first = await ok(feed);
      sub.close();
      return first.pageInfo;
    },
    expect: { result: {} },
  },

  // ---- counts (admin only; the SDK does not surface them, so the stream is read raw) ----
  {
    name: 'aggregate count: result-meta carries the count, the tree an empty list',
    fixture: 'zeneca',
    run: async (_db, ctx) => {
      const stream = await adminStream(ctx, { books: { $: { aggregate: 'count' } } });
      await stream.messages.next(); // sse-init
      const added = await stream.messages.next();
      stream.close();
      return added;
    },
    expect: { check: (r) => {
      expect(r.op).toBe('add-query-ok');
      expect(r.result).toEqual({ books: [] });
      expect(r['result-meta']).toEqual({ 'page-info': {}, aggregate: { books: { count: 5 } } });
    } },
  },
  {
    name: 'aggregate count with a where clause, updated after a write',
    fixture: 'zeneca',
    run: async (db, ctx) => {
      const stream = await adminStream(ctx, { books: { $: { aggregate: 'count', where: { pageCount: { $gt: 450 } } } } });
      await stream.messages.next();
      const added = await stream.messages.next();
      await db.transact(db.tx.books[ctx.ids.sapiens].update({ pageCount: 900 }));
      const refreshed = await stream.messages.next();
      stream.close();
      return [added['result-meta'].aggregate, refreshed.op, refreshed.computations[0]['result-meta'].aggregate];
    },
    expect: { result: [{ books: { count: 3 } }, 'refresh-ok', { books: { count: 4 } }] },
  },
  {
    name: 'aggregate as an impersonated user is an error message',
    fixture: 'zenecaAuth',
    run: async (db) => {
      const { feed, sub } = subscribe(db.asUser({ guest: true }), { books: { $: { aggregate: 'count' } } });
      const p = await firstError(feed);
      sub.close();
      return p.error;
    },
    expect: { check: (e) => {
      expect(e.status).toBe(400);
      expect(e.body).toMatchObject({
        op: 'error',
        type: 'validation-failed',
        message: 'Validation failed for query: Aggregates are currently only available for admin queries.',
        hint: { errors: [{ expected: 'admin?', in: ['books', '$', 'aggregate'] }] },
      });
    } },
  },
  {
    name: 'aggregate with a child query is an error message',
    fixture: 'zeneca',
    client: 'unchecked',
    run: async (db) => {
      const { feed, sub } = subscribe(db, { bookshelves: { $: { aggregate: 'count' }, books: {} } });
      const p = await firstError(feed);
      sub.close();
      return p.error.body;
    },
    expect: { check: (b) => expect(b).toMatchObject({ type: 'validation-failed', message: 'Validation failed for query: You can not combine aggregates with child queries at this time.' }) },
  },

  // ---- errors ----
  {
    name: 'a malformed query is an error message with the original event; the stream stays open',
    fixture: 'zeneca',
    client: 'unchecked',
    run: async (db) => {
      const { feed, sub } = subscribe(db, { users: { $: { where: ['foo'] } } });
      const p = await firstError(feed);
      const state = p.error && (p as any).readyState;
      sub.close();
      return { status: p.error.status, body: p.error.body, state };
    },
    expect: { check: (r) => {
      expect(r.status).toBe(400);
      expect(r.state).toBe('open');
      expect(r.body).toMatchObject({
        op: 'error',
        status: 400,
        type: 'validation-failed',
        hint: { errors: [{ expected: 'map?', in: ['users', '$', 'where'] }] },
        'original-event': { op: 'add-query', 'return-type': 'tree', q: { users: { $: { where: ['foo'] } } } },
      });
      expect(r.body['client-event-id']).toBe(r.body['original-event']['client-event-id']);
    } },
  },
  {
    name: 'ordering by an attribute that is not indexed is an error message',
    fixture: 'zeneca',
    client: 'unchecked',
    run: async (db) => {
      const { feed, sub } = subscribe(db, { bookshelves: { $: { order: { title: 'asc' } } } });
      const p = await firstError(feed);
      sub.close();
      return p.error.body.message;
    },
    expect: { check: (m) => expect(m).toMatch(/^Validation failed for query: The `bookshelves.title` attribute is not indexed\./) },
  },
  {
    name: 'a wrong admin token is refused before the stream opens',
    fixture: 'todo',
    run: async (_db, ctx) => openStream(ctx.url, { query: { goals: {} } }, ctx.headers({ authorization: `Bearer ${id()}` })),
    expect: { check: (r) => {
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ type: 'record-not-found', hint: { 'record-type': 'app-admin-token' } });
    } },
  },
  {
    name: 'the SDK reports a refused connection as an error payload',
    fixture: 'permsTodo',
    run: async (db) => {
      const { feed, sub } = subscribe(db.asUser({ email: 'nobody@example.com' }), { goals: {} });
      const p = await firstError(feed);
      sub.close();
      return p.error.body;
    },
    expect: { check: (b) => expect(b).toMatchObject({ type: 'record-not-found', message: 'Record not found: app-user' }) },
  },
  {
    name: 'a request without a query is param-missing',
    run: async (_db, ctx) => openStream(ctx.url, {}, ctx.headers()),
    expect: { check: (r) => expect(r).toMatchObject({ status: 400, body: { type: 'param-missing', hint: { in: ['body', 'query'] } } }) },
  },

  // ---- the stream and its lifecycle ----
  {
    name: 'the stream asks for a 500 ms retry and starts with sse-init, then add-query-ok',
    fixture: 'todo',
    run: async (db, ctx) => {
      const { 'tx-id': txId } = await db.transact(db.tx.goals[ctx.ids.fit].update({ priority: 3 }));
      const stream = await adminStream(ctx, { $$ruleParams: { a: 1 }, goals: { $: { fields: ['priority'] } } });
      const init = await stream.messages.next();
      const added = await stream.messages.next();
      stream.close();
      return { retry: stream.retry, init, added, txId };
    },
    expect: { check: (r) => {
      expect(r.retry).toBe(500);
      expect(r.init).toEqual({ op: 'sse-init', 'machine-id': expect.any(String), 'session-id': expect.any(String), 'sse-token': expect.any(String) });
      expect(r.added).toMatchObject({
        op: 'add-query-ok',
        q: { $$ruleParams: { a: 1 }, goals: { $: { fields: ['priority'] } } },
        'processed-tx-id': r.txId,
        'client-event-id': expect.any(String),
      });
    } },
  },
  {
    name: 'refresh-ok carries the transaction id and the query',
    fixture: 'todo',
    run: async (db, ctx) => {
      const stream = await adminStream(ctx, { owners: {} });
      await stream.messages.next();
      await stream.messages.next();
      const { 'tx-id': txId } = await db.transact(db.tx.owners[ctx.ids.alice].update({ name: 'alicia' }));
      const refreshed = await stream.messages.next();
      stream.close();
      return { refreshed, txId };
    },
    expect: { check: (r, ctx) => {
      expect(r.refreshed).toEqual({
        op: 'refresh-ok',
        'processed-tx-id': r.txId,
        computations: [{ 'instaql-query': { owners: {} }, 'instaql-result': { owners: [{ id: ctx.ids.alice, name: 'alicia' }] }, 'result-meta': { 'page-info': {}, aggregate: {} } }],
      });
    } },
  },
  {
    name: 'sessionInfo holds the session of sse-init',
    fixture: 'todo',
    run: async (db) => {
      const { feed, sub } = subscribe(db, { goals: {} });
      const first = (await ok(feed)) as any;
      sub.close();
      return first.sessionInfo;
    },
    expect: { check: (s) => expect(s).toEqual({ machineId: expect.any(String), sessionId: expect.any(String) }) },
  },
  {
    name: 'closing frees the subscription on the server',
    fixture: 'todo',
    run: async (db, ctx) => {
      const a = subscribe(db, { goals: {} });
      const b = subscribe(db, { todos: {} });
      await ok(a.feed);
      await ok(b.feed);
      const open = ctx.subscriptions();
      a.sub.close();
      await eventually(() => ctx.subscriptions() === 1);
      b.sub.close();
      await eventually(() => ctx.subscriptions() === 0);
      return open;
    },
    expect: { result: 2 },
  },
  {
    name: 'subscriptions to the same query each get the update; closing one leaves the other',
    fixture: 'todo',
    run: async (db, ctx) => {
      const a = subscribe(db, { goals: {} });
      const b = subscribe(db, { goals: {} });
      await ok(a.feed);
      await ok(b.feed);
      await db.transact(db.tx.goals[ctx.ids.fit].update({ title: 'one' }));
      const [na, nb] = [await ok(a.feed), await ok(b.feed)];
      a.sub.close();
      await eventually(() => ctx.subscriptions() === 1);
      await db.transact(db.tx.goals[ctx.ids.fit].update({ title: 'two' }));
      const nb2 = await ok(b.feed);
      b.sub.close();
      return [titles(na.data.goals), titles(nb.data.goals), titles(nb2.data.goals), a.feed.received];
    },
    expect: { result: [['one', 'Read more'], ['one', 'Read more'], ['two', 'Read more'], 2] },
  },
];
