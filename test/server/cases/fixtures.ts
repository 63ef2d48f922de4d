// Fixtures for the conformance cases: a schema per fixture and a builder that writes the data through
// the client (so the fixture itself exercises transact). Ids are random per run; builders return them
// by name.

import { i, id } from '@instantdb/admin';
import type { AdminDbLike } from '../../support/conformance.js';

export interface Fixture {
  schema: any;
  build(db: AdminDbLike): Promise<Record<string, string>>;
}

const empty = i.schema({ entities: {} });

// ---- zeneca: users, bookshelves, books (the server test suite's sample app, rebuilt smaller) ----

const zenecaSchema = i.schema({
  entities: {
    users: i.entity({
      handle: i.string().unique().indexed(),
      fullName: i.string().optional(),
      email: i.string().unique().indexed().optional(),
    }),
    bookshelves: i.entity({
      title: i.string(),
      order: i.number().indexed().optional(),
    }),
    books: i.entity({
      title: i.string().indexed(),
      pageCount: i.number().indexed().optional(),
    }),
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
  },
});

export const ZENECA_USERS = [
  ['stopa', 'Stepan Parunashvili', 'stopa@instantdb.com'],
  ['joe', 'Joe Averbukh', 'joe@instantdb.com'],
  ['alex', 'Alex Kailas', 'alex@instantdb.com'],
  ['nicolegf', 'Nicole', 'nicole@instantdb.com'],
] as const;

const BOOKS: [string, string, number][] = [
  ['monteCristo', 'The Count of Monte Cristo', 1276],
  ['antifragile', 'Antifragile', 519],
  ['aesop', "Aesop's Fables", 200],
  ['catch22', 'Catch-22', 453],
  ['sapiens', 'Sapiens', 443],
];

/** [owner, shelf key, title, order, books] */
const SHELVES: [string, string, string, number, string[]][] = [
  ...Array.from({ length: 16 }, (_, n): [string, string, string, number, string[]] => [
    'stopa',
    `stopaShelf${n}`,
    `Stopa Shelf ${n}`,
    n,
    n === 0 ? ['monteCristo', 'antifragile'] : n === 1 ? ['sapiens'] : [],
  ]),
  ['joe', 'joeShelfA', 'Joe Shelf A', 0, ['antifragile']],
  ['joe', 'joeShelfB', 'Joe Shelf B', 1, ['catch22']],
  ['alex', 'shortStories', 'Short Stories', 0, ['aesop']],
  ['alex', 'nonfiction', 'Nonfiction', 1, ['sapiens']],
  ['nicolegf', 'nicoleClassics', 'Nicole Classics', 0, ['monteCristo']],
  ['nicolegf', 'nicoleEssays', 'Nicole Essays', 1, ['antifragile']],
];

async function buildZeneca(db: AdminDbLike): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  // One transaction per user: serverCreatedAt order is stopa, joe, alex, nicolegf.
  for (const [handle, fullName, email] of ZENECA_USERS) {
    ids[handle] = id();
    await db.transact(db.tx.users[ids[handle]].update({ handle, fullName, email }));
  }
  const chunks: unknown[] = [];
  for (const [key, title, pageCount] of BOOKS) {
    ids[key] = id();
    chunks.push(db.tx.books[ids[key]].update({ title, pageCount }));
  }
  for (const [owner, key, title, order, books] of SHELVES) {
    ids[key] = id();
    chunks.push(db.tx.bookshelves[ids[key]].update({ title, order }));
    chunks.push(db.tx.users[ids[owner]].link({ bookshelves: ids[key] }));
    if (books.length) chunks.push(db.tx.bookshelves[ids[key]].link({ books: books.map((b) => ids[b]) }));
  }
  await db.transact(chunks);
  return ids;
}

// ---- checked: typed attrs with values 0..4 (instaql_test `comparators`, `validations-on-checked-data`) ----

const checkedSchema = i.schema({
  entities: {
    etype: i.entity({
      string: i.string().indexed().optional(),
      number: i.number().indexed().optional(),
      date: i.date().indexed().optional(),
      boolean: i.boolean().indexed().optional(),
      label: i.string().optional(),
      unchecked: i.json().optional(),
      untyped: i.json().indexed().optional(),
      priority: i.number().optional(),
      plainDate: i.date().optional(),
    }),
  },
});

async function buildChecked(db: AdminDbLike): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (let n = 0; n < 5; n++) {
    ids[`e${n}`] = id();
    await db.transact(
      db.tx.etype[ids[`e${n}`]].update({
        string: String(n),
        number: n,
        date: n,
        boolean: n % 2 === 0,
        label: `label-${n}`,
        plainDate: n,
      }),
    );
  }
  return ids;
}

// ---- vals: a json attr holding 'a', 'b', null, or nothing (instaql_test `where-$not-with-nils`) ----

const valsSchema = i.schema({ entities: { books: i.entity({ title: i.string(), val: i.json().optional() }) } });

async function buildVals(db: AdminDbLike): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const rows: [string, Record<string, unknown>][] = [
    ['a', { title: 'a', val: 'a' }],
    ['b', { title: 'b', val: 'b' }],
    ['null', { title: 'null', val: null }],
    ['missing', { title: 'missing' }],
  ];
  for (const [key, attrs] of rows) {
    ids[key] = id();
    await db.transact(db.tx.books[ids[key]].update(attrs));
  }
  return ids;
}

// ---- links11: a one-to-one link fwd.rev ↔ rev.fwd with rev.prop (`where-$not-$isNull-with-links-1-to-1`) ----

const links11Schema = i.schema({
  entities: {
    fwd: i.entity({ name: i.string() }),
    rev: i.entity({ prop: i.json().optional() }),
  },
  links: {
    fwdRev: { forward: { on: 'fwd', has: 'one', label: 'rev' }, reverse: { on: 'rev', has: 'one', label: 'fwd' } },
  },
});

async function buildLinks11(db: AdminDbLike): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const rows: [string, Record<string, unknown> | undefined][] = [
    ['propA', { prop: 'a' }],
    ['propB', { prop: 'b' }],
    ['propNull', { prop: null }],
    ['propMissing', {}],
    ['noLink', undefined],
  ];
  for (const [name, rev] of rows) {
    ids[name] = id();
    const chunks: unknown[] = [db.tx.fwd[ids[name]].update({ name })];
    if (rev) {
      ids[`${name}Rev`] = id();
      chunks.push(db.tx.rev[ids[`${name}Rev`]].update(rev), db.tx.fwd[ids[name]].link({ rev: ids[`${name}Rev`] }));
    }
    await db.transact(chunks);
  }
  return ids;
}

// ---- todo: goals with a has-one owner and has-many todos (each todo has one goal) ----

const todoSchema = i.schema({
  entities: {
    goals: i.entity({ title: i.string(), priority: i.number().optional() }),
    todos: i.entity({ title: i.string().indexed(), done: i.boolean().optional() }),
    owners: i.entity({ name: i.string().unique().indexed() }),
  },
  links: {
    goalsTodos: {
      forward: { on: 'goals', has: 'many', label: 'todos' },
      reverse: { on: 'todos', has: 'one', label: 'goal' },
    },
    goalsOwner: {
      forward: { on: 'goals', has: 'one', label: 'owner' },
      reverse: { on: 'owners', has: 'many', label: 'goals' },
    },
  },
});

async function buildTodo(db: AdminDbLike): Promise<Record<string, string>> {
  const ids: Record<string, string> = { alice: id(), fit: id(), read: id(), run: id(), swim: id(), book: id() };
  await db.transact([db.tx.owners[ids.alice].update({ name: 'alice' })]);
  await db.transact([
    db.tx.goals[ids.fit].update({ title: 'Get fit', priority: 1 }),
    db.tx.goals[ids.fit].link({ owner: ids.alice, todos: [ids.run, ids.swim] }),
    db.tx.todos[ids.run].update({ title: 'run', done: true }),
    db.tx.todos[ids.swim].update({ title: 'swim', done: false }),
  ]);
  await db.transact([
    db.tx.goals[ids.read].update({ title: 'Read more' }),
    db.tx.todos[ids.book].update({ title: 'read a book' }),
    db.tx.goals[ids.read].link({ todos: ids.book }),
  ]);
  return ids;
}

// ---- users: custom `$users` attrs and a namespace linked to `$users` ----

const usersSchema = i.schema({
  entities: {
    $users: i.entity({ email: i.string().unique().indexed().optional(), username: i.string().optional() }),
    profiles: i.entity({ bio: i.string() }),
  },
  links: {
    profilesUser: {
      forward: { on: 'profiles', has: 'one', label: '$user' },
      reverse: { on: '$users', has: 'one', label: 'profile' },
    },
  },
});

export const FIXTURES: Record<string, Fixture> = {
  empty: { schema: empty, build: async () => ({}) },
  zeneca: { schema: zenecaSchema, build: buildZeneca },
  checked: { schema: checkedSchema, build: buildChecked },
  vals: { schema: valsSchema, build: buildVals },
  links11: { schema: links11Schema, build: buildLinks11 },
  todo: { schema: todoSchema, build: buildTodo },
  users: { schema: usersSchema, build: async () => ({}) },
};

/** Maps result rows to one of their fields, e.g. handles. */
export function pluck(rows: any[], field = 'handle'): unknown[] {
  return rows.map((r) => r[field]);
}

/** Maps ids back to fixture names (for comparing sets of entities). */
export function nameOf(ids: Record<string, string>, value: string): string {
  return Object.entries(ids).find(([, v]) => v === value)?.[0] ?? value;
}
