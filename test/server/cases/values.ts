// Values Postgres refuses to store, as Instant reports them: over 1 KB on an indexed, unique or link attr
// (01_bootstrap.up.sql `indexed_values_are_constrained`; transaction_test.clj
// `rejects-large-values-for-indexed-data`), U+0000 anywhere (transaction_test.clj `null-byte-error-message`),
// and the shape exception.clj `translate-and-throw-psql-exception!` gives both errors.

import { id, lookup } from '@instantdb/admin';
import { expect } from 'vitest';
import type { AdminDbLike, ConformanceCase } from '../../support/conformance.js';

const tooLarge = (kind: 'an indexed' | 'a unique', hint: Record<string, unknown>) => ({
  error: { status: 400, type: 'validation-failed', message: `Value is too large for ${kind} attribute.`, hint: { ...hint, 'value-too-large?': true } },
});

const NULL_BYTES = {
  error: {
    status: 400,
    type: 'validation-failed',
    message: 'A value in the transaction contains null bytes, which cannot be stored.',
    hint: { table: null, condition: 'untranslatable-character', constraint: null },
  },
};

// A text parameter with U+0000 (attr names, `$like` values): Postgres's 22021, exception.clj `default-psql-throw!`.
const TEXT_PARAM = '500 sql-exception SQL Exception: character-not-in-repertoire';

/** `'ok'` or `status type message` of the error. */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: any) => (e.body ? `${e.status} ${e.body.type} ${e.body.message}` : String(e)),
  );

/** The first 64 bytes of the value's jsonb text and "...", as Postgres's row detail shows a long column. */
const shown = (s: string) => `"${s.slice(0, 63)}...`;

/** `'ok'` or the error's message. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: any) => e.body?.message ?? String(e),
  );

const countOf = async (db: AdminDbLike, ns: string) => (await db.query({ [ns]: {} }))[ns].length;

export const VALUE_CASES: ConformanceCase[] = [
  {
    name: 'a 1,000,000-character value on an indexed attr is refused',
    covers: ['transaction_test.clj rejects-large-values-for-indexed-data'],
    fixture: 'checked',
    run: async (db, ctx) => {
      const eid = id();
      const err = await db.transact(db.tx.etype[eid].update({ string: 'a'.repeat(1_000_000) })).catch((e: any) => e);
      expect(err.body.hint['entity-id']).toBe(eid);
      expect(err.body.hint['attr-id']).toBe(await ctx.attrId('etype', 'string'));
      throw err;
    },
    expect: tooLarge('an indexed', { namespace: 'etype', attribute: 'string', value: shown('a'.repeat(100)), 'checked-data-type': 'string' }),
  },
  {
    name: 'a 1,000,000-character value on a unique attr is refused',
    covers: ['transaction_test.clj rejects-large-values-for-indexed-data'],
    fixture: 'zeneca',
    run: (db) => db.transact(db.tx.users[id()].update({ handle: 'b'.repeat(1_000_000) })),
    expect: tooLarge('a unique', { namespace: 'users', attribute: 'handle', value: shown('b'.repeat(100)), 'checked-data-type': 'string' }),
  },
  {
    // triple.clj writes the unique triple of a lookup that finds nothing (`av` true), so the limit applies.
    name: 'a lookup over the limit that would create its entity is refused as a unique value',
    covers: ['triple.clj insert-multi! (lookup-ref-inserts)'],
    fixture: 'zeneca',
    run: async (db) => {
      const before = (await db.query({ users: {} })).users.length;
      const err = await outcome(db.transact(db.tx.users[lookup('handle', 'h'.repeat(2000))].update({ fullName: 'via lookup' })));
      return [err, (await db.query({ users: {} })).users.length - before];
    },
    expect: { result: ['Value is too large for a unique attribute.', 0] },
  },
  {
    name: 'the limit is 1024 bytes of jsonb: a 1012-byte string fits, 1013 bytes do not, other attrs have no limit',
    covers: ['01_bootstrap.up.sql indexed_values_are_constrained'],
    fixture: 'checked',
    run: async (db) => {
      const write = (data: Record<string, unknown>) => outcome(db.transact(db.tx.etype[id()].update(data)));
      return [
        await write({ string: 'a'.repeat(1012) }),
        await write({ string: 'é'.repeat(506) }),
        await write({ string: 'a'.repeat(1013) }),
        await write({ string: 'é'.repeat(507) }),
        await write({ label: 'a'.repeat(100_000) }),
        await write({ unchecked: { text: 'a'.repeat(100_000) } }),
      ];
    },
    expect: {
      result: ['ok', 'ok', 'Value is too large for an indexed attribute.', 'Value is too large for an indexed attribute.', 'ok', 'ok'],
    },
  },
  {
    name: 'an object over the limit on an untyped indexed attr: the hint shows its jsonb text and checked-data-type "null"',
    covers: ['exception.clj translate-and-throw-psql-exception!'],
    fixture: 'checked',
    run: (db) => db.transact(db.tx.etype[id()].update({ untyped: { zz: 'x'.repeat(2000), a: 1 } })),
    // jsonb orders keys by length, then bytes; a column that is NULL shows as the word null.
    expect: tooLarge('an indexed', { attribute: 'untyped', value: `{"a": 1, "zz": "${'x'.repeat(48)}...`, 'checked-data-type': 'null' }),
  },
  {
    name: 'a merge that grows an indexed value over the limit is refused',
    covers: ['01_bootstrap.up.sql indexed_values_are_constrained'],
    fixture: 'checked',
    run: async (db) => {
      const eid = id();
      await db.transact(db.tx.etype[eid].update({ untyped: { a: 'x'.repeat(600) } }));
      const err = await outcome(db.transact(db.tx.etype[eid].merge({ untyped: { b: 'y'.repeat(600) } })));
      const row = (await db.query({ etype: { $: { where: { id: eid } } } })).etype[0];
      return [err, Object.keys(row.untyped)];
    },
    expect: { result: ['Value is too large for an indexed attribute.', ['a']] },
  },
  {
    name: 'a wrong type too long for the row detail: the message cannot name the type, the hint is cut',
    covers: ['exception.clj translate-and-throw-psql-exception! (truncated-value?)'],
    fixture: 'checked',
    client: 'unchecked',
    run: (db) => db.transact(db.tx.etype[id()].update({ number: 'n'.repeat(100) })),
    expect: {
      error: {
        status: 400,
        type: 'validation-failed',
        message: 'Invalid value type for etype.number. Value must be a number.',
        hint: { attribute: 'number', value: shown('n'.repeat(100)), 'checked-data-type': 'number' },
      },
    },
  },
  {
    name: 'a string with a null byte is refused',
    covers: ['transaction_test.clj null-byte-error-message'],
    fixture: 'zeneca',
    run: (db) => db.transact(db.tx.users[id()].update({ handle: 'nul', fullName: 'Hello\u0000World' })),
    expect: NULL_BYTES,
  },
  {
    name: 'null bytes are refused in object keys and nested values, and nothing is written',
    covers: ['exception.clj translate-and-throw-psql-exception! (untranslatable-character)'],
    fixture: 'checked',
    run: async (db) => {
      const before = await countOf(db, 'etype');
      const attempts = [
        db.tx.etype[id()].update({ unchecked: { 'key\u0000': 1 } }),
        db.tx.etype[id()].update({ unchecked: [{ deep: ['a\u0000'] }] }),
        db.tx.etype[id()].merge({ unchecked: { a: '\u0000' } }),
      ];
      const results = [];
      for (const chunk of attempts) results.push(await outcome(db.transact([db.tx.etype[id()].update({ label: 'first' }), chunk])));
      return [results, (await countOf(db, 'etype')) - before];
    },
    expect: { result: [Array(3).fill(NULL_BYTES.error.message), 0] },
  },
  {
    name: 'null bytes are refused in lookups (update, delete and link targets)',
    covers: ['transaction.clj resolve-lookups, validate-mode; triple.clj insert-multi! (lookup values cast to jsonb)'],
    fixture: 'zeneca',
    run: async (db) => {
      const before = await countOf(db, 'users');
      const nul = lookup('handle', 'x\u0000');
      const attempts = [
        db.tx.users[nul].update({ fullName: 'via lookup' }),
        db.tx.users[nul].update({ fullName: 'strict' }, { upsert: false }),
        db.tx.users[nul].delete(),
        db.tx.bookshelves[id()].update({ title: 'shelf' }).link({ users: nul }),
      ];
      const results = [];
      for (const chunk of attempts) results.push(await outcome(db.transact([db.tx.users[id()].update({ handle: 'first' }), chunk])));
      return [results, (await countOf(db, 'users')) - before];
    },
    expect: { result: [Array(4).fill(NULL_BYTES.error.message), 0] },
  },
  {
    // attr.clj insert-multi! casts etype and label as text; the driver sends U+0000 as a 0x00 byte.
    name: 'a null byte in a new namespace, attribute or link label is a 500 sql-exception, and nothing is written',
    covers: ['attr.clj insert-multi! (attr-table-values)', 'exception.clj default-psql-throw!', 'pgerrors.clj 22021'],
    fixture: 'zeneca',
    client: 'plain',
    run: async (db) => {
      const before = await countOf(db, 'users');
      const attempts = [
        db.tx['us\u0000ers'][id()].update({ handle: 'h' }),
        db.tx.users[id()].update({ 'full\u0000Name': 'x' }),
        db.tx.users[id()].link({ 'shel\u0000ves': id() }),
        db.tx.users[lookup('han\u0000dle', 'x')].update({ fullName: 'x' }),
      ];
      const results = [];
      for (const chunk of attempts) results.push(await failure(db.transact([db.tx.users[id()].update({ handle: `first-${results.length}` }), chunk])));
      const names = Object.keys((await db.query({ users: { $: { limit: 1 } } })).users[0] ?? {});
      return [results, (await countOf(db, 'users')) - before, names.filter((n) => n.includes('\u0000'))];
    },
    expect: { result: [Array(4).fill(TEXT_PARAM), 0, []] },
  },
  {
    name: 'the sql-exception hint names the condition',
    covers: ['exception.clj translate-and-throw-psql-exception! (hint: select-keys table condition constraint)'],
    fixture: 'zeneca',
    client: 'plain',
    run: (db) => db.transact(db.tx['go\u0000als'][id()].update({ title: 'x' })),
    expect: { error: { status: 500, type: 'sql-exception', hint: { table: null, condition: 'character-not-in-repertoire', constraint: null } } },
  },
  {
    // triple.clj delete-entity-multi! sends the namespaces inside jsonb, like values.
    name: 'a delete in a namespace with a null byte is the null-bytes error',
    covers: ['triple.clj delete-entity-multi! (?id+etypes as jsonb)'],
    fixture: 'zeneca',
    client: 'plain',
    run: (db) => db.transact(db.tx['us\u0000ers'][id()].delete()),
    expect: NULL_BYTES,
  },
  {
    // admin/model.clj transform: with a schema, a name nobody declared stops before any SQL.
    name: 'with a schema, a new name with a null byte is a missing attribute',
    covers: ['admin/model.clj transform (throw-on-missing-attrs?)'],
    fixture: 'zeneca',
    client: 'unchecked',
    run: (db) => db.transact(db.tx.users[id()].update({ 'full\u0000Name': 'x' })),
    expect: { error: { status: 400, type: 'validation-failed', hint: { errors: [{ message: 'Attributes are missing in your schema', hint: { attributes: ['users.full\u0000Name'] } }] } } },
  },
  {
    // datalog.clj value->jsonb / in-any cast where values to jsonb; `$like` passes a text parameter.
    name: 'a null byte in a where value: jsonb comparisons give the null-bytes error, $like the sql-exception',
    covers: ['datalog.clj value->jsonb, in-any, data-type-comparison', 'exception.clj translate-and-throw-psql-exception!'],
    fixture: 'checked',
    run: (db) =>
      Promise.all(
        [
          { label: 'a\u0000' },
          { label: { $in: ['x', 'a\u0000'] } },
          { label: { $not: 'a\u0000' } },
          { string: { $gt: '\u0000' } },
          { string: { $like: '%\u0000%' } },
          { string: { $ilike: '\u0000' } },
        ].map((where) => failure(db.query({ etype: { $: { where } } } as any))),
      ),
    expect: {
      result: [
        ...Array(4).fill(`400 validation-failed ${NULL_BYTES.error.message}`),
        TEXT_PARAM,
        TEXT_PARAM,
      ],
    },
  },
  {
    // Names in a query are looked up among the attrs (no SQL): one with a null byte is just unknown.
    name: 'a null byte in a query namespace or where key answers as any unknown name',
    covers: ['instaql.clj (attrs resolved in memory)'],
    fixture: 'checked',
    client: 'unchecked',
    run: async (db) => {
      const answer = (q: Record<string, unknown>) => db.query(q as any).then((r) => JSON.stringify(Object.values(r)), (e: any) => `${e.status} ${e.body?.type}`);
      return [
        (await answer({ 'et\u0000ype': {} })) === (await answer({ etypeX: {} })),
        (await answer({ etype: { $: { where: { 'la\u0000bel': 'a' } } } })) === (await answer({ etype: { $: { where: { labelX: 'a' } } } })),
      ];
    },
    expect: { result: [true, true] },
  },
  {
    name: 'lone surrogates are stored as "?" in values, keys and lookups; where values compare as "?"',
    covers: ['json.clj ->json (cheshire generate-string)', 'pgjdbc 42.7.3 Utils.encodeUTF8 (server/deps.edn)'],
    fixture: 'zeneca',
    run: async (db) => {
      const a = id();
      await db.transact(db.tx.users[a].update({ handle: 'lone-\ud800', fullName: 'x\udc00y\ud83d\ude00' }));
      await db.transact(db.tx.users[lookup('handle', 'lone-\udbff')].update({ fullName: 'by lookup' }));
      const byValue = await db.query({ users: { $: { where: { handle: 'lone-\udfff' } } } });
      const all = (await db.query({ users: { $: { where: { handle: { $like: 'lone-%' } } } } })).users;
      return [
        byValue.users.map((u: any) => u.id === a),
        all.map((u: any) => [u.handle, u.fullName]).sort(),
      ];
    },
    expect: { result: [[true], [['lone-?', 'by lookup']]] },
  },
  {
    name: 'lone surrogates in object keys and nested values are stored as "?"',
    covers: ['json.clj ->json (cheshire generate-string)', 'pgjdbc 42.7.3 Utils.encodeUTF8 (server/deps.edn)'],
    fixture: 'checked',
    run: async (db) => {
      const eid = id();
      await db.transact(db.tx.etype[eid].update({ unchecked: { 'k\ud800': ['\udc00', { n: 'ok\ud83d\ude00' }] } }));
      return (await db.query({ etype: { $: { where: { id: eid } } } })).etype[0].unchecked;
    },
    expect: { result: { 'k?': ['?', { n: 'ok\ud83d\ude00' }] } },
  },
];
