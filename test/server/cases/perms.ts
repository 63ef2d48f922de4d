// Permission rules (semantics.md §5 and §6 cases 60-70; wire-protocol §2, §3, §4.3, §4.4): queries and
// transactions as users and guests, the debug endpoints (`debugQuery`, `debugTransact`), rule validation.
// Each case names the rules its app runs with (`rules`); rules given to `debugQuery`/`debugTransact`
// travel as `rules-override`.

import { id, lookup } from '@instantdb/admin';
import { expect } from 'vitest';
import { sorted, type AdminDbLike, type CaseContext, type ConformanceCase } from '../../support/conformance.js';
import { pluck } from './fixtures.js';
import { TODO_RULES } from './permsFixtures.js';

const setOf = async (p: Promise<any>, ns: string, field: string) => sorted(pluck((await p)[ns], field) as string[]);
const handles = (p: Promise<any>) => setOf(p, 'users', 'handle');
const goalTitles = (p: Promise<any>) => setOf(p, 'goals', 'title');

/** 'ok', or the error's status and type. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: any) => `${e.status} ${e.body?.type}`,
  );

const guest = (db: AdminDbLike) => db.asUser({ guest: true });
const as = (db: AdminDbLike, ctx: CaseContext, name: string) => db.asUser({ token: ctx.ids[`${name}Token`] });

const denied = { error: { status: 400, type: 'permission-denied', message: 'Permission denied: not perms-pass?' } };
const deniedOn = (etype: string, scope = 'object') => ({
  error: { ...denied.error, hint: { input: [etype, scope], expected: 'perms-pass?' } },
});
const ruleError = (message: string, at: string[]) => ({
  error: { status: 400, type: 'validation-failed', message: `Validation failed for rule: ${message}`, hint: { 'data-type': 'rule', errors: [{ message, in: at }] } },
});
const txStepError = (message: string) => ({
  error: { status: 400, type: 'validation-failed', message: `Validation failed for tx-step: ${message}`, hint: { 'data-type': 'tx-step', errors: [{ message }] } },
});

/** transaction_test.clj `linked-data-perm`'s rules, on goals ↔ todos. */
const LINKED_DATA_RULES = {
  goals: { allow: { link: { todos: 'newData.title == linkedData.title' }, unlink: { todos: 'data.title == linkedData.title' } } },
  todos: { allow: { link: { goal: 'newData.title == linkedData.title' }, unlink: { goal: 'data.title == linkedData.title' } } },
};

const ALL_HANDLES = ['alex', 'joe', 'nicolegf', 'stopa'];

export const PERMS_CASES: ConformanceCase[] = [
  // ---- §6 case 60: rule lookup order ----
  {
    name: '$default rules: false at any level hides every user from a guest',
    covers: ['semantics 60', 'semantics 5.1'],
    fixture: 'zenecaAuth',
    run: async (db) => {
      const variants = [{ users: { allow: { $default: 'false' } } }, { $default: { allow: { view: 'false' } } }, { $default: { allow: { $default: 'false' } } }];
      return Promise.all(variants.map(async (rules) => handles(guest(db).debugQuery({ users: {} }, { rules }).then((r: any) => r.result))));
    },
    expect: { result: [[], [], []] },
  },
  {
    name: '$default rules: the most specific rule wins',
    covers: ['semantics 60', 'semantics 5.1'],
    fixture: 'zenecaAuth',
    run: async (db) => {
      const variants = [
        { users: { allow: { $default: 'false', view: 'true' } } },
        { $default: { allow: { view: 'false' } }, users: { allow: { view: 'true' } } },
        { $default: { allow: { $default: 'false' } }, users: { allow: { view: 'true' } } },
        { $default: { allow: { $default: 'false' } }, users: { allow: { $default: 'true' } } },
        { $default: { allow: { view: 'false' } }, users: { allow: { $default: 'true' } } },
        { $default: { allow: { $default: 'false', view: 'true' } } },
      ];
      return Promise.all(variants.map(async (rules) => handles(guest(db).debugQuery({ users: {} }, { rules }).then((r: any) => r.result))));
    },
    expect: { result: Array.from({ length: 6 }, () => ALL_HANDLES) },
  },
  {
    name: 'app rules: $default hides what has no rule of its own',
    covers: ['semantics 60', 'semantics 5.1'],
    fixture: 'zenecaAuth',
    rules: { $default: { allow: { view: 'false' } }, users: { allow: { view: 'true' } } },
    run: async (db) => {
      const r = await guest(db).query({ users: {}, bookshelves: {}, books: {} });
      return [sorted(pluck(r.users, 'handle') as string[]), r.bookshelves.length, r.books.length];
    },
    expect: { result: [ALL_HANDLES, 0, 0] },
  },

  // ---- §6 cases 61-63: view rules ----
  {
    name: 'view rule reading $$ruleParams',
    covers: ['semantics 61', 'semantics 5.2', 'wire 4.1'],
    fixture: 'zenecaAuth',
    rules: { users: { allow: { view: 'data.handle == ruleParams.handle' } } },
    run: (db) => handles(guest(db).query({ users: {} }, { ruleParams: { handle: 'stopa' } })),
    expect: { result: ['stopa'] },
  },
  {
    name: 'bind (array form) names a value',
    covers: ['semantics 62', 'semantics 5.1'],
    fixture: 'zenecaAuth',
    rules: { users: { allow: { view: 'data.handle != handle' }, bind: ['handle', "'stopa'"] } },
    run: (db) => handles(guest(db).query({ users: {} })),
    expect: { result: ['alex', 'joe', 'nicolegf'] },
  },
  {
    name: "data.ref('users.handle') lists values through a link",
    covers: ['semantics 62', 'semantics 5.2'],
    fixture: 'zenecaAuth',
    rules: { bookshelves: { allow: { view: "handle in data.ref('users.handle')" }, bind: ['handle', "'alex'"] } },
    run: (db) => setOf(guest(db).query({ bookshelves: {} }), 'bookshelves', 'title'),
    expect: { result: ['Nonfiction', 'Short Stories'] },
  },
  {
    name: 'a guest has a null auth: auth.id != null and auth.isAdmin fail',
    covers: ['semantics 63', 'semantics 5.2'],
    fixture: 'zenecaAuth',
    run: async (db) => {
      const run = (view: string) => handles(guest(db).debugQuery({ users: {} }, { rules: { users: { allow: { view } } } }).then((r: any) => r.result));
      return [await run('auth.id != null'), await run('auth.isAdmin'), await run('auth.id == null')];
    },
    expect: { result: [[], [], ALL_HANDLES] },
  },
  {
    name: 'auth is the impersonated $users record',
    covers: ['semantics 63', 'wire 2'],
    fixture: 'zenecaAuth',
    rules: { users: { allow: { view: 'auth.handle == data.handle' } } },
    run: async (db, ctx) => [
      await handles(as(db, ctx, 'stopa').query({ users: {} })),
      await handles(db.asUser({ email: 'joe@instantdb.com' }).query({ users: {} })),
      await handles(guest(db).query({ users: {} })),
    ],
    expect: { result: [['stopa'], ['joe'], []] },
  },
  {
    name: 'a rule that fails to evaluate is permission-evaluation-failed',
    covers: ['semantics 63', 'semantics 5.2', 'wire 3'],
    fixture: 'zenecaAuth',
    rules: { users: { allow: { view: 'auth.handle in data.nonexistent' } } },
    run: (db, ctx) => as(db, ctx, 'stopa').query({ users: {} }),
    expect: {
      error: {
        status: 400,
        type: 'permission-evaluation-failed',
        message: 'Could not evaluate permission rule for `users.view`. You may have a typo. Debug this in the sandbox and then update your permission rules.',
        hint: { rule: ['users', 'view'], error: { type: 'OVERLOAD_NOT_FOUND', hint: 'You may have a typo' } },
      },
    },
  },

  // ---- §6 cases 64-65: $users and field rules ----
  {
    name: 'built-in $users rules: guests see no user, a user sees only themself',
    covers: ['semantics 64', 'semantics 5.1'],
    fixture: 'users',
    run: async (db) => {
      const first = await db.auth.createToken('first@example.com');
      await db.auth.createToken('second@example.com');
      const mine = await db.asUser({ token: first }).query({ $users: {} });
      return [await guest(db).query({ $users: {} }), mine.$users.map((u: any) => Object.keys(u).sort()), pluck(mine.$users, 'email')];
    },
    expect: { result: [{ $users: [] }, [['email', 'id']], ['first@example.com']] },
  },
  {
    name: 'field rules drop the fields they reject',
    covers: ['semantics 65', 'semantics 5.1'],
    fixture: 'zenecaAuth',
    rules: { users: { allow: { view: 'true' }, fields: { email: "data.handle == 'joe'", handle: "data.handle == 'alex'" } } },
    run: async (db) => {
      const { users } = await guest(db).query({ users: {} });
      return [users.length, users.flatMap((u: any) => u.email ?? []), users.flatMap((u: any) => u.handle ?? []), users.every((u: any) => u.fullName)];
    },
    expect: { result: [4, ['joe@instantdb.com'], ['alex'], true] },
  },

  // ---- §6 cases 66-67: write rules ----
  {
    name: 'update: "false" blocks an update and leaves the data as it was',
    covers: ['semantics 66', 'semantics 5.4', 'wire 3'],
    fixture: 'zenecaAuth',
    rules: { users: { allow: { update: 'false' } } },
    run: async (db, ctx) => {
      const result = await outcome(guest(db).transact(db.tx.users[ctx.ids.stopa].update({ fullName: 'Stopa 3' })));
      const r = await db.query({ users: { $: { where: { handle: 'stopa' } } } });
      return [result, r.users[0].fullName];
    },
    expect: { result: ['400 permission-denied', 'Stepan Parunashvili'] },
  },
  {
    name: 'update: permission-denied names the namespace and scope',
    covers: ['semantics 66', 'wire 3'],
    fixture: 'zenecaAuth',
    rules: { users: { allow: { update: 'false' } } },
    run: (db, ctx) => guest(db).transact(db.tx.users[ctx.ids.stopa].update({ fullName: 'x' })),
    expect: deniedOn('users'),
  },
  {
    name: 'update rule on newData: only the allowed value passes',
    covers: ['semantics 66', 'semantics 5.2'],
    fixture: 'zenecaAuth',
    rules: { users: { allow: { update: "newData.handle == 'stopado'" } } },
    run: async (db, ctx) => [
      await outcome(guest(db).transact(db.tx.users[ctx.ids.stopa].update({ handle: 'stopa-nope' }))),
      await outcome(guest(db).transact(db.tx.users[ctx.ids.stopa].update({ handle: 'stopado' }))),
      await handles(db.query({ users: {} })),
    ],
    expect: { result: ['400 permission-denied', 'ok', ['alex', 'joe', 'nicolegf', 'stopado']] },
  },
  {
    name: 'update through a lookup is checked against the looked-up entity',
    covers: ['semantics 66', 'semantics 5.4'],
    fixture: 'zenecaAuth',
    rules: { users: { allow: { update: "data.handle == 'stopa' && newData.fullName == 'S.'" } } },
    run: async (db) => [
      await outcome(guest(db).transact(db.tx.users[lookup('email', 'stopa@instantdb.com')].update({ fullName: 'S.' }))),
      await outcome(guest(db).transact(db.tx.users[lookup('email', 'joe@instantdb.com')].update({ fullName: 'S.' }))),
    ],
    expect: { result: ['ok', '400 permission-denied'] },
  },
  {
    name: 'admins bypass rules',
    covers: ['semantics 66', 'wire 2'],
    fixture: 'zenecaAuth',
    rules: { users: { allow: { view: 'false', update: 'false', create: 'false', delete: 'false' } } },
    run: async (db, ctx) => {
      await db.transact([db.tx.users[ctx.ids.stopa].update({ fullName: 'admin wrote' }), db.tx.users[id()].update({ handle: 'new' })]);
      await db.transact(db.tx.users[ctx.ids.joe].delete());
      return handles(db.query({ users: {} }));
    },
    expect: { result: ['alex', 'new', 'nicolegf', 'stopa'] },
  },
  {
    name: 'create: "false" blocks new entities',
    covers: ['semantics 66', 'semantics 5.4'],
    fixture: 'zenecaAuth',
    rules: { users: { allow: { create: 'false' } } },
    run: async (db) => [await outcome(guest(db).transact(db.tx.users[id()].update({ handle: 'boop' }))), await handles(db.query({ users: {} }))],
    expect: { result: ['400 permission-denied', ALL_HANDLES] },
  },
  {
    name: 'delete: "false" blocks deletes, even of ids that do not exist',
    covers: ['semantics 66', 'semantics 5.4'],
    fixture: 'zenecaAuth',
    rules: { users: { allow: { delete: 'false' } } },
    run: async (db, ctx) => [
      await outcome(guest(db).transact(db.tx.users[ctx.ids.joe].delete())),
      await outcome(guest(db).transact(db.tx.users[id()].delete())),
      await handles(db.query({ users: {} })),
    ],
    expect: { result: ['400 permission-denied', '400 permission-denied', ALL_HANDLES] },
  },
  {
    name: 'attrs.allow.create: "false" blocks creating attributes',
    covers: ['semantics 66', 'semantics 3.4'],
    fixture: 'zenecaAuth',
    client: 'plain',
    rules: { attrs: { allow: { create: 'false' } } },
    run: async (db, ctx) => [
      await outcome(guest(db).transact(db.tx.users[ctx.ids.stopa].update({ favoriteColor: 'red' }))),
      await outcome(db.transact(db.tx.users[ctx.ids.stopa].update({ favoriteColor: 'red' }))),
    ],
    expect: { result: ['400 permission-denied', 'ok'] },
  },
  {
    name: 'update-attr and delete-attr are admin-only',
    covers: ['semantics 66', 'semantics 5.4'],
    fixture: 'zenecaAuth',
    run: async (_db, ctx) => {
      const attr = await ctx.attrId('users', 'fullName');
      const send = (steps: unknown[]) => ctx.http('POST', '/admin/transact', { headers: ctx.headers({ 'as-guest': 'true' }), body: { steps } });
      const del = await send([['delete-attr', attr]]);
      const upd = await send([['update-attr', { id: attr, 'index?': true }]]);
      return [del.status, del.body.type, del.body.hint, upd.body.hint];
    },
    expect: {
      result: [400, 'permission-denied', { input: ['attrs', 'attr'], expected: 'perms-pass?' }, { input: ['attrs', 'attr'], expected: 'perms-pass?' }],
    },
  },
  {
    name: 'newData is the whole entity after every step, merges applied in order',
    covers: ['semantics 67', 'semantics 5.2', 'semantics 3.2'],
    fixture: 'vals',
    rules: { books: { allow: { update: "newData.val.foo == '1' && newData.val.bar == '2' && newData.val.baz == '3' && newData.title == 'a'" } } },
    run: async (db, ctx) => {
      const steps = [
        db.tx.books[ctx.ids.a].update({ val: { foo: '0', baz: '3' } }),
        db.tx.books[ctx.ids.a].merge({ val: { foo: '1' } }),
        db.tx.books[ctx.ids.a].merge({ val: { bar: '2' } }),
      ];
      const first = await outcome(guest(db).transact(steps));
      const second = await outcome(guest(db).transact(db.tx.books[ctx.ids.a].merge({ val: { foo: '2' } })));
      const r = await db.query({ books: { $: { where: { title: 'a' } } } });
      return [first, second, r.books[0].val];
    },
    expect: { result: ['ok', '400 permission-denied', { foo: '1', bar: '2', baz: '3' }] },
  },

  // ---- §6 case 68: system namespaces ----
  {
    name: 'non-admins cannot write $users system columns',
    covers: ['semantics 68', 'semantics 3.8'],
    fixture: 'zenecaAuth',
    run: (db, ctx) => as(db, ctx, 'stopa').transact(db.tx.$users[ctx.ids.stopaUser].update({ email: 'hacker@example.com' })),
    expect: txStepError("$users.email is a system column. You aren't allowed to change this directly."),
  },
  {
    name: 'non-admins cannot create $users',
    covers: ['semantics 68', 'semantics 3.8'],
    fixture: 'zenecaAuth',
    run: (db) => guest(db).transact(db.tx.$users[id()].update({ handle: 'sneaky' })),
    expect: txStepError("$users is a system entity. You aren't allowed to create this directly."),
  },
  {
    name: 'non-admins cannot delete $users',
    covers: ['semantics 68', 'semantics 3.8'],
    fixture: 'zenecaAuth',
    run: (db, ctx) => as(db, ctx, 'stopa').transact(db.tx.$users[ctx.ids.stopaUser].delete()),
    expect: txStepError("$users is a system entity. You aren't allowed to delete this directly."),
  },
  {
    name: 'a user may change custom $users attributes of their own record only',
    covers: ['semantics 68', 'semantics 5.1', 'semantics 7'],
    fixture: 'zenecaAuth',
    run: async (db, ctx) => {
      const own = await outcome(as(db, ctx, 'stopa').transact(db.tx.$users[ctx.ids.stopaUser].update({ handle: 'stopa!' })));
      const other = await outcome(as(db, ctx, 'stopa').transact(db.tx.$users[ctx.ids.joeUser].update({ handle: 'joe!' })));
      const r = await db.query({ $users: { $: { where: { id: { $in: [ctx.ids.stopaUser, ctx.ids.joeUser] } } } } });
      return [own, other, sorted(pluck(r.$users, 'handle') as string[])];
    },
    expect: { result: ['ok', '400 permission-denied', ['joe', 'stopa!']] },
  },
  {
    name: 'admins may create and delete $users in transactions',
    covers: ['semantics 68', 'semantics 3.8'],
    fixture: 'zenecaAuth',
    run: async (db, ctx) => {
      const uid = id();
      await db.transact(db.tx.$users[uid].update({ email: 'made@example.com' }));
      const made = await db.auth.getUser({ id: uid });
      await db.transact(db.tx.$users[ctx.ids.joeUser].delete());
      return [made.email, await db.auth.getUser({ id: ctx.ids.joeUser })];
    },
    expect: { result: ['made@example.com', null] },
  },

  // ---- §6 case 69: rule validation ----
  {
    name: 'rules that do not type-check are refused (rules-override)',
    covers: ['semantics 69', 'wire 4.3'],
    fixture: 'zenecaAuth',
    run: (db) => guest(db).debugQuery({ users: {} }, { rules: { users: { allow: { view: '!10' } } } }),
    expect: ruleError("found no matching overload for '!_' applied to '(int)' (candidates: (bool))", ['users', 'allow', 'view']),
  },
  {
    name: 'auth.ref paths must start with $user.',
    covers: ['semantics 69', 'semantics 5.2'],
    fixture: 'zenecaAuth',
    run: (db) => guest(db).debugQuery({ users: {} }, { rules: { users: { allow: { view: "1 in auth.ref('$users.id')" } } } }),
    expect: ruleError('auth.ref arg must start with `$user.`', ['users', 'allow', 'view']),
  },
  {
    name: '$users.allow.delete must be unset or "false"',
    covers: ['semantics 69', 'semantics 5.1'],
    fixture: 'zenecaAuth',
    run: async (db) => [
      await outcome(guest(db).debugQuery({ users: {} }, { rules: { $users: { allow: { delete: 'false', view: 'true', update: 'true' } } } })),
      await guest(db)
        .debugQuery({ users: {} }, { rules: { $users: { allow: { delete: 'true' } } } })
        .catch((e: any) => e.body.hint.errors),
    ],
    expect: {
      result: [
        'ok',
        [{ message: 'The $users namespace doesn\'t support permissions for delete. Set `$users.allow.delete` to `"false"`.', in: ['$users', 'allow', 'delete'] }],
      ],
    },
  },
  {
    name: 'reserved namespaces cannot have rules',
    covers: ['semantics 69', 'semantics 5.1'],
    fixture: 'zenecaAuth',
    run: (db) => guest(db).debugQuery({ users: {} }, { rules: { $codes: { allow: { update: 'true' } } } }),
    expect: {
      error: {
        status: 400,
        type: 'validation-failed',
        hint: {
          errors: ['view', 'create', 'update', 'delete'].map((action) => ({
            message: 'The $codes namespace is a reserved internal namespace that does not yet support rules.',
            in: ['$codes', 'allow', action],
          })),
        },
      },
    },
  },
  {
    name: 'field rules for id are refused',
    covers: ['semantics 5.1'],
    fixture: 'zenecaAuth',
    run: (db) => guest(db).debugQuery({ users: {} }, { rules: { users: { fields: { id: 'true' } } } }),
    expect: ruleError('You cannot set field rules for `id`. Use users -> allow -> view instead', ['users', 'fields']),
  },
  {
    name: 'binds: cycles are named in dependency order',
    covers: ['semantics 5.1', 'semantics 69'],
    fixture: 'zenecaAuth',
    run: async (db) => {
      const errors = (rules: object) => guest(db).debugQuery({ users: {} }, { rules }).catch((e: any) => e.body.hint.errors);
      return [
        await errors({ users: { bind: ['a', 'b', 'b', 'a'], allow: { view: 'a' } } }),
        await errors({ users: { bind: ['a', 'b', 'b', 'c', 'c', 'd', 'd', 'e', 'e', 'a'], allow: { view: 'e' } } }),
      ];
    },
    expect: {
      result: [
        [{ message: 'The binds have a cyclic dependency a -> b -> a', in: ['users', 'allow', 'view'] }],
        [{ message: 'The binds have a cyclic dependency d -> e -> a -> b -> c -> d', in: ['users', 'allow', 'view'] }],
      ],
    },
  },
  {
    name: 'binds: odd lists and repeated names are refused',
    covers: ['semantics 5.1'],
    fixture: 'zenecaAuth',
    run: async (db) => {
      const errors = (rules: object) => guest(db).debugQuery({ users: {} }, { rules }).catch((e: any) => e.body.hint.errors);
      return [
        await errors({ users: { bind: ['duplicate', 'true', 'duplicate', 'false'], allow: { view: 'duplicate' } } }),
        await errors({ users: { bind: ['lonely'], allow: { view: 'true' } } }),
      ];
    },
    expect: {
      result: [
        [{ message: 'bind should only contain a given variable name once', in: ['users', 'bind', 'duplicate'] }],
        [
          { message: 'bind should have an even number of elements', in: ['users', 'bind'] },
          { message: 'bind should have an even number of elements', in: ['users', 'allow', 'view'] },
        ],
      ],
    },
  },
  {
    name: 'binds may use binds, in both forms, and $default binds are shared',
    covers: ['semantics 5.1'],
    fixture: 'zenecaAuth',
    run: async (db) => {
      const rules = {
        $default: { bind: ['target', "'alex'"] },
        users: { bind: { isTarget: 'data.handle == target', visible: 'isTarget || data.handle == other', other: "'joe'" }, allow: { view: 'visible' } },
      };
      const r = await guest(db).debugQuery({ users: {} }, { rules });
      return [await handles(Promise.resolve(r.result)), r.checkResults[0].program['display-code'], r.checkResults[0].program.code];
    },
    expect: {
      result: [
        ['alex', 'joe'],
        'visible',
        // Instant's order: binds a rule needs come outside of it, siblings in Clojure hash-set order.
        "cel.bind(target, 'alex', cel.bind(isTarget, data.handle == target, cel.bind(other, 'joe', cel.bind(visible, isTarget || data.handle == other, visible))))",
      ],
    },
  },

  // ---- §6 case 70: CEL ----
  {
    name: 'a false attribute is a false rule; negated it passes',
    covers: ['semantics 70'],
    fixture: 'permsTodo',
    run: async (db, ctx) => {
      await db.transact(db.tx.goals[ctx.ids.fit].update({ public: false }));
      const run = (view: string) => guest(db).debugQuery({ goals: { $: { where: { title: 'Get fit' } } } }, { rules: { goals: { allow: { view } } } });
      const plain = await run('data.public');
      const negated = await run('!data.public');
      return [plain.result.goals.length, plain.checkResults[0].check, negated.result.goals.length, negated.checkResults[0].check];
    },
    expect: { result: [0, false, 1, true] },
  },
  {
    name: 'newData is not declared in view and delete rules',
    covers: ['semantics 70', 'semantics 5.2'],
    fixture: 'permsTodo',
    run: async (db) => [
      await guest(db)
        .debugQuery({ goals: {} }, { rules: { goals: { allow: { view: 'newData.title == data.title' } } } })
        .catch((e: any) => e.body.message),
      await guest(db)
        .debugQuery({ goals: {} }, { rules: { goals: { allow: { delete: 'newData == null' } } } })
        .catch((e: any) => e.body.message),
      await outcome(guest(db).debugQuery({ goals: {} }, { rules: { goals: { allow: { update: 'newData.title == data.title' } } } })),
    ],
    expect: {
      result: [
        "Validation failed for rule: undeclared reference to 'newData' (in container '')",
        "Validation failed for rule: undeclared reference to 'newData' (in container '')",
        'ok',
      ],
    },
  },
  {
    name: 'request has modifiedFields, time, ip and origin only',
    covers: ['semantics 70', 'semantics 5.2'],
    fixture: 'permsTodo',
    run: async (db) => {
      const message = (update: string) =>
        guest(db)
          .debugQuery({ goals: {} }, { rules: { goals: { allow: { update } } } })
          .then(
            () => 'ok',
            (e: any) => e.body.hint.errors[0].message,
          );
      return [
        await message('request.hello'),
        await message('1 in request.modifiedFields'),
        await message("'title' in request.modifiedFields"),
        await message("request.modifiedFields.all(f, f in ['title'])"),
        await message('request.modifiedFields == 1'),
      ];
    },
    expect: {
      result: [
        "undefined field 'hello'",
        "found no matching overload for '@in' applied to '(int, list(string))'",
        'ok',
        'ok',
        "found no matching overload for '_==_' applied to '(list(string), int)'",
      ],
    },
  },
  {
    name: 'timestamp() reads ms and ISO strings; request.time is now',
    covers: ['semantics 70', 'semantics 5.2'],
    fixture: 'permsTodo',
    rules: { goals: { allow: { view: 'request.time > timestamp(ruleParams.created)' } } },
    run: async (db) => {
      const count = async (created: unknown) => (await guest(db).query({ goals: {} }, { ruleParams: { created } })).goals.length;
      return [await count(0), await count('2020-02-06T22:36:52.157181Z'), await count('2999-01-01T00:00:00Z'), await count(32503680000000)];
    },
    expect: { result: [3, 3, 0, 0] },
  },

  // ---- the same data, seen by a guest, two users and the admin ----
  {
    name: 'a guest, two users and the admin see different goals of the same data',
    covers: ['semantics 5.3'],
    fixture: 'permsTodo',
    rules: TODO_RULES,
    run: async (db, ctx) => [
      await goalTitles(db.query({ goals: {} })),
      await goalTitles(as(db, ctx, 'alice').query({ goals: {} })),
      await goalTitles(as(db, ctx, 'bob').query({ goals: {} })),
      await goalTitles(guest(db).query({ goals: {} })),
    ],
    expect: {
      result: [['Get fit', 'Grow a garden', 'Read more'], ['Get fit', 'Grow a garden'], ['Grow a garden', 'Read more'], ['Grow a garden']],
    },
  },
  {
    name: 'nested todos are visible through their goal; a dropped goal drops its todos',
    covers: ['semantics 5.3'],
    fixture: 'permsTodo',
    rules: TODO_RULES,
    run: async (db, ctx) => {
      const tree = async (who: AdminDbLike) =>
        (await who.query({ goals: { $: { order: { title: 'asc' } }, todos: { $: { order: { title: 'asc' } } } } })).goals.map((g: any) => [
          g.title,
          g.todos.map((t: any) => t.title),
        ]);
      return [await tree(as(db, ctx, 'alice')), await tree(as(db, ctx, 'bob')), await tree(guest(db))];
    },
    expect: {
      result: [
        [
          ['Get fit', ['run', 'swim']],
          ['Grow a garden', []],
        ],
        [
          ['Grow a garden', []],
          ['Read more', ['read a book']],
        ],
        [['Grow a garden', []]],
      ],
    },
  },
  {
    name: 'a has-one link to an entity the user may not see is null',
    covers: ['semantics 5.3', 'semantics 2.2'],
    fixture: 'permsTodo',
    rules: { goals: { allow: { view: 'false' } } },
    run: async (db) =>
      (await guest(db).query({ todos: { $: { where: { title: { $in: ['run', 'read a book'] } } }, goal: {} } })).todos.map((t: any) => [t.title, t.goal]),
    expect: {
      check: (r) => expect(sorted(r, (x: any) => x[0])).toEqual([
        ['read a book', null],
        ['run', null],
      ]),
    },
  },
  {
    name: 'rows matched only through entities the user may not see are dropped',
    covers: ['semantics 5.3'],
    fixture: 'permsTodo',
    rules: { goals: { allow: { view: 'true' } }, todos: { allow: { view: "auth.id in data.ref('goal.owner.id')" } } },
    run: async (db, ctx) => {
      const q = { goals: { $: { where: { 'todos.title': 'run' } } } };
      return [await goalTitles(as(db, ctx, 'alice').query(q)), await goalTitles(as(db, ctx, 'bob').query(q)), await goalTitles(db.query(q))];
    },
    expect: { result: [['Get fit'], [], ['Get fit']] },
  },
  {
    name: 'rules see the whole entity when the query picks fields',
    covers: ['semantics 5.3', 'semantics 2.5'],
    fixture: 'permsTodo',
    rules: TODO_RULES,
    run: (db) => guest(db).query({ goals: { $: { fields: ['title'] } } }),
    expect: { check: (r, ctx) => expect(r).toEqual({ goals: [{ id: ctx.ids.garden, title: 'Grow a garden' }] }) },
  },
  {
    name: 'a share token in $$ruleParams opens one goal to a guest',
    covers: ['semantics 5.2', 'wire 4.1'],
    fixture: 'permsTodo',
    rules: { goals: { allow: { view: "auth.id in data.ref('owner.id') || (data.shareToken != null && data.shareToken == ruleParams.token)" } } },
    run: async (db) => [
      await goalTitles(guest(db).query({ goals: {} }, { ruleParams: { token: 'tok-123' } })),
      await goalTitles(guest(db).query({ goals: {} }, { ruleParams: { token: 'wrong' } })),
      await goalTitles(guest(db).query({ goals: {} })),
    ],
    expect: { result: [['Read more'], [], []] },
  },
  {
    name: "auth.ref('$user.goals.todos.id') walks links from the user",
    covers: ['semantics 5.2'],
    fixture: 'permsTodo',
    rules: { todos: { allow: { view: "data.id in auth.ref('$user.goals.todos.id')" } } },
    run: async (db, ctx) => [
      await setOf(as(db, ctx, 'alice').query({ todos: {} }), 'todos', 'title'),
      await setOf(as(db, ctx, 'bob').query({ todos: {} }), 'todos', 'title'),
      await setOf(guest(db).query({ todos: {} }), 'todos', 'title'),
    ],
    expect: { result: [['run', 'swim'], ['read a book'], []] },
  },
  {
    name: 'CEL macros and string functions work in rules',
    covers: ['semantics 5.2'],
    fixture: 'permsTodo',
    rules: {
      goals: {
        allow: { view: "data.title.startsWith('G') && ['fit', 'garden'].exists(w, data.title.lowerAscii().contains(w)) && size(data.title) > 5" },
      },
    },
    run: (db) => goalTitles(guest(db).query({ goals: {} })),
    expect: { result: ['Get fit', 'Grow a garden'] },
  },

  // ---- transactions as users ----
  {
    name: 'owners update their goals; other goals are refused and stay unchanged',
    covers: ['semantics 5.4'],
    fixture: 'permsTodo',
    rules: TODO_RULES,
    run: async (db, ctx) => [
      await outcome(as(db, ctx, 'alice').transact(db.tx.goals[ctx.ids.fit].update({ priority: 5 }))),
      await outcome(as(db, ctx, 'alice').transact(db.tx.goals[ctx.ids.read].update({ priority: 5 }))),
      await setOf(db.query({ goals: { $: { where: { priority: 5 } } } }), 'goals', 'title'),
    ],
    expect: { result: ['ok', '400 permission-denied', ['Get fit']] },
  },
  {
    name: 'one refused step rolls back the whole transaction',
    covers: ['semantics 5.4', 'semantics 3.3'],
    fixture: 'permsTodo',
    rules: TODO_RULES,
    run: async (db, ctx) => {
      const result = await outcome(
        as(db, ctx, 'alice').transact([db.tx.goals[ctx.ids.fit].update({ priority: 9 }), db.tx.todos[ctx.ids.book].update({ done: true })]),
      );
      const r = await db.query({ goals: { $: { where: { title: 'Get fit' } } }, todos: { $: { where: { title: 'read a book' } } } });
      return [result, r.goals[0].priority, r.todos[0].done ?? null];
    },
    expect: { result: ['400 permission-denied', 1, null] },
  },
  {
    name: 'create rules run after the write: data.ref sees the links of the same transaction',
    covers: ['semantics 5.4'],
    fixture: 'permsTodo',
    rules: TODO_RULES,
    run: async (db, ctx) => {
      const alice = as(db, ctx, 'alice');
      const linked = await outcome(alice.transact(db.tx.goals[id()].update({ title: 'Swim more' }).link({ owner: ctx.ids.alice })));
      const orphan = await outcome(alice.transact(db.tx.goals[id()].update({ title: 'Nobody' })));
      const todo = await outcome(alice.transact([db.tx.todos[id()].update({ title: 'stretch' }).link({ goal: ctx.ids.fit })]));
      return [linked, orphan, todo, await goalTitles(db.query({ goals: {} }))];
    },
    expect: { result: ['ok', '400 permission-denied', 'ok', ['Get fit', 'Grow a garden', 'Read more', 'Swim more']] },
  },
  {
    name: 'linking to a user one may not see is refused (the target needs view)',
    covers: ['semantics 5.4'],
    fixture: 'permsTodo',
    rules: { goals: { allow: { create: 'true' } } },
    run: async (db, ctx) => [
      await outcome(as(db, ctx, 'bob').transact(db.tx.goals[id()].update({ title: 'For alice' }).link({ owner: ctx.ids.alice }))),
      await outcome(as(db, ctx, 'bob').transact(db.tx.goals[id()].update({ title: 'For bob' }).link({ owner: ctx.ids.bob }))),
    ],
    expect: { result: ['400 permission-denied', 'ok'] },
  },
  {
    name: 'deletes are checked per entity, cascades included',
    covers: ['semantics 5.4', 'semantics 3.2'],
    fixture: 'permsTodo',
    rules: { goals: { allow: { delete: "auth.id in data.ref('owner.id')" } }, todos: { allow: { delete: "data.done == true || data.done == false" } } },
    run: async (db, ctx) => {
      const alice = as(db, ctx, 'alice');
      const others = await outcome(alice.transact(db.tx.goals[ctx.ids.read].delete()));
      // "Get fit" cascades to run and swim (both have `done`); "Read more" would cascade to "read a book" (no `done`).
      const own = await outcome(alice.transact(db.tx.goals[ctx.ids.fit].delete()));
      const bobs = await outcome(as(db, ctx, 'bob').transact(db.tx.goals[ctx.ids.read].delete()));
      return [others, own, bobs, await goalTitles(db.query({ goals: {} })), await setOf(db.query({ todos: {} }), 'todos', 'title')];
    },
    expect: { result: ['400 permission-denied', 'ok', '400 permission-denied', ['Grow a garden', 'Read more'], ['loose end', 'read a book']] },
  },
  {
    name: 'without link rules, linking needs update of the owner and view of the target',
    covers: ['semantics 5.4'],
    fixture: 'permsTodo',
    rules: TODO_RULES,
    run: async (db, ctx) => [
      // alice may update "Get fit" but may not see the goal-less todo "loose end"
      await outcome(as(db, ctx, 'alice').transact(db.tx.goals[ctx.ids.fit].link({ todos: ctx.ids.loose }))),
      await outcome(as(db, ctx, 'alice').transact(db.tx.goals[ctx.ids.fit].link({ todos: ctx.ids.book }))),
    ],
    expect: { result: ['400 permission-denied', '400 permission-denied'] },
  },
  {
    name: 'link and unlink rules replace the fallback checks',
    covers: ['semantics 5.1', 'semantics 5.4'],
    fixture: 'permsTodo',
    rules: {
      ...TODO_RULES,
      goals: { ...TODO_RULES.goals, allow: { ...TODO_RULES.goals.allow, link: { todos: 'isOwner' }, unlink: { $default: 'false' } } },
    },
    run: async (db, ctx) => {
      const alice = as(db, ctx, 'alice');
      const link = await outcome(alice.transact(db.tx.goals[ctx.ids.fit].link({ todos: ctx.ids.loose })));
      const unlink = await outcome(alice.transact(db.tx.goals[ctx.ids.fit].unlink({ todos: ctx.ids.run })));
      const r = await db.query({ goals: { $: { where: { title: 'Get fit' } }, todos: {} } });
      return [link, unlink, sorted(pluck(r.goals[0].todos, 'title') as string[])];
    },
    expect: { result: ['ok', '400 permission-denied', ['loose end', 'run', 'swim']] },
  },
  {
    name: 'link rules see linkedData and actions',
    covers: ['semantics 5.2', 'wire 4.4'],
    fixture: 'permsTodo',
    run: async (db, ctx) => {
      const rules = {
        goals: { allow: { link: { todos: "actions.data == 'update' && (actions.linkedData == 'create' ? linkedData.id == null : linkedData.title == 'swim')" } } },
      };
      const alice = as(db, ctx, 'alice');
      const tid = id();
      const results = [
        await alice.debugTransact([db.tx.todos[tid].update({ title: 'new one' }), db.tx.goals[ctx.ids.fit].link({ todos: tid })], { rules }),
        await alice.debugTransact(db.tx.goals[ctx.ids.fit].link({ todos: ctx.ids.swim }), { rules }),
        await alice.debugTransact(db.tx.goals[ctx.ids.fit].link({ todos: ctx.ids.loose }), { rules }),
      ];
      return results.map((r) => r['check-results'].filter((c: any) => c.action === 'link').map((c: any) => [c.etype, c.bindings.actions, c['check-pass?']]));
    },
    expect: {
      result: [
        [['goals', { data: 'update', linkedData: 'create' }, true]],
        [['goals', { data: 'update', linkedData: 'update' }, true]],
        [['goals', { data: 'update', linkedData: 'update' }, false]],
      ],
    },
  },
  {
    // transaction_test.clj `linked-data-perm`: permissioned_transaction.clj builds newData from a map that
    // starts as the loaded entities, so the target of a link (which no step writes) has its own data.
    name: 'link and unlink rules on both sides: the target\'s newData is its loaded data',
    covers: ['semantics 5.2'],
    fixture: 'permsTodo',
    rules: LINKED_DATA_RULES,
    run: async (db) => {
      const [goal, same, other] = [id(), id(), id()];
      await db.transact([
        db.tx.goals[goal].update({ title: 'same' }),
        db.tx.todos[same].update({ title: 'same' }),
        db.tx.todos[other].update({ title: 'other' }),
      ]);
      const user = guest(db);
      return [
        await outcome(user.transact(db.tx.goals[goal].link({ todos: same }))),
        await outcome(user.transact(db.tx.goals[goal].unlink({ todos: same }))),
        await outcome(user.transact(db.tx.todos[same].link({ goal }))),
        await outcome(user.transact(db.tx.goals[goal].link({ todos: other }))),
      ];
    },
    expect: { result: ['ok', 'ok', 'ok', '400 permission-denied'] },
  },
  {
    name: 'link rules after the write: a new entity linked to an existing one sees it as linkedData',
    covers: ['semantics 5.2'],
    fixture: 'permsTodo',
    rules: LINKED_DATA_RULES,
    run: async (db) => {
      const existing = id();
      await db.transact(db.tx.todos[existing].update({ title: 'existing' }));
      const user = guest(db);
      const [goal, todo] = [id(), id()];
      return [
        // Both new (transaction_test.clj `linked-data-perm`, "post-checks").
        await outcome(user.transact([db.tx.goals[goal].update({ title: 'fresh' }), db.tx.todos[todo].update({ title: 'fresh' }), db.tx.goals[goal].link({ todos: todo })])),
        await outcome(user.transact(db.tx.goals[id()].update({ title: 'existing' }).link({ todos: existing }))),
        await outcome(user.transact(db.tx.goals[id()].update({ title: 'nope' }).link({ todos: existing }))),
      ];
    },
    expect: { result: ['ok', 'ok', '400 permission-denied'] },
  },
  {
    // transaction_test.clj writes rules such as "size(data.ref('org.id')) == 1 // create"; cel-java accepts
    // a comment that runs to the end of the rule.
    name: 'rules may end with a // comment, and // inside a string stays text',
    covers: ['semantics 5.1'],
    fixture: 'permsTodo',
    rules: {
      goals: {
        allow: {
          view: "data.public == true || data.title == 'a // b' // public goals only",
          create: "newData.title != 'x // y' // anything but that",
          update: 'false // never',
          delete: 'true\n// a comment on the last line',
        },
      },
    },
    run: async (db, ctx) => {
      const slashes = id();
      await db.transact(db.tx.goals[slashes].update({ title: 'a // b' }));
      const user = guest(db);
      return [
        await goalTitles(user.query({ goals: {} })),
        await outcome(user.transact(db.tx.goals[id()].update({ title: 'x // y' }))),
        await outcome(user.transact(db.tx.goals[id()].update({ title: 'z' }))),
        await outcome(user.transact(db.tx.goals[ctx.ids.garden].update({ priority: 3 }))),
        await outcome(user.transact(db.tx.goals[slashes].delete())),
      ];
    },
    expect: { result: [['Grow a garden', 'a // b'], '400 permission-denied', 'ok', '400 permission-denied', 'ok'] },
  },
  {
    name: 'ruleParams travel with the transaction',
    covers: ['semantics 5.2', 'semantics 3.2'],
    fixture: 'permsTodo',
    rules: { goals: { allow: { update: "ruleParams.secret == 'open sesame'" } } },
    run: async (db, ctx) => [
      await outcome(guest(db).transact(db.tx.goals[ctx.ids.read].ruleParams({ secret: 'open sesame' }).update({ priority: 3 }))),
      await outcome(guest(db).transact(db.tx.goals[ctx.ids.read].ruleParams({ secret: 'wrong' }).update({ priority: 4 }))),
      await outcome(guest(db).transact(db.tx.goals[ctx.ids.read].update({ priority: 5 }))),
    ],
    expect: { result: ['ok', '400 permission-denied', '400 permission-denied'] },
  },
  {
    name: 'request.modifiedFields lists the attributes a transaction writes',
    covers: ['semantics 5.2'],
    fixture: 'permsTodo',
    rules: { goals: { allow: { update: "request.modifiedFields.all(f, f in ['priority', 'notes'])" } } },
    run: async (db, ctx) => [
      await outcome(guest(db).transact(db.tx.goals[ctx.ids.fit].update({ priority: 7 }))),
      await outcome(guest(db).transact(db.tx.goals[ctx.ids.fit].merge({ notes: { a: 1 } }))),
      await outcome(guest(db).transact(db.tx.goals[ctx.ids.fit].update({ priority: 8, title: 'Get fitter' }))),
    ],
    expect: { result: ['ok', 'ok', '400 permission-denied'] },
  },

  // ---- debugQuery / debugTransact ----
  {
    name: 'debugQuery returns the result and every check',
    covers: ['wire 4.3'],
    fixture: 'permsTodo',
    rules: TODO_RULES,
    run: (db, ctx) => as(db, ctx, 'bob').debugQuery({ goals: { $: { where: { title: { $in: ['Get fit', 'Read more'] } } } } }),
    expect: {
      check: (r, ctx) => {
        expect(r.result).toEqual({ goals: [{ id: ctx.ids.read, title: 'Read more', shareToken: 'tok-123', owner: ctx.ids.bob }] });
        const byId = Object.fromEntries(r.checkResults.map((c: any) => [c.id, c]));
        expect(r.checkResults).toHaveLength(2);
        expect(byId[ctx.ids.fit]).toEqual({
          id: ctx.ids.fit,
          entity: 'goals',
          label: null,
          record: { id: ctx.ids.fit, title: 'Get fit', priority: 1, owner: ctx.ids.alice },
          program: {
            etype: 'goals',
            action: 'view',
            code: "cel.bind(isOwner, auth.id != null && auth.id in data.ref('owner.id'), isOwner || data.public == true)",
            'display-code': 'isOwner || data.public == true',
          },
          check: false,
        });
        expect(byId[ctx.ids.read].check).toBe(true);
      },
    },
  },
  {
    name: 'debugQuery with rules ignores the app rules; no rule means no program',
    covers: ['wire 4.3'],
    fixture: 'permsTodo',
    rules: { goals: { allow: { view: 'false' } } },
    run: async (db, ctx) => {
      const r = await as(db, ctx, 'alice').debugQuery({ goals: { $: { where: { title: 'Get fit' } } } }, { rules: { todos: { allow: { view: 'false' } } } });
      return [pluck(r.result.goals, 'title'), r.checkResults.map((c: any) => [c.program, c.check])];
    },
    expect: { result: [['Get fit'], [[{}, true]]] },
  },
  {
    name: 'debugQuery: request.ip and request.origin come from the ip and origin options',
    covers: ['wire 4.3', 'semantics 5.2'],
    fixture: 'permsTodo',
    run: async (db) => {
      const rules = { goals: { allow: { view: "request.ip == '10.1.2.3' && request.origin == 'https://app.example'" } } };
      const count = async (opts: object) => (await guest(db).debugQuery({ goals: {} }, { rules, ...opts })).result.goals.length;
      return [await count({}), await count({ ip: '10.1.2.3' }), await count({ ip: '10.1.2.3', origin: 'https://app.example' })];
    },
    expect: { result: [0, 0, 3] },
  },
  {
    name: 'debugQuery shows the CEL error of a rule that fails to evaluate',
    covers: ['wire 4.3', 'semantics 5.2'],
    fixture: 'permsTodo',
    run: (db) => guest(db).debugQuery({ goals: {} }, { rules: { goals: { allow: { view: "data.ref('nowhere.id') == []" } } } }),
    expect: {
      error: {
        status: 400,
        type: 'permission-evaluation-failed',
        message: /^Could not evaluate permission rule for `goals.view`\. ref\('nowhere\.id'\): `goals` has no attribute or link `nowhere`\. Debug this/,
        hint: { rule: ['goals', 'view'] },
      },
    },
  },
  {
    name: 'debugTransact is a dry run that reports each check',
    covers: ['wire 4.4', 'semantics 3.6'],
    fixture: 'permsTodo',
    rules: TODO_RULES,
    run: async (db, ctx) => {
      const r = await as(db, ctx, 'alice').debugTransact([db.tx.goals[ctx.ids.fit].update({ priority: 9 })]);
      const after = await db.query({ goals: { $: { where: { title: 'Get fit' } } } });
      return { r, priority: after.goals[0].priority };
    },
    expect: {
      check: ({ r, priority }, ctx) => {
        expect(priority).toBe(1);
        expect(r).toMatchObject({ 'tx-id': expect.any(Number), 'all-checks-ok?': true, 'committed?': false });
        expect(r['check-results']).toEqual([
          {
            scope: 'object',
            action: 'update',
            etype: 'goals',
            eid: ctx.ids.fit,
            program: {
              etype: 'goals',
              action: 'update',
              code: "cel.bind(isOwner, auth.id != null && auth.id in data.ref('owner.id'), isOwner)",
              'display-code': 'isOwner',
            },
            bindings: {
              data: { id: ctx.ids.fit, title: 'Get fit', priority: 1, owner: ctx.ids.alice },
              'new-data': { id: ctx.ids.fit, title: 'Get fit', priority: 9, owner: ctx.ids.alice },
              'rule-params': null,
              'modified-fields': ['priority'],
            },
            'check-result': true,
            'check-pass?': true,
          },
        ]);
      },
    },
  },
  {
    name: 'debugTransact commits only with __dangerouslyCommit and every check passing',
    covers: ['wire 4.4'],
    fixture: 'permsTodo',
    rules: TODO_RULES,
    run: async (db, ctx) => {
      const alice = as(db, ctx, 'alice');
      const passing = await alice.debugTransact([db.tx.goals[ctx.ids.fit].update({ priority: 11 })], { __dangerouslyCommit: true });
      const failing = await alice.debugTransact([db.tx.goals[ctx.ids.read].update({ priority: 12 })], { __dangerouslyCommit: true });
      const r = await db.query({ goals: { $: { order: { title: 'asc' } } } });
      return [
        [passing['all-checks-ok?'], passing['committed?']],
        [failing['all-checks-ok?'], failing['committed?'], failing['check-results'].map((c: any) => [c.etype, c.action, c['check-pass?']])],
        r.goals.map((g: any) => g.priority ?? null),
      ];
    },
    expect: {
      result: [
        [true, true],
        [false, false, [['goals', 'update', false]]],
        [11, 2, null],
      ],
    },
  },
  {
    name: 'debugTransact reports create checks run after the write',
    covers: ['wire 4.4', 'semantics 5.4'],
    fixture: 'permsTodo',
    rules: TODO_RULES,
    run: async (db, ctx) => {
      const gid = id();
      const r = await as(db, ctx, 'bob').debugTransact([db.tx.goals[gid].update({ title: 'Bob 2' }).link({ owner: ctx.ids.bob })]);
      const checks = r['check-results'].map((c: any) => [c.etype, c.action, c.eid === gid || c.eid === ctx.ids.bob, c['check-pass?']]);
      return [r['all-checks-ok?'], sorted(checks, (c: any) => `${c[0]} ${c[1]}`), (await db.query({ goals: { $: { where: { title: 'Bob 2' } } } })).goals];
    },
    expect: {
      result: [
        true,
        [
          ['$users', 'view', true, true],
          ['goals', 'create', true, true],
        ],
        [],
      ],
    },
  },
  {
    name: 'the debug endpoints refuse to test perms as admin',
    covers: ['wire 2', 'wire 4.3', 'wire 4.4'],
    fixture: 'permsTodo',
    run: async (db) => [
      await db.debugQuery({ goals: {} }).catch((e: any) => [e.status, e.body.message]),
      await db.debugTransact([db.tx.goals[id()].update({ title: 'x' })]).catch((e: any) => [e.status, e.body.message]),
    ],
    expect: {
      result: [
        [400, 'Validation failed for non-admin: Cannot test perms as admin'],
        [400, 'Validation failed for non-admin: Cannot test perms as admin'],
      ],
    },
  },
  {
    name: 'the debug endpoints need the admin token even for guests',
    covers: ['wire 2'],
    fixture: 'permsTodo',
    run: async (_db, ctx) => {
      const headers = { 'content-type': 'application/json', 'app-id': ctx.appId, 'as-guest': 'true' };
      const r = await ctx.http('POST', '/admin/query_perms_check', { headers, body: { query: { goals: {} } } });
      return [r.status, r.body.type];
    },
    expect: { result: [400, 'param-missing'] },
  },
];
