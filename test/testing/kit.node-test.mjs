// Run by test/testing.test.ts as `node --test` (outside vitest): the built kit through its package export
// (`instant-codegen/testing`, a self-reference) with the generated todo client (fixtures/todo/instant.gen).
// The last test leaves its app open on purpose: the process must still exit.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from 'instant-codegen/testing';
import { createClient, id } from '../../fixtures/todo/instant.gen/index.js';

const schema = new URL('../../fixtures/todo/instant.schema.ts', import.meta.url);
const todo = (title) => ({ title, done: false, createdAt: new Date(0) });

test('an isolated app per test', async () => {
  const [a, b] = await Promise.all([createTestApp({ schema, createClient }), createTestApp({ schema, createClient })]);
  await a.db.transact(a.db.todos.tx(id()).create(todo('a')));
  assert.deepEqual((await a.db.todos.query()).map((r) => r.title), ['a']);
  assert.deepEqual(await b.db.todos.query(), []);
  await Promise.all([a.close(), b.close()]);
});

test('mailbox and reset', async () => {
  const t = await createTestApp({ schema, createClient });
  const { code } = await t.db.auth.sendMagicCode('n@example.com');
  assert.equal(t.mailbox.last('n@example.com'), code);
  await t.reset();
  assert.equal(t.mailbox.messages.length, 0);
  await t.close();
});

test('an app left open', async () => {
  const t = await createTestApp({ schema, createClient });
  await t.db.transact(t.db.todos.tx(id()).create(todo('left open')));
  assert.equal(await t.db.todos.count(), 1);
});
