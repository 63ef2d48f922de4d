// Fixtures for the permission cases: the zeneca app with a `$users` record (and refresh token) per user,
// and a todo app owned by two users (alice, bob) with the rules a real app would have.

import { i, id } from '@instantdb/admin';
import type { AdminDbLike } from '../../support/conformance.js';
import { FIXTURES, ZENECA_USERS, type Fixture } from './fixtures.js';

// ---- zenecaAuth: zeneca's users, bookshelves and books; each `users` row has a `$users` account ----

const zenecaAuthSchema = i.schema({
  entities: {
    $users: i.entity({ email: i.string().unique().indexed().optional(), handle: i.string().optional() }),
    users: i.entity({
      handle: i.string().unique().indexed(),
      fullName: i.string().optional(),
      email: i.string().unique().indexed().optional(),
    }),
    bookshelves: i.entity({ title: i.string(), order: i.number().indexed().optional() }),
    books: i.entity({ title: i.string().indexed(), pageCount: i.number().indexed().optional() }),
  },
  links: {
    usersBookshelves: {
      forward: { on: 'users', has: 'many', label: 'bookshelves' },
      reverse: { on: 'bookshelves', has: 'many', label: 'users' },
    },
    bookshelvesBooks: {
      forward: { on: 'bookshelves', has: 'many', label: 'books' },
      reverse: { on: 'books', has: 'many', label: 'bookshelves' },
    },
    usersAccount: {
      forward: { on: 'users', has: 'one', label: '$user' },
      reverse: { on: '$users', has: 'one', label: 'user' },
    },
  },
});

/** ids: zeneca's, plus `<handle>User` ($users id) and `<handle>Token` (refresh token) per user. */
async function buildZenecaAuth(db: AdminDbLike): Promise<Record<string, string>> {
  const ids = await FIXTURES.zeneca.build(db);
  for (const [handle, , email] of ZENECA_USERS) {
    const token: string = await db.auth.createToken(email);
    const user = await db.auth.verifyToken(token);
    ids[`${handle}Token`] = token;
    ids[`${handle}User`] = user.id;
    await db.transact([db.tx.$users[user.id].update({ handle }), db.tx.users[ids[handle]].link({ $user: user.id })]);
  }
  return ids;
}

// ---- permsTodo: goals owned by alice or bob, todos belonging to a goal ----

const permsTodoSchema = i.schema({
  entities: {
    $users: i.entity({ email: i.string().unique().indexed().optional(), handle: i.string().optional() }),
    goals: i.entity({
      title: i.string().unique().indexed(),
      public: i.boolean().optional(),
      priority: i.number().optional(),
      shareToken: i.string().optional(),
      notes: i.json().optional(),
    }),
    todos: i.entity({ title: i.string().unique().indexed(), done: i.boolean().optional() }),
  },
  links: {
    goalsOwner: { forward: { on: 'goals', has: 'one', label: 'owner' }, reverse: { on: '$users', has: 'many', label: 'goals' } },
    goalsTodos: {
      forward: { on: 'goals', has: 'many', label: 'todos' },
      reverse: { on: 'todos', has: 'one', label: 'goal', onDelete: 'cascade' },
    },
  },
});

/**
 * alice owns "Get fit" (todos run, swim) and the public "Grow a garden" (no todos); bob owns "Read more"
 * (todo "read a book", share token "tok-123"); the todo "loose end" has no goal.
 */
async function buildPermsTodo(db: AdminDbLike): Promise<Record<string, string>> {
  const ids: Record<string, string> = { fit: id(), garden: id(), read: id(), run: id(), swim: id(), book: id(), loose: id() };
  for (const name of ['alice', 'bob']) {
    const token: string = await db.auth.createToken(`${name}@example.com`);
    ids[`${name}Token`] = token;
    ids[name] = (await db.auth.verifyToken(token)).id;
    await db.transact(db.tx.$users[ids[name]].update({ handle: name }));
  }
  await db.transact([
    db.tx.goals[ids.fit].update({ title: 'Get fit', priority: 1 }).link({ owner: ids.alice, todos: [ids.run, ids.swim] }),
    db.tx.todos[ids.run].update({ title: 'run', done: true }),
    db.tx.todos[ids.swim].update({ title: 'swim', done: false }),
  ]);
  await db.transact(db.tx.goals[ids.garden].update({ title: 'Grow a garden', public: true, priority: 2 }).link({ owner: ids.alice }));
  await db.transact([
    db.tx.goals[ids.read].update({ title: 'Read more', shareToken: 'tok-123' }).link({ owner: ids.bob, todos: ids.book }),
    db.tx.todos[ids.book].update({ title: 'read a book' }),
  ]);
  await db.transact(db.tx.todos[ids.loose].update({ title: 'loose end' }));
  return ids;
}

/** What a real todo app's instant.perms.ts says: owners see and change their goals, todos go with their goal. */
export const TODO_RULES = {
  goals: {
    bind: ['isOwner', "auth.id != null && auth.id in data.ref('owner.id')"],
    allow: { view: 'isOwner || data.public == true', create: 'isOwner', update: 'isOwner', delete: 'isOwner' },
  },
  todos: {
    bind: { isGoalOwner: "auth.id != null && auth.id in data.ref('goal.owner.id')" },
    allow: { view: 'isGoalOwner', create: 'isGoalOwner', update: 'isGoalOwner', delete: 'isGoalOwner' },
  },
};

export const PERMS_FIXTURES: Record<string, Fixture> = {
  zenecaAuth: { schema: zenecaAuthSchema, build: buildZenecaAuth },
  permsTodo: { schema: permsTodoSchema, build: buildPermsTodo },
};
