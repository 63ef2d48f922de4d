// The conformance table: each case does one operation with the official SDK and the equivalent one
// with the generated client. Both sides return comparable values (entity queries unwrap the SDK's
// `{ goals: [...] }`), so results are compared as well as requests.
import { id, lookup } from '@instantdb/admin';
import type { GenDb, SdkDb } from './harness.js';

export interface WireCase {
  name: string;
  /** Run both clients without an admin token (only `asUser({ token })` / `asUser({ guest })` may send then). */
  noAdminToken?: boolean;
  official: (db: SdkDb) => Promise<unknown>;
  generated: (db: GenDb) => Promise<unknown>;
}

export const G1 = id();
export const G2 = id();
export const T1 = id();
export const T2 = id();
export const U1 = id();
export const ATTR = id();
export const REFRESH = id();
const EMAIL = 'alyssa@example.com';
const CURSOR: [string, string, string, number] = [G1, ATTR, 'Get fit', 1714566896000];

/** A query that both clients send as `db.query({ goals: q })`, the generated one through `db.goals.query(q)`. */
function goalsQuery(name: string, q: NonNullable<Parameters<GenDb['goals']['query']>[0]>): WireCase {
  return {
    name: `query goals: ${name}`,
    official: async (db) => (await db.query({ goals: q } as never) as { goals: unknown[] }).goals,
    generated: (db) => db.goals.query(q),
  };
}

const queries: WireCase[] = [
  {
    name: 'query several entities at once',
    official: (db) => db.query({ goals: {}, todos: {} }),
    generated: (db) => db.query({ goals: {}, todos: {} }),
  },
  {
    name: 'query goals: no options (entity query)',
    official: async (db) => (await db.query({ goals: {} })).goals,
    generated: (db) => db.goals.query(),
  },
  goalsQuery('where equality on string, boolean and number', { $: { where: { title: 'Get fit', done: false, priority: 2 } } }),
  goalsQuery('where id $in', { $: { where: { id: { $in: [G1, G2] } } } }),
  goalsQuery('where in (deprecated alias)', { $: { where: { priority: { in: [1, 2, 3] } } } }),
  goalsQuery('where $not', { $: { where: { title: { $not: 'Get fit' } } } }),
  goalsQuery('where $ne', { $: { where: { done: { $ne: true } } } }),
  goalsQuery('where $gt', { $: { where: { priority: { $gt: 1 } } } }),
  goalsQuery('where $gte', { $: { where: { priority: { $gte: 1 } } } }),
  goalsQuery('where $lt', { $: { where: { priority: { $lt: 10 } } } }),
  goalsQuery('where $lte on a date (ISO string)', { $: { where: { dueDate: { $lte: '2030-01-01T00:00:00.000Z' } } } }),
  goalsQuery('where $gt on a date (ms timestamp)', { $: { where: { dueDate: { $gt: 1714566896000 } } } }),
  goalsQuery('where $gte on a date (Date object, sent as ISO)', { $: { where: { dueDate: { $gte: new Date(0) } } } }),
  goalsQuery('where $like', { $: { where: { title: { $like: '%fit%' } } } }),
  goalsQuery('where $ilike', { $: { where: { title: { $ilike: '%FIT%' } } } }),
  goalsQuery('where $isNull true and false', { $: { where: { description: { $isNull: true }, dueDate: { $isNull: false } } } }),
  goalsQuery('where on a link id and a link $isNull', { $: { where: { todos: T1, owner: { $isNull: true } } } }),
  goalsQuery('where dotted paths through links', {
    $: { where: { 'todos.title': { $like: '%run%' }, 'owner.email': EMAIL, 'todos.id': { $in: [T1, T2] } } },
  }),
  goalsQuery('where a dotted path two links deep', { $: { where: { 'todos.assignees.email': EMAIL } } }),
  goalsQuery('where or', { $: { where: { or: [{ done: true }, { priority: { $gt: 5 } }] } } }),
  goalsQuery('where and with a nested or', {
    $: { where: { and: [{ title: { $like: 'G%' } }, { or: [{ 'todos.done': false }, { priority: 1 }] }] } },
  }),
  goalsQuery('order by an indexed attribute, limit', { $: { order: { priority: 'desc' }, limit: 10 } }),
  goalsQuery('order by serverCreatedAt, first, after a cursor', { $: { order: { serverCreatedAt: 'asc' }, first: 5, after: CURSOR } }),
  goalsQuery('last, before a cursor', { $: { last: 5, before: CURSOR } }),
  goalsQuery('afterInclusive and beforeInclusive', { $: { after: CURSOR, afterInclusive: true, before: CURSOR, beforeInclusive: false } }),
  goalsQuery('limit and offset', { $: { limit: 20, offset: 40 } }),
  goalsQuery('fields', { $: { fields: ['title', 'done'] } }),
  goalsQuery('nested links with where, order and fields', {
    $: { where: { done: false }, limit: 3 },
    todos: { $: { where: { done: false, title: { $ne: 'x' } }, order: { createdAt: 'desc' }, fields: ['title', 'done'] } },
    owner: { $: { fields: ['email'] } },
  }),
  goalsQuery('links nested three deep', { todos: { assignees: { linkedPrimaryUser: {} }, goal: { owner: {} } } }),
  {
    name: 'query todos: where on a unique attribute, nested goal',
    official: async (db) => (await db.query({ todos: { $: { where: { title: 'run' } }, goal: {} } })).todos,
    generated: (db) => db.todos.query({ $: { where: { title: 'run' } }, goal: {} }),
  },
  {
    name: 'query $users and $files',
    official: (db) => db.query({ $users: { $: { where: { email: EMAIL } } }, $files: { $: { where: { path: { $like: 'photos/%' } } } } }),
    generated: (db) => db.query({ $users: { $: { where: { email: EMAIL } } }, $files: { $: { where: { path: { $like: 'photos/%' } } } } }),
  },
  {
    name: 'query with ruleParams ($$ruleParams first in the query)',
    official: (db) => db.query({ goals: { todos: {} }, todos: {} }, { ruleParams: { knownGoalId: G1, n: 1 } }),
    generated: (db) => db.query({ goals: { todos: {} }, todos: {} }, { ruleParams: { knownGoalId: G1, n: 1 } }),
  },
  {
    name: 'entity query with ruleParams',
    official: async (db) => (await db.query({ goals: { $: { where: { id: G1 } } } }, { ruleParams: { knownGoalId: G1 } })).goals,
    generated: (db) => db.goals.query({ $: { where: { id: G1 } } }, { ruleParams: { knownGoalId: G1 } }),
  },
  {
    name: 'get by id',
    official: async (db) => (await db.query({ goals: { $: { where: { id: G1 } } } })).goals[0] ?? null,
    generated: (db) => db.goals.get(G1),
  },
  {
    name: 'get by id with a where, fields and a link',
    official: async (db) =>
      (await db.query({ goals: { $: { where: { done: true, id: G1 }, fields: ['title'] }, todos: { $: { order: { createdAt: 'asc' } } } } })).goals[0] ??
      null,
    generated: (db) => db.goals.get(G1, { $: { where: { done: true }, fields: ['title'] }, todos: { $: { order: { createdAt: 'asc' } } } }),
  },
  {
    name: 'get by id with ruleParams',
    official: async (db) => (await db.query({ todos: { $: { where: { id: T1 } } } }, { ruleParams: { k: 'v' } })).todos[0] ?? null,
    generated: (db) => db.todos.get(T1, undefined, { ruleParams: { k: 'v' } }),
  },
];

const transactions: WireCase[] = [
  {
    name: 'update with every value type (Date sent as ISO, null kept)',
    official: (db) =>
      db.transact(
        db.tx.goals[G1].update({
          title: 'Get fit',
          description: null,
          priority: 1.5,
          done: false,
          dueDate: new Date(0),
          metrics: { target: 10, current: 2, unit: 'km' },
        }),
      ),
    generated: (db) =>
      db.transact(
        db.goals.tx(G1).update({
          title: 'Get fit',
          description: null,
          priority: 1.5,
          done: false,
          dueDate: new Date(0),
          metrics: { target: 10, current: 2, unit: 'km' },
        }),
      ),
  },
  {
    name: 'update drops undefined attributes',
    official: (db) => db.transact(db.tx.goals[G1].update({ title: 'kept', description: undefined })),
    generated: (db) => db.transact(db.goals.tx(G1).update({ title: 'kept', description: undefined })),
  },
  {
    name: 'create',
    official: (db) => db.transact(db.tx.todos[T1].create({ title: 'run', done: false, createdAt: 1714566896000, meta: { tags: ['a'] } })),
    generated: (db) => db.transact(db.todos.tx(T1).create({ title: 'run', done: false, createdAt: 1714566896000, meta: { tags: ['a'] } })),
  },
  {
    name: 'update with { upsert: false }',
    official: (db) => db.transact(db.tx.goals[G1].update({ title: 'x' }, { upsert: false })),
    generated: (db) => db.transact(db.goals.tx(G1).update({ title: 'x' }, { upsert: false })),
  },
  {
    name: 'update with { upsert: true }',
    official: (db) => db.transact(db.tx.goals[G1].update({ priority: 3 }, { upsert: true })),
    generated: (db) => db.transact(db.goals.tx(G1).update({ priority: 3 }, { upsert: true })),
  },
  {
    name: 'merge',
    official: (db) => db.transact(db.tx.goals[G1].merge({ metrics: { target: 5, current: 1 } })),
    generated: (db) => db.transact(db.goals.tx(G1).merge({ metrics: { target: 5, current: 1 } })),
  },
  {
    name: 'merge with { upsert: false }',
    official: (db) => db.transact(db.tx.todos[T1].merge({ meta: { a: { b: null } } }, { upsert: false })),
    generated: (db) => db.transact(db.todos.tx(T1).merge({ meta: { a: { b: null } } }, { upsert: false })),
  },
  {
    name: 'delete (4th element null)',
    official: (db) => db.transact(db.tx.goals[G1].delete()),
    generated: (db) => db.transact(db.goals.tx(G1).delete()),
  },
  {
    name: 'link one id',
    official: (db) => db.transact(db.tx.goals[G1].link({ todos: T1 })),
    generated: (db) => db.transact(db.goals.tx(G1).link({ todos: T1 })),
  },
  {
    name: 'link an array of ids and a second label',
    official: (db) => db.transact(db.tx.goals[G1].link({ todos: [T1, T2], owner: U1 })),
    generated: (db) => db.transact(db.goals.tx(G1).link({ todos: [T1, T2], owner: U1 })),
  },
  {
    name: 'link from the reverse side',
    official: (db) => db.transact(db.tx.todos[T1].link({ goal: G1, assignees: [U1] })),
    generated: (db) => db.transact(db.todos.tx(T1).link({ goal: G1, assignees: [U1] })),
  },
  {
    name: 'unlink',
    official: (db) => db.transact(db.tx.goals[G1].unlink({ todos: [T1], owner: U1 })),
    generated: (db) => db.transact(db.goals.tx(G1).unlink({ todos: [T1], owner: U1 })),
  },
  {
    name: 'ruleParams step, then update',
    official: (db) => db.transact(db.tx.goals[G1].ruleParams({ knownId: G1 }).update({ title: 'rp' })),
    generated: (db) => db.transact(db.goals.tx(G1).ruleParams({ knownId: G1 }).update({ title: 'rp' })),
  },
  {
    name: 'chain update().link().unlink()',
    official: (db) => db.transact(db.tx.goals[G1].update({ title: 'a' }).link({ todos: T1 }).unlink({ todos: T2 })),
    generated: (db) => db.transact(db.goals.tx(G1).update({ title: 'a' }).link({ todos: T1 }).unlink({ todos: T2 })),
  },
  {
    name: 'several chunks in one transaction',
    official: (db) =>
      db.transact([
        db.tx.goals[G1].update({ title: 'a' }),
        db.tx.todos[T1].update({ title: 'b' }),
        db.tx.goals[G1].link({ todos: T1 }),
        db.tx.goals[G2].delete(),
      ]),
    generated: (db) =>
      db.transact([db.goals.tx(G1).update({ title: 'a' }), db.todos.tx(T1).update({ title: 'b' }), db.goals.tx(G1).link({ todos: T1 }), db.goals.tx(G2).delete()]),
  },
  {
    name: 'empty transaction',
    official: (db) => db.transact([]),
    generated: (db) => db.transact([]),
  },
  // Lookups. The ref lookup by `goal.id` is not offered: the generated `TodosLookup` is `{ title }` only.
  {
    name: 'lookup in the id position ($users by email)',
    official: (db) => db.transact(db.tx.$users[lookup('email', EMAIL)].update({ type: 'user' })),
    generated: (db) => db.transact(db.$users.tx({ email: EMAIL }).update({ type: 'user' })),
  },
  {
    name: 'lookup in the id position: delete a todo by title',
    official: (db) => db.transact(db.tx.todos[lookup('title', 'run')].delete()),
    generated: (db) => db.transact(db.todos.tx({ title: 'run' }).delete()),
  },
  {
    name: 'lookup value containing __ and quotes in the id position',
    official: (db) => db.transact(db.tx.todos[lookup('title', 'a__b "c"')].update({ done: true })),
    generated: (db) => db.transact(db.todos.tx({ title: 'a__b "c"' }).update({ done: true })),
  },
  {
    name: 'lookup as a link target',
    official: (db) => db.transact(db.tx.goals[G1].link({ todos: lookup('title', 'run') })),
    generated: (db) => db.transact(db.goals.tx(G1).link({ todos: { title: 'run' } })),
  },
  {
    name: 'lookups and ids mixed in a link array, lookup owner',
    official: (db) => db.transact(db.tx.goals[G1].link({ todos: [T1, lookup('title', 'walk')], owner: lookup('email', EMAIL) })),
    generated: (db) => db.transact(db.goals.tx(G1).link({ todos: [T1, { title: 'walk' }], owner: { email: EMAIL } })),
  },
  {
    name: 'lookup as an unlink target, from a lookup id',
    official: (db) => db.transact(db.tx.todos[lookup('title', 'run')].unlink({ assignees: lookup('email', EMAIL) })),
    generated: (db) => db.transact(db.todos.tx({ title: 'run' }).unlink({ assignees: { email: EMAIL } })),
  },
];

const impersonation: WireCase[] = [
  {
    name: 'asUser({ email }) query',
    official: (db) => db.asUser({ email: EMAIL }).query({ goals: {} }),
    generated: (db) => db.asUser({ email: EMAIL }).query({ goals: {} }),
  },
  {
    name: 'asUser({ token }) with an admin token sends both',
    official: (db) => db.asUser({ token: REFRESH }).query({ todos: {} }),
    generated: (db) => db.asUser({ token: REFRESH }).query({ todos: {} }),
  },
  {
    name: 'asUser({ guest: true }) with an admin token sends both',
    official: (db) => db.asUser({ guest: true }).transact(db.tx.goals[G1].update({ title: 'g' })),
    generated: (db) => db.asUser({ guest: true }).transact(db.goals.tx(G1).update({ title: 'g' })),
  },
  {
    name: 'asUser({ token }) without an admin token',
    noAdminToken: true,
    official: (db) => db.asUser({ token: REFRESH }).query({ goals: {} }, { ruleParams: { r: 1 } }),
    generated: (db) => db.asUser({ token: REFRESH }).query({ goals: {} }, { ruleParams: { r: 1 } }),
  },
  {
    name: 'asUser({ guest: true }) without an admin token',
    noAdminToken: true,
    official: (db) => db.asUser({ guest: true }).transact(db.tx.goals[G1].ruleParams({ k: 1 }).update({ done: true })),
    generated: (db) => db.asUser({ guest: true }).transact(db.goals.tx(G1).ruleParams({ k: 1 }).update({ done: true })),
  },
  {
    name: 'asUser entity query and get',
    official: async (db) => (await db.asUser({ email: EMAIL }).query({ goals: { $: { where: { id: G1 } } } })).goals[0] ?? null,
    generated: (db) => db.asUser({ email: EMAIL }).goals.get(G1),
  },
  {
    name: 'asUser(...).auth ignores the impersonation',
    official: (db) => db.asUser({ email: EMAIL }).auth.getUser({ id: U1 }),
    generated: (db) => db.asUser({ email: EMAIL }).auth.getUser({ id: U1 }),
  },
];

const RULES = { goals: { allow: { view: 'auth.id != null', update: "auth.id in data.ref('owner.id')" } } };

/** `db.asUser(x).debugQuery` / `debugTransact` (wire-protocol §4.3, §4.4); the SDK's private `__dangerouslyCommit` is `dangerouslyCommit`. */
const debug: WireCase[] = [
  {
    name: 'debugQuery with no options',
    official: (db) => db.asUser({ email: EMAIL }).debugQuery({ goals: { todos: {} } }),
    generated: (db) => db.asUser({ email: EMAIL }).debugQuery({ goals: { todos: {} } }),
  },
  {
    name: 'debugQuery with rules, ruleParams, ip and origin',
    official: (db) =>
      db.asUser({ guest: true }).debugQuery({ goals: { $: { where: { done: false } } } }, { rules: RULES, ruleParams: { k: 1 }, ip: '10.0.0.1', origin: 'https://app.example' }),
    generated: (db) =>
      db.asUser({ guest: true }).debugQuery({ goals: { $: { where: { done: false } } } }, { rules: RULES, ruleParams: { k: 1 }, ip: '10.0.0.1', origin: 'https://app.example' }),
  },
  {
    name: 'debugTransact with no options',
    official: (db) => db.asUser({ token: REFRESH }).debugTransact([db.tx.goals[G1].update({ title: 'g' }), db.tx.todos[T1].delete()]),
    generated: (db) => db.asUser({ token: REFRESH }).debugTransact([db.goals.tx(G1).update({ title: 'g' }), db.todos.tx(T1).delete()]),
  },
  {
    name: 'debugTransact with rules, ip, origin and a commit',
    official: (db) =>
      db
        .asUser({ email: EMAIL })
        .debugTransact(db.tx.goals[G1].link({ todos: T2 }), { rules: RULES, ip: '10.0.0.1', origin: 'https://app.example', __dangerouslyCommit: true } as never),
    generated: (db) =>
      db.asUser({ email: EMAIL }).debugTransact(db.goals.tx(G1).link({ todos: T2 }), { rules: RULES, ip: '10.0.0.1', origin: 'https://app.example', dangerouslyCommit: true }),
  },
];

/**
 * Auth calls have the same shape on both clients: one call, run against each, so the two sides cannot
 * drift apart. Typed against both APIs at once: a call neither accepts fails to compile (and a call only one
 * of them sends correctly shows in the wire comparison).
 */
type BothAuth = SdkDb['auth'] & GenDb['auth'];
function authCase(name: string, call: (auth: BothAuth) => Promise<unknown>, extra: Partial<WireCase> = {}): WireCase {
  return { name, ...extra, official: (db) => call(db.auth as BothAuth), generated: (db) => call(db.auth as BothAuth) };
}

const auth: WireCase[] = [
  authCase('auth.createToken(email string)', (auth) => auth.createToken(EMAIL)),
  authCase('auth.createToken({ email })', (auth) => auth.createToken({ email: EMAIL })),
  authCase('auth.createToken({ id })', (auth) => auth.createToken({ id: U1 })),
  authCase('auth.verifyToken', (auth) => auth.verifyToken(REFRESH)),
  authCase('auth.verifyToken without an admin token', (auth) => auth.verifyToken(REFRESH), { noAdminToken: true }),
  authCase('auth.getUser({ email }) form-encodes the value', (auth) => auth.getUser({ email: 'a+b@c.d' })),
  authCase('auth.getUser({ id })', (auth) => auth.getUser({ id: U1 })),
  authCase('auth.getUser({ refresh_token })', (auth) => auth.getUser({ refresh_token: REFRESH })),
  authCase('auth.deleteUser({ email })', (auth) => auth.deleteUser({ email: 'name with space&x=1@example.com' })),
  authCase('auth.deleteUser({ id })', (auth) => auth.deleteUser({ id: U1 })),
  authCase('auth.deleteUser({ refresh_token })', (auth) => auth.deleteUser({ refresh_token: REFRESH })),
  authCase('auth.signOut(email string)', (auth) => auth.signOut(EMAIL)),
  authCase('auth.signOut({ email })', (auth) => auth.signOut({ email: EMAIL })),
  authCase('auth.signOut({ id })', (auth) => auth.signOut({ id: U1 })),
  authCase('auth.signOut({ refresh_token })', (auth) => auth.signOut({ refresh_token: REFRESH })),
  authCase('auth.generateMagicCode', (auth) => auth.generateMagicCode(EMAIL)),
  authCase('auth.sendMagicCode', (auth) => auth.sendMagicCode(EMAIL)),
  authCase('auth.verifyMagicCode', (auth) => auth.verifyMagicCode(EMAIL, '123456')),
  authCase('auth.checkMagicCode without extraFields (no extra-fields key)', (auth) => auth.checkMagicCode(EMAIL, '123456')),
  // The SDK's createToken sends its argument as the body (client/packages/admin/src/index.ts `createToken`),
  // so passing it the `extra-fields` key server/src/instant/admin/routes.clj `refresh-tokens-post` reads is
  // the SDK's way to send them; the generated client spells it `{ extraFields }`.
  {
    name: 'auth.createToken(email, { extraFields }) sends extra-fields after the email',
    official: (db) => db.auth.createToken({ email: EMAIL, 'extra-fields': { nickname: 'ari' } } as never),
    generated: (db) => db.auth.createToken(EMAIL, { extraFields: { nickname: 'ari' } }),
  },
  {
    name: 'auth.createToken({ id }, { extraFields })',
    official: (db) => db.auth.createToken({ id: U1, 'extra-fields': { nickname: 'ari' } } as never),
    generated: (db) => db.auth.createToken({ id: U1 }, { extraFields: { nickname: 'ari' } }),
  },
  authCase('auth.checkMagicCode with extraFields', (auth) => auth.checkMagicCode(EMAIL, '123456', { extraFields: { type: 'user', imageURL: 'https://example.com/a.png' } })),
];

export const CASES: readonly WireCase[] = [...queries, ...transactions, ...impersonation, ...debug, ...auth];
