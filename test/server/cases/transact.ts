// InstaML conformance cases (semantics.md §3 and §6 cases 36-54).

import { id, lookup } from '@instantdb/admin';
import { expect } from 'vitest';
import { sorted, type AdminDbLike, type ConformanceCase } from '../../support/conformance.js';
import { pluck } from './fixtures.js';

/** A chunk with hand-written steps, to send what the builder cannot express. */
const rawChunk = (...ops: unknown[][]) => ({ __ops: ops });

const validation = (message?: string | RegExp, hint?: unknown) => ({
  error: { status: 400, type: 'validation-failed', ...(message ? { message } : {}), ...(hint ? { hint } : {}) },
});

const titles = async (db: AdminDbLike, ns: string, field = 'title') => sorted(pluck((await db.query({ [ns]: {} }))[ns], field) as string[]);

export const TRANSACT_CASES: ConformanceCase[] = [
  {
    name: 'update returns a numeric tx-id',
    covers: ['semantics 36', 'wire 4.2'],
    fixture: 'todo',
    run: (db) => db.transact(db.tx.goals[id()].update({ title: 'moop' })),
    expect: { check: (r) => expect(typeof r['tx-id']).toBe('number') },
  },
  {
    name: 'tx-ids increase',
    covers: ['semantics 3.6'],
    fixture: 'todo',
    run: async (db) => {
      const a = await db.transact(db.tx.goals[id()].update({ title: 'a' }));
      const b = await db.transact(db.tx.goals[id()].update({ title: 'b' }));
      return b['tx-id'] > a['tx-id'];
    },
    expect: { result: true },
  },
  {
    name: 'unknown action',
    covers: ['semantics 37'],
    fixture: 'todo',
    client: 'unchecked',
    run: (db) => db.transact(rawChunk(['updatez', 'goals', id(), { title: 'x' }])),
    expect: validation('Validation failed for steps'),
  },
  {
    name: 'missing attrs are rejected with throw-on-missing-attrs?',
    covers: ['semantics 38', 'semantics 3.4'],
    fixture: 'todo',
    client: 'unchecked',
    run: (db) => db.transact(db.tx.goals[id()].update({ myFavoriteColor: 'purple' })),
    expect: validation('Validation failed for steps: Attributes are missing in your schema', {
      errors: [{ hint: { attributes: ['goals.myFavoriteColor'] } }],
    }),
  },
  {
    name: 'missing attrs are created without a schema',
    covers: ['semantics 3.4'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      const g = id();
      await db.transact(db.tx.goals[g].update({ title: 'auto', nested: { a: [1, 2] } }));
      return (await db.query({ goals: {} })).goals;
    },
    expect: { check: (goals) => expect(goals).toEqual([{ id: expect.any(String), title: 'auto', nested: { a: [1, 2] } }]) },
  },
  {
    name: 'an id inside the attrs is ignored',
    covers: ['semantics 39'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      const x = id();
      await db.transact(rawChunk(['update', 'items', x, { id: id(), name: 'book' }]));
      return [x, (await db.query({ items: {} })).items];
    },
    expect: { check: ([x, items]) => expect(items).toEqual([{ id: x, name: 'book' }]) },
  },
  {
    name: 'a non-string etype',
    covers: ['semantics 40'],
    fixture: 'todo',
    client: 'unchecked',
    run: (db) => db.transact(rawChunk(['update', 1, id(), { title: 'x' }])),
    expect: validation('Validation failed for steps', { errors: [{ expected: 'string?', in: [0, 1] }] }),
  },
  {
    name: 'non-object attrs',
    covers: ['semantics 40'],
    fixture: 'todo',
    client: 'unchecked',
    run: (db) => db.transact(rawChunk(['update', 'goals', id(), 2])),
    expect: validation('Validation failed for steps', { errors: [{ expected: 'map?', in: [0, 3] }] }),
  },
  {
    name: 'lookup on a non-unique attr',
    covers: ['semantics 41'],
    fixture: 'todo',
    client: 'unchecked',
    run: (db) => db.transact(rawChunk(['update', 'todos', ['title', 'test'], {}])),
    expect: validation('Validation failed for lookup: title is not a unique attribute on todos'),
  },
  {
    name: 'dotted lookup other than <link>.id',
    covers: ['semantics 41'],
    fixture: 'todo',
    client: 'plain',
    run: (db) => db.transact(rawChunk(['update', 'goals', ['test.isbn', 'asdf'], {}])),
    expect: validation('Validation failed for lookup: test.isbn is not a valid lookup attribute.'),
  },
  {
    name: 'unparsable lookup string in a link',
    covers: ['semantics 41'],
    fixture: 'todo',
    client: 'unchecked',
    run: (db, ctx) => db.transact(rawChunk(['link', 'goals', ctx.ids.fit, { todos: 'lookup__linkOn__undefined' }])),
    expect: validation('Validation failed for lookup: lookup value is invalid', {
      errors: [{ hint: { attribute: 'linkOn', value: 'undefined' } }],
    }),
  },
  {
    name: 'entity ids must be uuids or lookups',
    covers: ['semantics 42'],
    fixture: 'todo',
    client: 'unchecked',
    run: (db) => db.transact(rawChunk(['delete', 'goals', 12345, null])),
    expect: validation(
      "Validation failed for steps: Invalid entity ID '12345'. Entity IDs must be UUIDs or lookup references.",
      { errors: [{ in: [0, 2] }] },
    ),
  },
  {
    name: 'update through a new lookup creates the attr and the entity',
    covers: ['semantics 43'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      await db.transact(db.tx.users[lookup('handle', 'stopa')].update({ name: 'Stepan' }));
      await db.transact(db.tx.users[lookup('handle', 'stopa')].update({ age: 30 }));
      return (await db.query({ users: { $: { where: { handle: 'stopa' } } } })).users.map((u: any) => [u.handle, u.name, u.age]);
    },
    expect: { result: [['stopa', 'Stepan', 30]] },
  },
  {
    name: 'changing the lookup attr through a lookup that finds nothing',
    covers: ['semantics 43'],
    fixture: 'empty',
    client: 'plain',
    run: (db) => db.transact(db.tx.users[lookup('handle', 'stopa')].update({ handle: 'stopa2' })),
    expect: validation(
      'Validation failed for lookup: Updates with lookups can only update the lookup attribute if an entity with the unique attribute value already exists.',
    ),
  },
  {
    name: 'changing the lookup attr of an existing entity',
    covers: ['semantics 43'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      await db.transact(db.tx.users[lookup('handle', 'stopa')].update({ name: 'S' }));
      await db.transact(db.tx.users[lookup('handle', 'stopa')].update({ handle: 'stopa2' }));
      return titles(db, 'users', 'handle');
    },
    expect: { result: ['stopa2'] },
  },
  {
    name: '<link>.id lookups create and link the entity',
    covers: ['semantics 44'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      await db.transact(db.tx.users[lookup('handle', 'stopa')].update({ name: 'Stepan' }));
      const stopa = (await db.query({ users: {} })).users[0].id;
      await db.transact(rawChunk(['update', 'user_prefs', ['users.id', stopa], { pref_b: 'pref_b_value' }]));
      await db.transact(rawChunk(['update', 'user_prefs', ['users.id', stopa], { pref_c: 'c' }]));
      const r = await db.query({ users: { $: { where: { handle: 'stopa' } }, user_prefs: {} } });
      return r.users[0].user_prefs.map((p: any) => [p.pref_b, p.pref_c]);
    },
    expect: { result: [['pref_b_value', 'c']] },
  },
  {
    name: 'link from a new lookup creates the source entity',
    covers: ['semantics 45'],
    fixture: 'zeneca',
    run: async (db, ctx) => {
      await db.transact(db.tx.users[lookup('handle', 'bobby_newuser')].link({ bookshelves: ctx.ids.shortStories }));
      const r = await db.query({ users: { $: { where: { handle: 'bobby_newuser' } }, bookshelves: {} } });
      return r.users.map((u: any) => [u.handle, pluck(u.bookshelves, 'title')]);
    },
    expect: { result: [['bobby_newuser', ['Short Stories']]] },
  },
  {
    name: 'unlink from a new lookup also creates the source entity',
    covers: ['semantics 45'],
    fixture: 'zeneca',
    run: async (db, ctx) => {
      await db.transact(db.tx.users[lookup('handle', 'unlinker')].unlink({ bookshelves: ctx.ids.shortStories }));
      return (await db.query({ users: { $: { where: { handle: 'unlinker' } } } })).users.length;
    },
    expect: { result: 1 },
  },
  {
    name: 'link and unlink several targets at once',
    covers: ['semantics 46'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      const [u, b1, b2, b3] = [id(), id(), id(), id()];
      await db.transact([
        db.tx.users[u].update({ handle: 'u' }),
        ...[b1, b2, b3].map((b, n) => db.tx.bookshelves[b].update({ title: `b${n + 1}` })),
      ]);
      await db.transact(db.tx.users[u].link({ bookshelves: [b1, b2] }));
      await db.transact([db.tx.users[u].unlink({ bookshelves: [b1, b2] }), db.tx.users[u].link({ bookshelves: [b3] })]);
      return pluck((await db.query({ users: { bookshelves: {} } })).users[0].bookshelves, 'title');
    },
    expect: { result: ['b3'] },
  },
  {
    name: 'create then link without update',
    covers: ['semantics 47'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      const [u, t] = [id(), id()];
      await db.transact([db.tx.users[u].create({}), db.tx.tasks[t].create({})]);
      await db.transact(db.tx.users[u].link({ tasks: t }));
      const r = await db.query({ users: { $: { where: { id: u } }, tasks: {} } });
      return [r.users[0].tasks.map((x: any) => x.id), t];
    },
    expect: { check: ([tasks, t]) => expect(tasks).toEqual([t]) },
  },
  {
    name: 'create over an existing entity fails',
    covers: ['semantics 48'],
    fixture: 'todo',
    run: (db, ctx) => db.transact(db.tx.goals[ctx.ids.fit].create({ title: 'again' })),
    expect: validation(/^Validation failed for tx-step: Creating entities that exist: /),
  },
  {
    name: 'create over an existing lookup fails',
    covers: ['semantics 48'],
    fixture: 'todo',
    run: (db) => db.transact(db.tx.owners[lookup('name', 'alice')].create({})),
    expect: validation(/Creating entities that exist/),
  },
  {
    name: 'update with upsert: false on a missing entity fails',
    covers: ['semantics 48'],
    fixture: 'todo',
    run: (db) => db.transact(db.tx.goals[id()].update({ title: 'x' }, { upsert: false })),
    expect: validation(/^Validation failed for tx-step: Updating entities that don't exist: /),
  },
  {
    name: 'create of a new entity and strict update of an existing one succeed',
    covers: ['semantics 48'],
    fixture: 'todo',
    run: async (db, ctx) => {
      const g = id();
      await db.transact([
        db.tx.goals[g].create({ title: 'created' }),
        db.tx.goals[ctx.ids.fit].update({ title: 'Get fitter' }, { upsert: false }),
        db.tx.owners[lookup('name', 'bob')].create({}),
      ]);
      return [await titles(db, 'goals'), await titles(db, 'owners', 'name')];
    },
    expect: { result: [['Get fitter', 'Read more', 'created'], ['alice', 'bob']] },
  },
  {
    name: 'merge with upsert: false on a missing entity fails',
    covers: ['semantics 48'],
    fixture: 'todo',
    run: (db) => db.transact(db.tx.goals[id()].merge({ title: 'x' }, { upsert: false })),
    expect: validation(/Updating entities that don't exist/),
  },
  {
    name: 'unique violation',
    covers: ['semantics 49'],
    fixture: 'zeneca',
    run: async (db) => {
      await db.transact(db.tx.users[id()].update({ handle: 'a1', email: 'test2@instantdb.com' }));
      return db.transact(db.tx.users[id()].update({ handle: 'a2', email: 'test2@instantdb.com' }));
    },
    expect: {
      error: {
        status: 400,
        type: 'record-not-unique',
        message: '`email` is a unique attribute on `users` and an entity already exists with `users.email` = "test2@instantdb.com"',
        hint: { etype: 'users', label: 'email', value: '"test2@instantdb.com"' },
      },
    },
  },
  {
    name: 'checked type violation',
    covers: ['semantics 50'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.transact(db.tx.users[id()].update({ handle: 'typed', email: 10 })),
    expect: validation('Invalid value type for users.email. Value must be a string but the provided value type is number.', {
      namespace: 'users',
      attribute: 'email',
      value: 10,
      'checked-data-type': 'string',
    }),
  },
  {
    name: 'dates accept ms and date strings, and reject other strings',
    covers: ['semantics 3.5'],
    fixture: 'checked',
    client: 'unchecked',
    run: async (db) => {
      await db.transact(db.tx.etype[id()].update({ date: '2025-01-01T00:00:00Z', number: 7 }));
      await db.transact(db.tx.etype[id()].update({ date: new Date(86_400_000), number: 8 }));
      const r = await db.query({ etype: { $: { where: { date: { $gte: '1970-01-02' } } } } });
      const ok = sorted(pluck(r.etype, 'number') as number[], (n) => String(n));
      const err = await db.transact(db.tx.etype[id()].update({ date: 'not a date' })).catch((e: any) => e.body.message);
      return [ok, err];
    },
    expect: {
      result: [[7, 8], 'Invalid value type for etype.date. Value must be a date but the provided value type is string.'],
    },
  },
  {
    name: 'merge sequences follow deep-merge rules',
    covers: ['semantics 51'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      const [a, b, c, d, e] = [id(), id(), id(), id(), id()];
      await db.transact([
        db.tx.pets[a].update({ info: { id: '1' } }),
        db.tx.pets[b].update({ info: 'a' }),
        db.tx.pets[c].update({ info: { a: {} } }),
        db.tx.pets[d].update({ info: { a: { b1: { c1: 0 }, b2: 2 } } }),
        db.tx.pets[e].update({ info: { details: { name: 'x', occupation: 'Programmer' } } }),
      ]);
      await db.transact([
        db.tx.pets[a].merge({ info: { name: 'Patchy' } }),
        db.tx.pets[b].merge({ info: { name: 'Patchy' } }),
        db.tx.pets[c].merge({ info: { a: 'x' } }),
        db.tx.pets[d].merge({ info: { a: { b1: { c2: 1 }, b3: 3 } } }),
        db.tx.pets[e].merge({ info: { details: { name: null } } }),
      ]);
      const r = await db.query({ pets: {} });
      const byId = Object.fromEntries(r.pets.map((p: any) => [p.id, p.info]));
      return [a, b, c, d, e].map((x) => byId[x]);
    },
    expect: {
      result: [
        { id: '1', name: 'Patchy' },
        { name: 'Patchy' },
        { a: 'x' },
        { a: { b1: { c1: 0, c2: 1 }, b2: 2, b3: 3 } },
        { details: { occupation: 'Programmer' } },
      ],
    },
  },
  {
    name: 'merges in one transaction apply in order; a scalar replaces an object',
    covers: ['semantics 51'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      const p = id();
      await db.transact([
        db.tx.pets[p].merge({ info: { a: 1 } }),
        db.tx.pets[p].merge({ info: { b: 2 } }),
        db.tx.pets[p].merge({ other: { x: 1 } }),
      ]);
      await db.transact(db.tx.pets[p].merge({ other: '123' }));
      const pet = (await db.query({ pets: {} })).pets[0];
      return [pet.info, pet.other];
    },
    expect: { result: [{ a: 1, b: 2 }, '123'] },
  },
  {
    name: 'merge into a link is not supported',
    covers: ['semantics 3.2'],
    fixture: 'todo',
    client: 'unchecked',
    run: (db, ctx) => db.transact(rawChunk(['merge', 'goals', ctx.ids.fit, { owner: { name: 'x' } }])),
    expect: { error: { status: 400, type: 'sql-raise', message: /merge operation is not supported for links/ } },
  },
  {
    name: 'required attrs are enforced on create',
    covers: ['semantics 52'],
    fixture: 'todo',
    client: 'unchecked',
    run: async (db) => {
      const g = id();
      const message = await db.transact(db.tx.goals[g].update({ priority: 3 })).catch((e: any) => e.body.message);
      return message === `Missing required attribute \`goals/title\`: ${g}`;
    },
    expect: { result: true },
  },
  {
    name: 'retracting a required value fails, deleting the entity is fine',
    covers: ['semantics 52'],
    fixture: 'todo',
    client: 'unchecked',
    run: async (db, ctx) => {
      const err = await db.transact(db.tx.goals[ctx.ids.read].update({ title: null })).catch((e: any) => e.body.type);
      await db.transact(db.tx.goals[ctx.ids.read].delete());
      return [err, await titles(db, 'goals')];
    },
    expect: { result: ['validation-failed', ['Get fit']] },
  },
  {
    name: 'deleting the target of a required link fails',
    covers: ['semantics 52'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      const [b, a] = [id(), id()];
      // Without a schema the link would be auto-created optional, so declare required attrs by hand.
      await db.transact(
        rawChunk(
          ['add-attr', { id: id(), 'forward-identity': [id(), 'book', 'title'], 'value-type': 'blob', cardinality: 'one', 'unique?': false, 'index?': false, 'required?': true }],
          ['add-attr', { id: id(), 'forward-identity': [id(), 'book', 'author'], 'reverse-identity': [id(), 'author', 'books'], 'value-type': 'ref', cardinality: 'one', 'unique?': false, 'index?': false, 'required?': true }],
        ),
      );
      await db.transact([db.tx.author[a].update({ name: 'A' }), db.tx.book[b].update({ title: 'B' }), db.tx.book[b].link({ author: a })]);
      const err = await db.transact(db.tx.author[a].delete()).catch((e: any) => e.body.message);
      return err === `Missing required attribute \`book/author\`: ${b}`;
    },
    expect: { result: true },
  },
  {
    name: 'delete removes the entity and links pointing to it',
    covers: ['semantics 53'],
    fixture: 'zeneca',
    run: async (db, ctx) => {
      await db.transact(db.tx.bookshelves[ctx.ids.shortStories].delete());
      const r = await db.query({ users: { $: { where: { handle: 'alex' } }, bookshelves: {} } });
      return pluck(r.users[0].bookshelves, 'title');
    },
    expect: { result: ['Nonfiction'] },
  },
  {
    name: 'deleting a missing entity or lookup is a no-op',
    covers: ['semantics 3.2'],
    fixture: 'todo',
    run: async (db) => {
      await db.transact([db.tx.goals[id()].delete(), db.tx.owners[lookup('name', 'nobody')].delete()]);
      return titles(db, 'goals');
    },
    expect: { result: ['Get fit', 'Read more'] },
  },
  {
    name: 'delete through a lookup',
    covers: ['semantics 3.1', 'wire 6'],
    fixture: 'todo',
    run: async (db) => {
      await db.transact(db.tx.owners[lookup('name', 'alice')].delete());
      return (await db.query({ owners: {} })).owners;
    },
    expect: { result: [] },
  },
  {
    name: 'update then delete deletes',
    covers: ['semantics 54'],
    fixture: 'todo',
    run: async (db) => {
      const x = id();
      await db.transact([db.tx.goals[x].update({ title: 'X' }), db.tx.goals[x].delete()]);
      return titles(db, 'goals');
    },
    expect: { result: ['Get fit', 'Read more'] },
  },
  {
    name: 'delete then update keeps the entity (op groups run in first-appearance order)',
    covers: ['semantics 54', 'semantics 3.3'],
    fixture: 'todo',
    run: async (db, ctx) => {
      await db.transact([db.tx.goals[ctx.ids.read].delete(), db.tx.goals[ctx.ids.read].update({ title: 'Read again' })]);
      return titles(db, 'goals');
    },
    expect: { result: ['Get fit', 'Read again'] },
  },
  {
    name: 'delete, update, delete keeps the entity',
    covers: ['semantics 54'],
    fixture: 'todo',
    run: async (db) => {
      const x = id();
      await db.transact(db.tx.goals[x].update({ title: 'X' }));
      await db.transact([db.tx.goals[x].delete(), db.tx.goals[x].update({ title: 'X2' }), db.tx.goals[x].delete()]);
      return titles(db, 'goals');
    },
    expect: { result: ['Get fit', 'Read more', 'X2'] },
  },
  {
    name: 'onDelete cascade deletes the owners of the link',
    covers: ['semantics 3.2'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      const [post, c1, c2] = [id(), id(), id()];
      await db.transact(
        rawChunk([
          'add-attr',
          { id: id(), 'forward-identity': [id(), 'comments', 'post'], 'reverse-identity': [id(), 'posts', 'comments'], 'value-type': 'ref', cardinality: 'one', 'unique?': false, 'index?': false, 'on-delete': 'cascade' },
        ]),
      );
      await db.transact([
        db.tx.posts[post].update({ title: 'p' }),
        db.tx.comments[c1].update({ text: 'c1' }),
        db.tx.comments[c2].update({ text: 'c2' }),
        db.tx.comments[c1].link({ post }),
        db.tx.comments[c2].link({ post }),
      ]);
      await db.transact(db.tx.posts[post].delete());
      return (await db.query({ comments: {} })).comments;
    },
    expect: { result: [] },
  },
  {
    name: 'onDelete cascade on the reverse side deletes the targets',
    covers: ['semantics 3.2'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      const [owner, pet] = [id(), id()];
      await db.transact(
        rawChunk([
          'add-attr',
          { id: id(), 'forward-identity': [id(), 'owners', 'pet'], 'reverse-identity': [id(), 'pets', 'owner'], 'value-type': 'ref', cardinality: 'one', 'unique?': true, 'index?': false, 'on-delete-reverse': 'cascade' },
        ]),
      );
      await db.transact([db.tx.owners[owner].update({ name: 'o' }), db.tx.pets[pet].update({ name: 'p' }), db.tx.owners[owner].link({ pet })]);
      await db.transact(db.tx.owners[owner].delete());
      return (await db.query({ pets: {} })).pets;
    },
    expect: { result: [] },
  },
  {
    name: 'linking a has-one link again replaces the target',
    covers: ['semantics 3.2'],
    fixture: 'todo',
    run: async (db, ctx) => {
      const bob = id();
      await db.transact(db.tx.owners[bob].update({ name: 'bob' }));
      await db.transact(db.tx.goals[ctx.ids.fit].link({ owner: bob }));
      const r = await db.query({ goals: { $: { where: { title: 'Get fit' } }, owner: {} } });
      return r.goals[0].owner.name;
    },
    expect: { result: 'bob' },
  },
  {
    name: 'a has-one reverse side is unique',
    covers: ['semantics 3.2'],
    fixture: 'todo',
    run: (db, ctx) => db.transact(db.tx.goals[ctx.ids.read].link({ todos: ctx.ids.run })),
    expect: { error: { status: 400, type: 'record-not-unique', message: /^`todos` is a unique attribute on `goals`/ } },
  },
  {
    name: 'link through the reverse label',
    covers: ['semantics 3.2'],
    fixture: 'todo',
    run: async (db, ctx) => {
      const t = id();
      await db.transact([db.tx.todos[t].update({ title: 'stretch' }), db.tx.todos[t].link({ goal: ctx.ids.read })]);
      const r = await db.query({ goals: { $: { where: { title: 'Read more' } }, todos: {} } });
      return sorted(pluck(r.goals[0].todos, 'title') as string[]);
    },
    expect: { result: ['read a book', 'stretch'] },
  },
  {
    name: 'lookups as link targets (string and object forms) and an id lookup',
    covers: ['semantics 3.1', 'wire 5.2'],
    fixture: 'todo',
    client: 'unchecked',
    run: async (db) => {
      const [g1, g2, g3] = [id(), id(), id()];
      await db.transact([
        db.tx.goals[g1].update({ title: 'g1' }),
        db.tx.goals[g2].update({ title: 'g2' }),
        db.tx.goals[g3].update({ title: 'g3' }),
      ]);
      await db.transact([
        db.tx.goals[g1].link({ owner: lookup('name', 'alice') }),
        rawChunk(['link', 'goals', g2, { owner: { name: 'alice' } }]),
        rawChunk(['update', 'goals', ['id', g3], { title: 'g3 via id lookup' }]),
      ]);
      const r = await db.query({ owners: { goals: {} } });
      return [sorted(pluck(r.owners[0].goals, 'title') as string[]), await titles(db, 'goals')];
    },
    expect: { result: [['Get fit', 'g1', 'g2'], ['Get fit', 'Read more', 'g1', 'g2', 'g3 via id lookup']] },
  },
  {
    name: 'lookups in entity position, in all three encodings',
    covers: ['semantics 3.1', 'wire 5.2'],
    fixture: 'todo',
    client: 'unchecked',
    run: async (db) => {
      await db.transact([
        rawChunk(['update', 'owners', ['name', 'alice'], { name: 'alice' }]),
        rawChunk(['update', 'owners', { name: 'bob' }, {}]),
        rawChunk(['update', 'owners', 'lookup__name__"carol"', {}]),
      ]);
      return titles(db, 'owners', 'name');
    },
    expect: { result: ['alice', 'bob', 'carol'] },
  },
  {
    name: 'an object lookup needs exactly one key',
    covers: ['semantics 3.1'],
    fixture: 'todo',
    client: 'unchecked',
    run: (db) => db.transact(rawChunk(['update', 'owners', { name: 'bob', other: 1 }, {}])),
    expect: validation('Validation failed for lookup: lookup must be an object with a single unique attr and value.'),
  },
  {
    name: 'a [attr, value] pair as a link value is read as two ids (as in Instant)',
    covers: ['semantics 3.1'],
    fixture: 'todo',
    client: 'unchecked',
    run: (db, ctx) => db.transact(rawChunk(['link', 'goals', ctx.ids.read, { owner: ['name', 'alice'] }])),
    expect: validation('Linked value must be a valid uuid.'),
  },
  {
    name: 'an id lookup needs a uuid value',
    covers: ['semantics 3.1'],
    fixture: 'todo',
    client: 'unchecked',
    run: (db) => db.transact(rawChunk(['update', 'goals', ['id', 'nope'], { title: 'x' }])),
    expect: validation(/^Validation failed for tx-steps: Invalid lookup '\[#uuid "[0-9a-f-]+" "nope"\]'. The lookup attribute is 'goals.id', but the lookup value is not a valid UUID.$/),
  },
  {
    name: 'a link target lookup that finds nothing',
    covers: ['semantics 3.2'],
    fixture: 'todo',
    run: (db, ctx) => db.transact(db.tx.goals[ctx.ids.read].link({ owner: lookup('name', 'nobody') })),
    expect: validation('Validation failed for lookup: The entity for the lookup does not exist.'),
  },
  {
    name: 'a link target lookup created earlier in the same transaction',
    covers: ['semantics 3.2'],
    fixture: 'todo',
    run: async (db, ctx) => {
      await db.transact([
        db.tx.owners[lookup('name', 'carol')].update({}),
        db.tx.goals[ctx.ids.read].link({ owner: lookup('name', 'carol') }),
      ]);
      const r = await db.query({ goals: { $: { where: { title: 'Read more' } }, owner: {} } });
      return r.goals[0].owner.name;
    },
    expect: { result: 'carol' },
  },
  {
    // Instant runs each op group as one INSERT (triple.clj `insert-multi!`): entity-position lookups are
    // upserted first, so they count for the whole group, whatever the order of the steps.
    name: 'a link target lookup created through the same lookup later in the transaction',
    covers: ['semantics 3.2', 'semantics 3.3'],
    fixture: 'todo',
    run: async (db, ctx) => {
      await db.transact([
        db.tx.goals[ctx.ids.read].link({ owner: lookup('name', 'dave') }),
        db.tx.owners[lookup('name', 'dave')].update({}),
      ]);
      const r = await db.query({ goals: { $: { where: { title: 'Read more' } }, owner: {} } });
      return r.goals[0].owner.name;
    },
    expect: { result: 'dave' },
  },
  {
    // The shape of examples/todo.ts before its fix. In that same INSERT, a value lookup reads the data as
    // it was before the statement (plus the entity-position lookups above): a unique value written by
    // another step with a plain id is not seen yet, and the whole transaction is rejected.
    name: 'a link target lookup does not see a unique value another step of the transaction writes',
    covers: ['semantics 3.2'],
    fixture: 'todo',
    run: async (db, ctx) => {
      const error = await db
        .transact([
          db.tx.owners[id()].create({ name: 'carol' }),
          db.tx.goals[ctx.ids.read].link({ owner: lookup('name', 'carol') }),
        ])
        .then(
          () => 'committed',
          (e: any) => [e.status, e.body?.type, e.body?.message, e.body?.hint?.input],
        );
      return [error, await titles(db, 'owners', 'name')];
    },
    expect: {
      result: [
        [
          400,
          'validation-failed',
          'Validation failed for lookup: The entity for the lookup does not exist.',
          { 'attribute-id': expect.any(String), namespace: 'owners', label: 'name', value: 'carol' },
        ],
        ['alice'],
      ],
    },
  },
  {
    name: 'linked values must be uuids',
    covers: ['semantics 3.2'],
    fixture: 'todo',
    client: 'unchecked',
    run: (db, ctx) => db.transact(rawChunk(['update', 'goals', ctx.ids.read, { owner: 'not-a-uuid' }])),
    expect: validation('Linked value must be a valid uuid.'),
  },
  {
    name: 'ruleParams steps write nothing',
    covers: ['semantics 3.2', 'wire 6'],
    fixture: 'todo',
    run: async (db, ctx) => {
      await db.transact(db.tx.goals[ctx.ids.fit].ruleParams({ knownId: ctx.ids.fit }).update({ title: 'rp' }));
      return titles(db, 'goals');
    },
    expect: { result: ['Read more', 'rp'] },
  },
  {
    name: 'a failing step rolls back the whole transaction',
    covers: ['semantics 3.3'],
    fixture: 'zeneca',
    run: async (db) => {
      const err = await db
        .transact([
          db.tx.books[id()].update({ title: 'first' }),
          db.tx.books[id()].update({ title: 'second' }),
          db.tx.users[id()].update({ handle: 'stopa' }),
        ])
        .catch((e: any) => e.body.type);
      const books = await db.query({ books: { $: { where: { title: { $in: ['first', 'second'] } } } } });
      return [err, books.books.length];
    },
    expect: { result: ['record-not-unique', 0] },
  },
  {
    name: 'a [attr, value] array stored into a data attr is kept literally',
    covers: ['semantics 3.7'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      await db.transact(db.tx.things[id()].update({ pair: ['handle', 'x'] }));
      return (await db.query({ things: {} })).things[0].pair;
    },
    expect: { result: ['handle', 'x'] },
  },
  {
    name: 'the same uuid can be an entity in two namespaces',
    covers: ['semantics 0'],
    fixture: 'empty',
    client: 'plain',
    run: async (db) => {
      const x = id();
      await db.transact([db.tx.cats[x].update({ name: 'cat' }), db.tx.dogs[x].update({ name: 'dog' })]);
      await db.transact(db.tx.cats[x].delete());
      return [(await db.query({ cats: {} })).cats.length, pluck((await db.query({ dogs: {} })).dogs, 'name')];
    },
    expect: { result: [0, ['dog']] },
  },
];
