// InstaQL conformance cases (semantics.md §2 and §6 cases 1-35).

import { id } from '@instantdb/admin';
import { expect } from 'vitest';
import { sorted, type ConformanceCase } from '../../support/conformance.js';
import { nameOf, pluck } from './fixtures.js';

const handles = async (p: Promise<any>) => pluck((await p).users);
const setOf = async (p: Promise<any>, field = 'handle', ns = 'users') => sorted(pluck((await p)[ns], field) as string[]);
const etypeNumbers = async (p: Promise<any>) => sorted(pluck((await p).etype, 'number') as number[], (n) => String(n));

const validation = (message?: string | RegExp, hint?: unknown) => ({
  error: { status: 400, type: 'validation-failed', ...(message ? { message } : {}), ...(hint ? { hint } : {}) },
});

export const QUERY_CASES: ConformanceCase[] = [
  // ---- shape, fields, ordering by creation ----
  {
    name: 'fields [handle] returns id + handle in creation order',
    covers: ['semantics 1'],
    fixture: 'zeneca',
    run: (db) => db.query({ users: { $: { fields: ['handle'] } } }),
    expect: {
      check: (r, ctx) =>
        expect(r).toEqual({
          users: ['stopa', 'joe', 'alex', 'nicolegf'].map((h) => ({ id: ctx.ids[h], handle: h })),
        }),
    },
  },
  {
    name: 'a non-object child query is a validation error',
    covers: ['semantics 2'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { bookshelves: [] } }),
    expect: validation(undefined, { errors: [{ expected: 'map?', in: ['users', 'bookshelves'] }] }),
  },
  {
    name: 'a scalar child query reports map? at its path',
    covers: ['semantics 3'],
    fixture: 'zeneca',
    client: 'plain',
    run: (db) => db.query({ users: { posts: 2 } }),
    expect: validation('Validation failed for query', { 'data-type': 'query', errors: [{ expected: 'map?', in: ['users', 'posts'] }] }),
  },
  {
    name: 'a non-object query body is param-malformed',
    covers: ['semantics 3', 'wire 4.1'],
    run: (_db, ctx) => ctx.http('POST', '/admin/query', { headers: ctx.headers(), body: { query: 1 } }),
    expect: {
      check: (r) =>
        expect(r).toMatchObject({
          status: 400,
          body: { type: 'param-malformed', message: 'Malformed parameter: ["body" "query"]', hint: { in: ['body', 'query'] } },
        }),
    },
  },
  {
    name: 'where must be an object',
    covers: ['semantics 4'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { $: { where: ['foo'] } } }),
    expect: validation(undefined, { errors: [{ expected: 'map?', in: ['users', '$', 'where'] }] }),
  },
  {
    name: 'unknown $ option',
    covers: ['semantics 5'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { $: { 'forgot-where': [] } } }),
    expect: validation(
      'Validation failed for query: We only support `where`, `order`, `limit`, `offset`, `before`, and `after` clauses.',
    ),
  },
  {
    name: 'link equality needs a uuid',
    covers: ['semantics 6'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { $: { where: { bookshelves: 'hello' } } } }),
    expect: validation('Validation failed for query: Expected bookshelves to be a uuid, got "hello"', {
      errors: [{ expected: 'uuid?', in: ['users', '$', 'where', 'bookshelves'] }],
    }),
  },
  {
    name: 'limit must be a positive integer',
    covers: ['semantics 7'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { $: { limit: -1 } } }),
    expect: validation('Validation failed for query: The limit field must be a positive integer. Got -1.'),
  },
  {
    name: 'first must be a positive integer',
    covers: ['semantics 7'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { $: { first: 0 } } }),
    expect: validation('Validation failed for query: The first field must be a positive integer. Got 0.'),
  },
  {
    name: 'limit and first together',
    covers: ['semantics 8'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { $: { limit: 10, first: 10 } } }),
    expect: validation('Validation failed for query: Only provide one of `limit` or `first`.'),
  },
  {
    name: 'first and last together',
    covers: ['semantics 8'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { $: { first: 10, last: 10 } } }),
    expect: validation('Validation failed for query: Only provide one of `first` or `last`.'),
  },
  {
    name: 'order by an unknown attribute',
    covers: ['semantics 9'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { $: { order: { 'random-field': 'desc' } } } }),
    expect: validation('Validation failed for query: There is no `random-field` attribute for users.', {
      errors: [{ in: ['users', '$', 'order'] }],
    }),
  },
  {
    name: 'order direction is case-sensitive',
    covers: ['semantics 10'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { $: { order: { serverCreatedAt: 'DESC' } } } }),
    expect: validation('Validation failed for query: We only support "asc" or "desc" in the `order` clause. Got "DESC".'),
  },
  {
    name: 'order accepts a single key only',
    covers: ['semantics 2.4'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { $: { order: { handle: 'asc', email: 'asc' } } } }),
    expect: validation('Validation failed for query: We only support a single key in the `order` clause. Got handle,email.'),
  },
  {
    name: 'a cursor must be a join row',
    covers: ['semantics 11'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { $: { before: 10 } } }),
    expect: validation('Validation failed for query: Expected a join row for the cursor, got 10.'),
  },
  {
    name: 'fields must be an array',
    covers: ['semantics 12'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { $: { fields: {} } } }),
    expect: validation('Validation failed for query: The `fields` property should be an array of field names.'),
  },
  {
    name: 'offset, before and after only at the top level',
    covers: ['semantics 2.1'],
    fixture: 'zeneca',
    client: 'plain',
    run: (db) => db.query({ users: { bookshelves: { $: { offset: 1 } } } }),
    expect: validation(
      'Validation failed for query: We currently only support `offset`, `before`, and `after` clauses on the top-level field. Limit fields will be ignored',
    ),
  },
  {
    name: 'aggregates are admin-only',
    covers: ['semantics 13'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.asUser({ guest: true }).query({ users: { $: { aggregate: 'count' } } }),
    expect: validation('Validation failed for query: Aggregates are currently only available for admin queries.'),
  },
  {
    name: 'admin aggregate is accepted but /admin/query returns no aggregate',
    covers: ['semantics 13', 'semantics 7.6'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { $: { aggregate: 'count' } } }),
    expect: { result: { users: [] } },
  },

  // ---- checked data ----
  {
    name: 'equality on a checked string attr rejects a number',
    covers: ['semantics 14'],
    fixture: 'checked',
    client: 'unchecked',
    run: (db) => db.query({ etype: { $: { where: { string: 1 } } } }),
    expect: validation(
      'Validation failed for query: The data type of `etype.string` is `string`, but the query got the value `1` of type `number`.',
      { errors: [{ 'expected?': 'string?', in: ['etype', '$', 'where', 'string'] }] },
    ),
  },
  {
    name: 'relative date words are rejected in equality',
    covers: ['semantics 14'],
    fixture: 'checked',
    client: 'unchecked',
    run: (db) => db.query({ etype: { $: { where: { date: 'tomorrow' } } } }),
    expect: validation(
      'Validation failed for query: The data type of `etype.date` is `date`, but the query got value `"tomorrow"` of type `string`.',
    ),
  },
  {
    name: '$like needs a string',
    covers: ['semantics 14'],
    fixture: 'checked',
    client: 'unchecked',
    run: (db) => db.query({ etype: { $: { where: { string: { $like: 10 } } } } }),
    expect: validation(
      'Validation failed for query: The $like value for `etype.string` must be a string, but the query got the value `10` of type `number`.',
    ),
  },
  {
    name: 'order by an unindexed, untyped attr lists every reason',
    covers: ['semantics 15'],
    fixture: 'checked',
    client: 'unchecked',
    run: (db) => db.query({ etype: { $: { order: { unchecked: 'asc' } } } }),
    expect: validation(undefined, {
      errors: [
        {
          expected: 'supported-order?',
          message: 'The `etype.unchecked` attribute is not indexed. Only indexed and typed attributes can be used to order by.',
        },
        { message: 'The `etype.unchecked` attribute is not typed. Only typed and indexed attributes can be used to order by.' },
      ],
    }),
  },
  {
    name: 'comparison on an unindexed attr',
    covers: ['semantics 16'],
    fixture: 'checked',
    client: 'unchecked',
    run: (db) => db.query({ etype: { $: { where: { priority: { $gt: 2 } } } } }),
    expect: validation(undefined, {
      errors: [
        {
          'expected?': 'indexed?',
          in: ['etype', '$', 'where', 'priority'],
          message: 'The `etype.priority` attribute must be indexed to use comparison operators.',
        },
      ],
    }),
  },
  {
    name: 'comparison on an indexed attr without a type',
    covers: ['semantics 16'],
    fixture: 'checked',
    client: 'unchecked',
    run: (db) => db.query({ etype: { $: { where: { untyped: { $gt: 2 } } } } }),
    expect: validation(
      'Validation failed for query: The `etype.untyped` attribute must have an enforced type to use comparison operators.',
    ),
  },
  {
    name: 'string $gt compares lexicographically',
    covers: ['semantics 17'],
    fixture: 'checked',
    run: (db) => etypeNumbers(db.query({ etype: { $: { where: { string: { $gt: '2' } } } } })),
    expect: { result: [3, 4] },
  },
  {
    name: 'number $lte',
    covers: ['semantics 17'],
    fixture: 'checked',
    run: (db) => etypeNumbers(db.query({ etype: { $: { where: { number: { $lte: 2 } } } } })),
    expect: { result: [0, 1, 2] },
  },
  {
    name: 'date $gt with epoch ms',
    covers: ['semantics 17'],
    fixture: 'checked',
    run: (db) => etypeNumbers(db.query({ etype: { $: { where: { date: { $gt: 2 } } } } })),
    expect: { result: [3, 4] },
  },
  {
    name: 'indexed date equality coerces an ISO string to the stored ms',
    covers: ['semantics 17'],
    fixture: 'checked',
    run: (db) => etypeNumbers(db.query({ etype: { $: { where: { date: '1970-01-01T00:00:00.001Z' } } } })),
    expect: { result: [1] },
  },
  {
    name: 'unindexed date equality compares the stored JSON exactly',
    covers: ['semantics 2.3'],
    fixture: 'checked',
    run: async (db) => [
      await etypeNumbers(db.query({ etype: { $: { where: { plainDate: '1970-01-01T00:00:00.001Z' } } } })),
      await etypeNumbers(db.query({ etype: { $: { where: { plainDate: 1 } } } })),
    ],
    expect: { result: [[], [1]] },
  },
  {
    name: 'boolean $gt true matches nothing',
    covers: ['semantics 17'],
    fixture: 'checked',
    run: (db) => etypeNumbers(db.query({ etype: { $: { where: { boolean: { $gt: true } } } } })),
    expect: { result: [] },
  },
  {
    name: 'boolean $lt true matches false',
    covers: ['semantics 17'],
    fixture: 'checked',
    run: (db) => etypeNumbers(db.query({ etype: { $: { where: { boolean: { $lt: true } } } } })),
    expect: { result: [1, 3] },
  },
  {
    name: '$not on a number',
    covers: ['semantics 17'],
    fixture: 'checked',
    run: (db) => etypeNumbers(db.query({ etype: { $: { where: { number: { $not: 1 } } } } })),
    expect: { result: [0, 2, 3, 4] },
  },
  {
    name: 'number $in',
    covers: ['semantics 18'],
    fixture: 'checked',
    run: (db) => etypeNumbers(db.query({ etype: { $: { where: { number: { $in: [3, 4] } } } } })),
    expect: { result: [3, 4] },
  },
  {
    name: 'boolean $in both values',
    covers: ['semantics 18'],
    fixture: 'checked',
    run: (db) => etypeNumbers(db.query({ etype: { $: { where: { boolean: { $in: [true, false] } } } } })),
    expect: { result: [0, 1, 2, 3, 4] },
  },
  {
    name: 'null in $in on an indexed attr matches the null-valued entity',
    covers: ['semantics 18'],
    fixture: 'checked',
    run: async (db) => {
      const nullish = id();
      await db.transact(db.tx.etype[nullish].update({ number: 99 }));
      const r = await db.query({ etype: { $: { where: { string: { $in: ['3', '4', null] } } } } });
      return sorted(pluck(r.etype, 'number') as number[], (n) => String(n).padStart(3, '0'));
    },
    expect: { result: [3, 4, 99] },
  },
  {
    name: 'null in $in on an unindexed attr is an error',
    covers: ['semantics 18'],
    fixture: 'checked',
    client: 'unchecked',
    run: (db) => db.query({ etype: { $: { where: { label: { $in: ['a', null] } } } } }),
    expect: validation(
      'Validation failed for query: Only indexed attrs can check for `nil` in `$in`. etype.label is not indexed.',
    ),
  },
  {
    name: 'order by a checked boolean, nulls first',
    covers: ['semantics 33'],
    fixture: 'checked',
    run: async (db) => pluck((await db.query({ etype: { $: { order: { boolean: 'asc' } } } })).etype, 'boolean'),
    expect: { result: [false, false, true, true, true] },
  },
  {
    name: 'order by a checked number desc with limit',
    covers: ['semantics 2.4'],
    fixture: 'checked',
    run: async (db) => pluck((await db.query({ etype: { $: { order: { number: 'desc' }, limit: 2 } } })).etype, 'number'),
    expect: { result: [4, 3] },
  },

  // ---- $not / $isNull with nulls ----
  {
    name: '$not matches other values, null and missing',
    covers: ['semantics 19'],
    fixture: 'vals',
    run: (db) => setOf(db.query({ books: { $: { where: { val: { $not: 'a' } } } } }), 'title', 'books'),
    expect: { result: ['b', 'missing', 'null'] },
  },
  {
    name: '$ne is an alias of $not',
    covers: ['semantics 19'],
    fixture: 'vals',
    run: (db) => setOf(db.query({ books: { $: { where: { val: { $ne: 'a' } } } } }), 'title', 'books'),
    expect: { result: ['b', 'missing', 'null'] },
  },
  {
    name: '$isNull true matches null and missing',
    covers: ['semantics 20'],
    fixture: 'vals',
    run: (db) => setOf(db.query({ books: { $: { where: { val: { $isNull: true } } } } }), 'title', 'books'),
    expect: { result: ['missing', 'null'] },
  },
  {
    name: '$isNull false matches present values',
    covers: ['semantics 20'],
    fixture: 'vals',
    run: (db) => setOf(db.query({ books: { $: { where: { val: { $isNull: false } } } } }), 'title', 'books'),
    expect: { result: ['a', 'b'] },
  },
  {
    name: 'explicit null is returned, missing attrs are absent',
    covers: ['semantics 2.2'],
    fixture: 'vals',
    run: (db) => db.query({ books: { $: { where: { title: { $in: ['null', 'missing'] } } } } }),
    expect: {
      check: (r, ctx) =>
        expect(sorted(r.books, (b: any) => b.title)).toEqual([
          { id: ctx.ids.missing, title: 'missing' },
          { id: ctx.ids.null, title: 'null', val: null },
        ]),
    },
  },
  {
    name: '$isNull through a one-to-one link',
    covers: ['semantics 21'],
    fixture: 'links11',
    run: (db) => setOf(db.query({ fwd: { $: { where: { 'rev.prop': { $isNull: true } } } } }), 'name', 'fwd'),
    expect: { result: ['noLink', 'propMissing', 'propNull'] },
  },
  {
    name: '$not through a one-to-one link',
    covers: ['semantics 21'],
    fixture: 'links11',
    run: (db) => setOf(db.query({ fwd: { $: { where: { 'rev.prop': { $not: 'a' } } } } }), 'name', 'fwd'),
    expect: { result: ['noLink', 'propB', 'propMissing', 'propNull'] },
  },
  {
    name: '$isNull on a link: entities without links',
    covers: ['semantics 22'],
    fixture: 'zeneca',
    run: async (db) => {
      await db.transact(db.tx.users[id()].update({ handle: 'dww' }));
      return handles(db.query({ users: { $: { where: { bookshelves: { $isNull: true } } } } }));
    },
    expect: { result: ['dww'] },
  },

  // ---- where operators on the zeneca data ----
  {
    name: '$in on handles',
    covers: ['semantics 23'],
    fixture: 'zeneca',
    run: (db) => setOf(db.query({ users: { $: { where: { handle: { $in: ['stopa', 'joe'] } } } } })),
    expect: { result: ['joe', 'stopa'] },
  },
  {
    name: 'legacy in on handles',
    covers: ['semantics 23'],
    fixture: 'zeneca',
    client: 'plain',
    run: (db) => setOf(db.query({ users: { $: { where: { handle: { in: ['stopa', 'joe'] } } } } })),
    expect: { result: ['joe', 'stopa'] },
  },
  {
    name: '$like with wildcards',
    covers: ['semantics 24'],
    fixture: 'zeneca',
    run: (db) => setOf(db.query({ users: { $: { where: { handle: { $like: '%o%' } } } } })),
    expect: { result: ['joe', 'nicolegf', 'stopa'] },
  },
  {
    name: '$like without wildcards is exact',
    covers: ['semantics 24'],
    fixture: 'zeneca',
    run: (db) => handles(db.query({ users: { $: { where: { handle: { $like: 'joe' } } } } })),
    expect: { result: ['joe'] },
  },
  {
    name: '$like is case-sensitive (fullName is not indexed, so the schema-less client is used)',
    covers: ['semantics 24'],
    fixture: 'zeneca',
    client: 'plain',
    run: (db) => db.query({ users: { $: { where: { handle: { $like: '%O%' } } } } }),
    expect: { result: { users: [] } },
  },
  {
    name: '$ilike is case-insensitive',
    covers: ['semantics 24'],
    fixture: 'zeneca',
    run: (db) => setOf(db.query({ users: { $: { where: { handle: { $ilike: '%O%' } } } } })),
    expect: { result: ['joe', 'nicolegf', 'stopa'] },
  },
  {
    name: '$like on an unindexed attr is rejected by the server',
    covers: ['semantics 24', 'semantics 7.4'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.query({ users: { $: { where: { fullName: { $ilike: '%O%' } } } } }),
    expect: validation('Validation failed for query: The `users.fullName` attribute must be indexed to use comparison operators.'),
  },
  {
    name: 'and over a deep path matches different books',
    covers: ['semantics 25'],
    fixture: 'zeneca',
    run: (db) =>
      setOf(
        db.query({
          users: {
            $: {
              where: {
                and: [
                  { 'bookshelves.books.title': 'The Count of Monte Cristo' },
                  { 'bookshelves.books.title': 'Antifragile' },
                ],
              },
            },
          },
        }),
      ),
    expect: { result: ['nicolegf', 'stopa'] },
  },
  {
    name: 'deep where through two links',
    covers: ['semantics 26'],
    fixture: 'zeneca',
    run: (db) => handles(db.query({ users: { $: { where: { 'bookshelves.books.title': "Aesop's Fables" } } } })),
    expect: { result: ['alex'] },
  },
  {
    name: 'or of conditions',
    covers: ['semantics 2.3'],
    fixture: 'zeneca',
    run: (db) => setOf(db.query({ users: { $: { where: { or: [{ handle: 'joe' }, { 'bookshelves.title': 'Nonfiction' }] } } } })),
    expect: { result: ['alex', 'joe'] },
  },
  {
    name: 'nested or inside and',
    covers: ['semantics 2.3'],
    fixture: 'zeneca',
    run: (db) =>
      setOf(
        db.query({
          users: {
            $: { where: { and: [{ or: [{ handle: 'joe' }, { handle: 'stopa' }] }, { 'bookshelves.books.title': 'Sapiens' }] } },
          },
        }),
      ),
    expect: { result: ['stopa'] },
  },
  {
    name: 'forward link equality by id',
    covers: ['semantics 27'],
    fixture: 'zeneca',
    run: (db, ctx) => handles(db.query({ users: { $: { where: { bookshelves: ctx.ids.stopaShelf3 } } } })),
    expect: { result: ['stopa'] },
  },
  {
    name: 'forward link equality through .id',
    covers: ['semantics 27'],
    fixture: 'zeneca',
    run: (db, ctx) => handles(db.query({ users: { $: { where: { 'bookshelves.id': ctx.ids.stopaShelf3 } } } })),
    expect: { result: ['stopa'] },
  },
  {
    name: 'reverse link equality by id',
    covers: ['semantics 27'],
    fixture: 'zeneca',
    run: async (db, ctx) => (await db.query({ bookshelves: { $: { where: { users: ctx.ids.stopa } } } })).bookshelves.length,
    expect: { result: 16 },
  },
  {
    name: 'reverse link equality through .id',
    covers: ['semantics 27'],
    fixture: 'zeneca',
    run: async (db, ctx) => (await db.query({ bookshelves: { $: { where: { 'users.id': ctx.ids.stopa } } } })).bookshelves.length,
    expect: { result: 16 },
  },
  {
    name: 'id equality and $in on ids',
    covers: ['semantics 2.3', 'wire 6'],
    fixture: 'zeneca',
    run: async (db, ctx) => [
      await handles(db.query({ users: { $: { where: { id: ctx.ids.joe } } } })),
      await setOf(db.query({ users: { $: { where: { id: { $in: [ctx.ids.joe, ctx.ids.alex] } } } } })),
    ],
    expect: { result: [['joe'], ['alex', 'joe']] },
  },

  // ---- unknown names ----
  {
    name: 'unknown namespace returns []',
    covers: ['semantics 28'],
    fixture: 'zeneca',
    client: 'plain',
    run: (db) => db.query({ moopy: {} }),
    expect: { result: { moopy: [] } },
  },
  {
    name: 'unknown child link returns [] on each parent',
    covers: ['semantics 28'],
    fixture: 'zeneca',
    client: 'plain',
    run: async (db) => (await db.query({ users: { moopy: {}, $: { where: { handle: 'joe' } } } })).users.map((u: any) => [u.handle, u.moopy]),
    expect: { result: [['joe', []]] },
  },
  {
    name: 'unknown attr in a where path returns []',
    covers: ['semantics 28'],
    fixture: 'zeneca',
    client: 'plain',
    run: (db) => db.query({ users: { $: { where: { 'bookshelves.moopy': 'joe' } } } }),
    expect: { result: { users: [] } },
  },
  {
    name: 'unknown top-level attr in where returns []',
    covers: ['semantics 28', 'semantics 2.6'],
    fixture: 'zeneca',
    client: 'plain',
    run: (db) => db.query({ users: { $: { where: { moopy: 'x' } } }, books: { $: { where: { title: 'Sapiens' } } } }),
    expect: { check: (r) => expect([r.users, pluck(r.books, 'title')]).toEqual([[], ['Sapiens']]) },
  },
  {
    name: 'a data attr used as a link is an error',
    covers: ['semantics 2.6'],
    fixture: 'zeneca',
    client: 'plain',
    run: (db) => db.query({ users: { handle: {} } }),
    expect: validation('Validation failed for attr: users.handle needs to be a link'),
  },

  // ---- fields ----
  {
    name: 'empty fields returns only ids',
    covers: ['semantics 29'],
    fixture: 'zeneca',
    run: async (db) => (await db.query({ users: { $: { fields: [] } } })).users.map((u: any) => Object.keys(u)),
    expect: { result: [['id'], ['id'], ['id'], ['id']] },
  },
  {
    name: 'fields on a nested link',
    covers: ['semantics 29'],
    fixture: 'zeneca',
    run: async (db) => {
      const r = await db.query({ users: { $: { where: { handle: 'alex' } }, bookshelves: { $: { fields: ['title'] } } } });
      return sorted(r.users[0].bookshelves.map((b: any) => Object.keys(b).sort().join(',')));
    },
    expect: { result: ['id,title', 'id,title'] },
  },

  // ---- pagination ----
  {
    name: 'default order is serverCreatedAt asc',
    covers: ['semantics 30'],
    fixture: 'zeneca',
    run: (db) => handles(db.query({ users: {} })),
    expect: { result: ['stopa', 'joe', 'alex', 'nicolegf'] },
  },
  {
    name: 'limit',
    covers: ['semantics 30'],
    fixture: 'zeneca',
    run: (db) => handles(db.query({ users: { $: { limit: 2 } } })),
    expect: { result: ['stopa', 'joe'] },
  },
  {
    name: 'limit with offset',
    covers: ['semantics 30'],
    fixture: 'zeneca',
    run: (db) => handles(db.query({ users: { $: { limit: 2, offset: 1 } } })),
    expect: { result: ['joe', 'alex'] },
  },
  {
    name: 'offset past the end',
    covers: ['semantics 30'],
    fixture: 'zeneca',
    run: (db) => handles(db.query({ users: { $: { limit: 1, offset: 999 } } })),
    expect: { result: [] },
  },
  {
    name: 'serverCreatedAt desc with first',
    covers: ['semantics 30'],
    fixture: 'zeneca',
    run: (db) => handles(db.query({ users: { $: { order: { serverCreatedAt: 'desc' }, first: 3 } } })),
    expect: { result: ['nicolegf', 'alex', 'joe'] },
  },
  {
    name: 'last n before a cursor (ordered by handle)',
    covers: ['semantics 31'],
    fixture: 'zeneca',
    run: async (db, ctx) => {
      const cursor = [ctx.ids.nicolegf, await ctx.attrId('users', 'handle'), 'nicolegf', 0];
      return handles(db.query({ users: { $: { order: { handle: 'asc' }, last: 2, before: cursor } } }));
    },
    expect: { result: ['alex', 'joe'] },
  },
  {
    name: 'first n after a cursor, and the inclusive variant',
    covers: ['semantics 31'],
    fixture: 'zeneca',
    run: async (db, ctx) => {
      const cursor = [ctx.ids.joe, await ctx.attrId('users', 'handle'), 'joe', 0];
      return [
        await handles(db.query({ users: { $: { order: { handle: 'asc' }, first: 1, after: cursor } } })),
        await handles(db.query({ users: { $: { order: { handle: 'asc' }, first: 2, after: cursor, afterInclusive: true } } })),
      ];
    },
    expect: { result: [['nicolegf'], ['joe', 'nicolegf']] },
  },
  {
    name: 'after a cursor in desc order',
    covers: ['semantics 31'],
    fixture: 'zeneca',
    run: async (db, ctx) => {
      const cursor = [ctx.ids.nicolegf, await ctx.attrId('users', 'handle'), 'nicolegf', 0];
      return handles(db.query({ users: { $: { order: { handle: 'desc' }, first: 1, after: cursor } } }));
    },
    expect: { result: ['joe'] },
  },
  {
    name: 'a cursor from another ordering is rejected',
    covers: ['semantics 2.4'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: async (db, ctx) => {
      const cursor = [ctx.ids.joe, await ctx.attrId('users', 'handle'), 'joe', 0];
      return db.query({ users: { $: { first: 1, after: cursor } } });
    },
    expect: validation(
      'Validation failed for query: Invalid after cursor. The query orders by `serverCreatedAt`, but the query that returned the cursor orders by `handle`.',
    ),
  },
  {
    name: 'order by a nullable attr puts nulls first (asc) and last (desc)',
    covers: ['semantics 32'],
    fixture: 'zeneca',
    run: async (db) => {
      const first = '00000000-0000-4000-8000-000000000000';
      const second = '00000000-0000-4000-8000-000000000001';
      await db.transact(db.tx.users[first].update({ handle: 'first' }));
      await db.transact(db.tx.users[second].update({ handle: 'second', email: null }));
      return [
        await handles(db.query({ users: { $: { order: { email: 'asc' } } } })),
        await handles(db.query({ users: { $: { order: { email: 'desc' } } } })),
      ];
    },
    expect: {
      result: [
        ['first', 'second', 'alex', 'joe', 'nicolegf', 'stopa'],
        ['stopa', 'nicolegf', 'joe', 'alex', 'second', 'first'],
      ],
    },
  },
  {
    name: 'indexed attrs read back as null when never set',
    covers: ['semantics 2.2'],
    fixture: 'zeneca',
    run: async (db) => {
      const u = id();
      await db.transact(db.tx.users[u].update({ handle: 'noemail' }));
      return (await db.query({ users: { $: { where: { handle: 'noemail' } } } })).users[0];
    },
    expect: { check: (u) => expect(u).toMatchObject({ handle: 'noemail', email: null }) },
  },
  {
    name: 'nested order is applied in memory',
    covers: ['semantics 34'],
    fixture: 'zeneca',
    run: async (db) => {
      const r = await db.query({ users: { $: { where: { handle: 'stopa' } }, bookshelves: { $: { order: { order: 'desc' } } } } });
      return pluck(r.users[0].bookshelves, 'order');
    },
    expect: { result: Array.from({ length: 16 }, (_, n) => 15 - n) },
  },
  {
    name: 'nested limit is ignored by the server',
    covers: ['semantics 2.1', 'semantics 7.3'],
    fixture: 'zeneca',
    client: 'plain',
    run: async (db) => (await db.query({ users: { $: { where: { handle: 'stopa' } }, bookshelves: { $: { limit: 2 } } } })).users[0].bookshelves.length,
    expect: { result: 16 },
  },
  {
    name: 'nested where filters children only',
    covers: ['semantics 2.3'],
    fixture: 'zeneca',
    run: async (db) => {
      const r = await db.query({ users: { bookshelves: { $: { where: { title: 'Nonfiction' } } } } });
      return r.users.map((u: any) => [u.handle, u.bookshelves.map((b: any) => b.title)]);
    },
    expect: { result: [['stopa', []], ['joe', []], ['alex', ['Nonfiction']], ['nicolegf', []]] },
  },
  {
    name: 'many-to-many children in both directions',
    covers: ['semantics 2.2'],
    fixture: 'zeneca',
    run: async (db) => {
      const r = await db.query({ books: { $: { where: { title: 'Antifragile' } }, bookshelves: { users: { $: { fields: ['handle'] } } } } });
      return sorted(r.books[0].bookshelves.flatMap((s: any) => s.users.map((u: any) => u.handle)));
    },
    expect: { result: ['joe', 'nicolegf', 'stopa'] },
  },

  // ---- inference ----
  {
    name: 'without inference a has-one link is an array',
    covers: ['semantics 35'],
    fixture: 'todo',
    client: 'plain',
    run: async (db) => (await db.query({ goals: { $: { where: { title: 'Get fit' } }, owner: {} } })).goals[0].owner,
    expect: { check: (owner, ctx) => expect(owner).toEqual([{ id: ctx.ids.alice, name: 'alice' }]) },
  },
  {
    name: 'with inference a has-one link is an object',
    covers: ['semantics 35'],
    fixture: 'todo',
    run: async (db) => (await db.query({ goals: { $: { where: { title: 'Get fit' } }, owner: {} } })).goals[0].owner,
    expect: { check: (owner, ctx) => expect(owner).toEqual({ id: ctx.ids.alice, name: 'alice' }) },
  },
  {
    name: 'with inference a missing has-one link is null',
    covers: ['semantics 35'],
    fixture: 'todo',
    run: async (db) => (await db.query({ goals: { $: { where: { title: 'Read more' } }, owner: {} } })).goals[0].owner,
    expect: { result: null },
  },
  {
    name: 'with inference the has-one side of a reverse link is an object, has-many stays an array',
    covers: ['semantics 35'],
    fixture: 'todo',
    run: async (db) => {
      const r = await db.query({ todos: { $: { where: { title: 'run' } }, goal: { todos: {} } } });
      const todo = r.todos[0];
      return [todo.goal.title, Array.isArray(todo.goal.todos), todo.goal.todos.length];
    },
    expect: { result: ['Get fit', true, 2] },
  },
  {
    name: 'has-one forward links also appear as id fields',
    covers: ['semantics 2.2', 'semantics 7.10'],
    fixture: 'todo',
    run: async (db) => (await db.query({ goals: { $: { where: { title: 'Get fit' } } } })).goals[0],
    expect: {
      check: (goal, ctx) => expect(goal).toEqual({ id: ctx.ids.fit, title: 'Get fit', priority: 1, owner: ctx.ids.alice }),
    },
  },
  {
    name: 'where on a reverse has-one link and a nested boolean',
    covers: ['semantics 2.3'],
    fixture: 'todo',
    run: (db) => setOf(db.query({ goals: { $: { where: { 'todos.done': true } } } }), 'title', 'goals'),
    expect: { result: ['Get fit'] },
  },
  {
    name: '$$ruleParams are accepted and ignored for admin',
    covers: ['wire 4.1', 'wire 6'],
    fixture: 'todo',
    run: async (db, ctx) => {
      const r = await db.query({ goals: {} }, { ruleParams: { knownGoalId: ctx.ids.fit } });
      return sorted(pluck(r.goals, 'title') as string[]);
    },
    expect: { result: ['Get fit', 'Read more'] },
  },
  {
    name: 'results map back to fixture names',
    covers: ['semantics 2.2'],
    fixture: 'todo',
    run: async (db, ctx) => {
      const r = await db.query({ owners: { goals: { todos: {} } } });
      return r.owners.map((o: any) => [o.name, o.goals.map((g: any) => [nameOf(ctx.ids, g.id), sorted(g.todos.map((t: any) => t.title))])]);
    },
    expect: { result: [['alice', [['fit', ['run', 'swim']]]]] },
  },
];
