// Type-level contract of a generated client, checked by `tsc` (typescript 5.9) in test/typecheck.test.ts.
// Every `@ts-expect-error` must be needed: an unused one fails the check.
import { expectTypeOf } from 'vitest';
import {
  createClient,
  id,
  type Cursor,
  type GoalsEntity,
  type GoalsQuery,
  type InstantAPIError,
  type PageInfo,
  type Query,
  type SubscriptionPayload,
  type TodosEntity,
  type $UsersEntity,
  type User,
  type PresenceResult,
  createInstantRouteHandler,
} from './generated/todo/index.js';

const db = createClient({ appId: 'app', adminToken: 'token' });
const goalId = id();

async function queries() {
  // Results are exact: all attributes, optional ones as `?: T | null`.
  const goals = await db.goals.query();
  expectTypeOf(goals).toEqualTypeOf<GoalsEntity[]>();
  expectTypeOf(goals[0].title).toEqualTypeOf<string>();
  expectTypeOf(goals[0].description).toEqualTypeOf<string | null | undefined>();
  expectTypeOf(goals[0].metrics).toEqualTypeOf<{ target: number; current: number; unit?: string } | null | undefined>();
  expectTypeOf(goals[0].dueDate).toEqualTypeOf<string | number | null | undefined>();

  // `fields` narrows; links appear only when asked for; has-one is an object or null, has-many an array.
  const picked = await db.goals.query({ $: { fields: ['title'] }, owner: {}, todos: { $: { fields: ['done'] } } });
  expectTypeOf<keyof (typeof picked)[0]>().toEqualTypeOf<'id' | 'title' | 'owner' | 'todos'>();
  expectTypeOf(picked[0].title).toEqualTypeOf<string>();
  expectTypeOf(picked[0].owner).toEqualTypeOf<$UsersEntity | null>();
  expectTypeOf(picked[0].todos[0]).toEqualTypeOf<Pick<TodosEntity, 'id' | 'done'>>();
  // @ts-expect-error `done` was not picked
  picked[0].done;
  // @ts-expect-error links not asked for are absent
  goals[0].todos;

  // Nested links carry their own where/fields/order.
  const nested = await db.todos.query({ goal: { owner: { $: { where: { email: { $like: '%@x.com' } } } } } });
  expectTypeOf(nested[0].goal!.owner).toEqualTypeOf<$UsersEntity | null>();
  expectTypeOf<keyof NonNullable<(typeof nested)[0]['goal']>>().toEqualTypeOf<keyof GoalsEntity | 'owner'>();
  expectTypeOf(nested[0].goal).toMatchTypeOf<GoalsEntity | null>();

  // get(id) is one row or null.
  const one = await db.goals.get(goalId, { todos: {} });
  expectTypeOf(one!.todos).toEqualTypeOf<TodosEntity[]>();
  expectTypeOf<keyof NonNullable<typeof one>>().toEqualTypeOf<keyof GoalsEntity | 'todos'>();
  // @ts-expect-error may be null
  one.title;

  // Several entities in one request.
  const both = await db.query({ goals: { $: { limit: 2 } }, $users: {} });
  expectTypeOf<keyof typeof both>().toEqualTypeOf<'goals' | '$users'>();
  expectTypeOf(both.goals).toEqualTypeOf<GoalsEntity[]>();
  expectTypeOf(both.$users).toEqualTypeOf<$UsersEntity[]>();
  expectTypeOf(await db.asUser({ guest: true }).todos.query()).toEqualTypeOf<TodosEntity[]>();

  // debugQuery types its query and result like query; debugTransact reports checks.
  const debug = await db.asUser({ guest: true }).debugQuery({ goals: { $: { fields: ['title'] } } }, { rules: { goals: { allow: { view: 'true' } } } });
  expectTypeOf(debug.result.goals[0].title).toEqualTypeOf<string>();
  expectTypeOf(debug.checkResults[0].check).toEqualTypeOf<unknown>();
  // @ts-expect-error `done` was not picked
  debug.result.goals[0].done;
  // @ts-expect-error misspelled attribute
  await db.asUser({ guest: true }).debugQuery({ goals: { $: { where: { titel: 'x' } } } });
  const checks = await db.asUser({ guest: true }).debugTransact(db.goals.tx(goalId).update({ done: true }), { dangerouslyCommit: true });
  expectTypeOf(checks['all-checks-ok?']).toEqualTypeOf<boolean>();

  // Operators follow the attribute: indexed typed attributes compare and order; strings match patterns.
  await db.goals.query({
    $: {
      where: { priority: { $gt: 2 }, title: { $ilike: '%fit%' }, dueDate: { $isNull: true }, 'todos.title': 'run', owner: goalId },
      order: { priority: 'desc' },
      limit: 10,
      offset: 5,
    },
  });
  await db.goals.query({ $: { where: { or: [{ done: true }, { 'owner.email': 'a@b.c' }], and: [{ 'todos.goal.title': 'deep path' }] } } });
  await db.goals.query({ $: { order: { serverCreatedAt: 'asc' }, first: 1, after: ['a', 'b', 1, 2] } });

  // @ts-expect-error unknown attribute in where
  await db.goals.query({ $: { where: { titel: 'x' } } });
  // @ts-expect-error unknown attribute next to a known one
  await db.goals.query({ $: { where: { title: 'x', titel: 'x' } } });
  // @ts-expect-error wrong value type
  await db.goals.query({ $: { where: { priority: 'high' } } });
  // @ts-expect-error $ilike needs an indexed attribute (description is not)
  await db.goals.query({ $: { where: { description: { $ilike: '%a%' } } } });
  // @ts-expect-error comparisons need an indexed attribute
  await db.todos.query({ $: { where: { position: { $gt: 1 } } } });
  // @ts-expect-error $isNull only on optional attributes
  await db.goals.query({ $: { where: { title: { $isNull: true } } } });
  // @ts-expect-error order only on indexed attributes
  await db.goals.query({ $: { order: { description: 'asc' } } });
  // @ts-expect-error unknown link
  await db.goals.query({ todoz: {} });
  // @ts-expect-error unknown attribute through a link path
  await db.goals.query({ $: { where: { 'todos.titel': 'x' } } });
  // @ts-expect-error pagination is top-level only
  await db.goals.query({ todos: { $: { limit: 3 } } });
  // @ts-expect-error fields must be attributes
  await db.goals.query({ $: { fields: ['nope'] } });
  // @ts-expect-error unknown entity
  await db.query({ goalz: {} });
  // @ts-expect-error unknown option
  await db.goals.query({ $: { limt: 3 } });
  // Unknown keys are rejected at any depth, as excess properties of the plain query types.
  // @ts-expect-error unknown attribute inside `or`
  await db.goals.query({ $: { where: { or: [{ done: true }, { titel: 'x' }] } } });
  // @ts-expect-error unknown attribute in a nested link's where
  await db.goals.query({ todos: { $: { where: { titel: 'x' } } } });
  // @ts-expect-error unknown link inside a nested link
  await db.goals.query({ todos: { goall: {} } });
  // @ts-expect-error unknown link in get
  await db.goals.get(goalId, { todoz: {} });
  // @ts-expect-error unknown option in the multi-entity form
  await db.query({ goals: { $: { limt: 1 } } });

  // A query held in a variable is checked where it is written with `satisfies <Entity>Query` (or `Query`),
  // and keeps its literal type, so the rows are typed by what it asks.
  const byVariable = { $: { where: { done: false }, fields: ['title'] }, todos: {} } as const satisfies GoalsQuery;
  const pickedByVariable = await db.goals.query(byVariable);
  expectTypeOf(pickedByVariable[0]!.title).toEqualTypeOf<string>();
  expectTypeOf(pickedByVariable[0]!.todos).toEqualTypeOf<TodosEntity[]>();
  // @ts-expect-error not picked by `fields`
  pickedByVariable[0]!.priority;
  const many = { goals: { todos: {} }, todos: { $: { limit: 2 } } } satisfies Query;
  expectTypeOf((await db.query(many)).todos).toEqualTypeOf<TodosEntity[]>();
  // @ts-expect-error unknown attribute, reported in the variable's literal
  const misspelled = { $: { where: { titel: 'x' } } } satisfies GoalsQuery;
  // @ts-expect-error unknown link inside a nested link, in the variable's literal
  const badLink = { todos: { goall: {} } } satisfies GoalsQuery;
  // @ts-expect-error unknown entity in the multi-entity form
  const badEntity = { goalz: {} } satisfies Query;
  void [misspelled, badLink, badEntity];
}

function transactions() {
  const todoId = id();
  db.transact([
    db.goals.tx(goalId).create({ title: 'Get fit', priority: 1, done: false }),
    db.goals.tx(goalId).update({ dueDate: new Date(), description: null }, { upsert: false }),
    db.goals.tx(goalId).merge({ metrics: { current: 1 } }),
    db.goals.tx(goalId).merge({ metrics: { unit: null } }),
    db.goals.tx(goalId).link({ todos: [todoId, { title: 'run' }], owner: { email: 'a@b.c' } }).unlink({ todos: todoId }),
    db.todos.tx({ title: 'run' }).delete(),
    db.$users.tx({ email: 'a@b.c' }).update({ imageURL: 'x' }),
    db.goals.tx(goalId).ruleParams({ knownId: goalId }).update({ done: true }),
  ]);
  // @ts-expect-error required attribute missing on create
  db.goals.tx(goalId).create({ title: 'x', priority: 1 });
  // @ts-expect-error unknown attribute
  db.goals.tx(goalId).update({ titel: 'x' });
  // @ts-expect-error wrong value type
  db.goals.tx(goalId).update({ priority: '1' });
  // @ts-expect-error update replaces JSON values whole: no partial objects
  db.goals.tx(goalId).update({ metrics: { current: 1 } });
  // @ts-expect-error merge still checks the JSON shape
  db.goals.tx(goalId).merge({ metrics: { current: 'one' } });
  // @ts-expect-error required attributes cannot be null
  db.goals.tx(goalId).update({ title: null });
  // @ts-expect-error has-one link takes one id, not an array
  db.goals.tx(goalId).link({ owner: [goalId] });
  // @ts-expect-error unknown link label
  db.goals.tx(goalId).link({ assignees: goalId });
  // @ts-expect-error lookups only on unique attributes (goals has none)
  db.goals.tx({ title: 'x' });
  // @ts-expect-error lookups only on unique attributes
  db.todos.tx({ done: true });
  // @ts-expect-error link-target lookups only on the target's unique attributes
  db.goals.tx(goalId).link({ todos: { done: true } });
}

async function auth() {
  const token: string = await db.auth.createToken('a@b.c');
  const user = await db.auth.verifyToken(token);
  expectTypeOf(user.id).toEqualTypeOf<string>();
  expectTypeOf(await db.auth.getUser({ email: 'a@b.c' })).toEqualTypeOf<typeof user | null>();
  await db.auth.signOut({ refresh_token: token });
  const { code } = await db.auth.generateMagicCode('a@b.c');
  await db.auth.verifyMagicCode('a@b.c', code);
  // @ts-expect-error asUser takes email, token or guest
  db.asUser({ id: 'x' });
}

async function parity() {
  // A typed User everywhere auth returns one: the auth fields and the schema's custom `$users` attrs.
  const user = await db.auth.verifyToken('t');
  expectTypeOf(user).toEqualTypeOf<User>();
  expectTypeOf(user.nickname).toEqualTypeOf<string | null | undefined>();
  expectTypeOf(user.email).toEqualTypeOf<string | null | undefined>();
  // @ts-expect-error not a `$users` attribute of the schema
  user.nickame;
  expectTypeOf(await db.auth.signInGuest()).toEqualTypeOf<User>();
  expectTypeOf((await db.auth.checkMagicCode('a@b.c', '1')).user).toEqualTypeOf<User>();
  expectTypeOf(await db.auth.deleteUser({ id: 'x' })).toEqualTypeOf<User | null>();
  expectTypeOf(await db.asUser({ guest: true }).auth.getUser({ id: 'x' })).toEqualTypeOf<User | null>();

  // extraFields: only the custom `$users` attributes (the server refuses system ones and unknown ones).
  await db.auth.createToken('a@b.c', { extraFields: { nickname: 'n' } });
  await db.auth.signInGuest({ extraFields: { nickname: 'n' } });
  await db.auth.checkMagicCode('a@b.c', '1', { extraFields: { nickname: 'n' }, refreshToken: 'guest-token' });
  // @ts-expect-error unknown attribute
  await db.auth.createToken('a@b.c', { extraFields: { nickame: 'n' } });
  // @ts-expect-error a system attribute is not an extra field
  await db.auth.checkMagicCode('a@b.c', '1', { extraFields: { email: 'x@y.z' } });
  // @ts-expect-error wrong value type
  await db.auth.signInGuest({ extraFields: { nickname: 1 } });

  // getUserFromRequest: a Fetch API request or a Node one.
  expectTypeOf(await db.auth.getUserFromRequest(new Request('https://x'))).toEqualTypeOf<User | null>();
  await db.auth.getUserFromRequest({ headers: { cookie: 'a=b' } }, { disableValidation: true });
  // @ts-expect-error not a request
  await db.auth.getUserFromRequest('cookie');
  const { POST } = createInstantRouteHandler({ appId: 'app' });
  expectTypeOf(POST).toEqualTypeOf<(req: Request) => Promise<Response>>();

  // Presence is typed per room type (`rooms.todos.presence` in the schema).
  const presence = await db.rooms.getPresence('todos', 'room-1');
  expectTypeOf(presence).toEqualTypeOf<PresenceResult<{ name: string; typing?: boolean }, User>>();
  expectTypeOf(presence['s'].data.typing).toEqualTypeOf<boolean | undefined>();
  expectTypeOf(presence['s'].user).toEqualTypeOf<User | null>();
  // @ts-expect-error not a room type of the schema
  await db.rooms.getPresence('chat', 'room-1');

  // fetchOpts on reads (Next.js caching, extra headers); cardinalityInference on debugQuery.
  await db.goals.query({}, { fetchOpts: { next: { revalidate: 60, tags: ['goals'] }, headers: { 'x-id': '1' } } });
  await db.query({ goals: {} }, { fetchOpts: { cache: 'force-cache' } });
  await db.goals.get(goalId, {}, { fetchOpts: { next: { revalidate: false } } });
  db.subscribeQuery({ goals: {} }, undefined, { fetchOpts: { headers: { 'x-id': '1' } } }).close();
  // @ts-expect-error tags are strings
  await db.goals.query({}, { fetchOpts: { next: { tags: [1] } } });
  // @ts-expect-error the client sets the method
  await db.goals.query({}, { fetchOpts: { method: 'GET' } });
  await db.asUser({ guest: true }).debugQuery({ goals: {} }, { cardinalityInference: false });

  // verbose / logger on createClient.
  createClient({ verbose: true, logger: console });
  // @ts-expect-error a logger has info, debug and error
  createClient({ verbose: true, logger: { info() {} } });
}

async function liveQueries() {
  // A subscription's results are typed exactly like the same query's.
  const q = { $: { where: { done: false }, fields: ['title'] }, todos: {} } as const;
  const once = await db.goals.query(q);
  const sub = db.goals.subscribe(q, (payload) => {
    if (payload.type === 'ok') {
      expectTypeOf(payload.data).toEqualTypeOf<typeof once>();
      expectTypeOf(payload.pageInfo).toEqualTypeOf<PageInfo | undefined>();
    } else expectTypeOf(payload.error).toEqualTypeOf<InstantAPIError>();
  });
  expectTypeOf(sub.readyState).toEqualTypeOf<'connecting' | 'open' | 'closed'>();
  sub.close();
  for await (const payload of db.goals.subscribe({ todos: { $: { fields: ['done'] } } }, undefined, { signal: AbortSignal.timeout(1) })) {
    if (payload.type === 'error') break;
    const withTodos = await db.goals.query({ todos: { $: { fields: ['done'] } } });
    expectTypeOf(payload.data).toEqualTypeOf<typeof withTodos>();
    expectTypeOf(payload.data[0].todos[0]).toEqualTypeOf<Pick<TodosEntity, 'id' | 'done'>>();
  }
  for await (const payload of db.goals.subscribe()) if (payload.type === 'ok') expectTypeOf(payload.data).toEqualTypeOf<GoalsEntity[]>();

  // subscribeQuery: several entities, the payload keyed like `query`'s result, page info per entity.
  const both = db.subscribeQuery({ goals: { $: { first: 10 } }, $users: {} }, undefined, { ruleParams: { k: 1 } });
  for await (const payload of both) {
    if (payload.type !== 'ok') continue;
    const result = await db.query({ goals: { $: { first: 10 } }, $users: {} });
    expectTypeOf(payload.data).toEqualTypeOf<typeof result>();
    expectTypeOf(payload.pageInfo).toEqualTypeOf<{ goals?: PageInfo; $users?: PageInfo } | undefined>();
  }
  expectTypeOf<SubscriptionPayload<GoalsEntity[], PageInfo>>().toMatchTypeOf<{ type: 'ok' | 'error' }>();
  db.asUser({ token: 't' }).todos.subscribe({ $: { where: { 'goal.title': 'x' } } }, undefined, { ruleParams: { k: 'v' } });

  // The query argument is checked as `query`'s is.
  // @ts-expect-error unknown attribute in where
  db.goals.subscribe({ $: { where: { titel: 'x' } } });
  // @ts-expect-error unknown link
  db.goals.subscribe({ assignees: {} });
  // @ts-expect-error unknown entity
  db.subscribeQuery({ goalz: {} });
  // @ts-expect-error pagination in a nested query
  db.goals.subscribe({ todos: { $: { first: 1 } } });
  // @ts-expect-error a callback that expects another payload
  db.goals.subscribe({}, (payload: { type: 'ok'; data: TodosEntity[] }) => payload);

  // count: a number; `where` checked like a query's.
  expectTypeOf(await db.goals.count()).toEqualTypeOf<number>();
  expectTypeOf(await db.goals.count({ where: { done: false, 'todos.title': { $like: '%run%' } } }, { signal: AbortSignal.timeout(1000) })).toEqualTypeOf<number>();
  // @ts-expect-error unknown attribute in where
  db.goals.count({ where: { titel: 'x' } });
  // @ts-expect-error wrong value type
  db.goals.count({ where: { priority: 'high' } });
  // @ts-expect-error count takes only where
  db.goals.count({ where: {}, limit: 1 });

  // paginate: rows typed like the query's (fields narrow), page info with cursors.
  const page = await db.goals.paginate({ where: { done: false }, order: { priority: 'desc' }, first: 20, fields: ['title'] });
  expectTypeOf(page.rows).toEqualTypeOf<Pick<GoalsEntity, 'id' | 'title'>[]>();
  expectTypeOf(page.pageInfo.endCursor).toEqualTypeOf<Cursor | null>();
  expectTypeOf(page.pageInfo.hasNextPage).toEqualTypeOf<boolean>();
  const next = await db.goals.paginate({ first: 20, after: page.pageInfo.endCursor! });
  expectTypeOf(next.rows).toEqualTypeOf<GoalsEntity[]>();
  await db.goals.paginate({ last: 20, before: page.pageInfo.startCursor! });
  for await (const each of db.todos.pages({ order: { createdAt: 'asc' }, first: 100 })) expectTypeOf(each.rows).toEqualTypeOf<TodosEntity[]>();
  // @ts-expect-error a page size is needed: first or last
  db.goals.paginate({ where: { done: true } });
  // @ts-expect-error first goes with after, not before
  db.goals.paginate({ first: 1, before: page.pageInfo.startCursor! });
  // @ts-expect-error last goes with before, not after
  db.goals.paginate({ last: 1, after: page.pageInfo.endCursor! });
  // @ts-expect-error not both first and last
  db.goals.paginate({ first: 1, last: 1 });
  // @ts-expect-error order only by an indexed attribute
  db.goals.paginate({ first: 1, order: { description: 'asc' } });
  // @ts-expect-error unknown attribute in where
  db.goals.pages({ first: 1, where: { titel: 'x' } });
  // @ts-expect-error offset is not a page option
  db.goals.paginate({ first: 1, offset: 3 });
  // @ts-expect-error unknown field
  db.goals.paginate({ first: 1, fields: ['nope'] });
}

export { queries, transactions, auth, liveQueries, parity };
