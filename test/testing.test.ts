// instant-codegen/testing: isolated apps on one shared in-process server, through the generated client
// and through @instantdb/admin. The magic-code email follows Instant's runtime/magic_code_auth.clj
// (`default-email-params`: subject "<code> is your verification code for <app>").

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { init, id as sdkId } from '@instantdb/admin';
import { createClient, id, type InstantClient } from '../fixtures/todo/instant.gen/index.js';
import sdkSchema from '../fixtures/todo/instant.schema.js';
import { closeTestServer, createTestApp, type TestApp } from '../src/testing/index.js';
import { SchemaError } from '../src/ir/SchemaError.js';
import { ROOT } from './support/paths.js';

const schema = path.join(ROOT, 'fixtures/todo/instant.schema.ts');
const permsFile = path.join(ROOT, 'fixtures/todo/instant.perms.ts');
const todo = (title: string) => ({ title, done: false, createdAt: new Date(0) });

const opened: TestApp<unknown>[] = [];
async function generatedApp(perms?: object | string) {
  const t = await createTestApp({ schema, perms, createClient });
  opened.push(t);
  return t;
}
async function sdkApp(perms?: object | string) {
  const t = await createTestApp({ schema, perms, createClient: (config) => init({ ...config, schema: sdkSchema }) });
  opened.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.close()));
});

describe('createTestApp with the generated client', () => {
  it('gives each app its own data on one shared server, with a typed client', async () => {
    const [a, b] = await Promise.all([generatedApp(), generatedApp()]);
    expectTypeOf(a.db).toEqualTypeOf<InstantClient>();
    // @ts-expect-error: the typed client has no entity of that name
    void a.db.notAnEntity;
    expect(a.apiURI).toBe(b.apiURI);
    expect(a.appId).not.toBe(b.appId);
    await a.db.transact(a.db.todos.tx(id()).create(todo('only in a')));
    expect((await a.db.todos.query()).map((r) => r.title)).toEqual(['only in a']);
    expect(await b.db.todos.query()).toEqual([]);
  });

  it('reset() deletes the data and keeps the schema; seed() takes steps or a function', async () => {
    const [t, other] = await Promise.all([generatedApp(), generatedApp()]);
    await other.db.transact(other.db.todos.tx(id()).create(todo('untouched')));
    const first = id();
    await t.seed([['update', 'todos', first, { title: 'seeded', done: false, createdAt: 0 }]]);
    await t.seed((db) => db.transact(db.todos.tx(id()).create(todo('by function'))));
    expect((await t.db.todos.query({ $: { order: { title: 'asc' } } })).map((r) => r.title)).toEqual(['by function', 'seeded']);
    await t.reset();
    expect(await t.db.todos.query()).toEqual([]);
    expect((await other.db.todos.query()).map((r) => r.title)).toEqual(['untouched']);
    // the unique index on todos.title is still there after the reset
    await t.db.transact(t.db.todos.tx(id()).create(todo('again')));
    await expect(t.db.transact(t.db.todos.tx(id()).create(todo('again')))).rejects.toThrow(/unique/i);
  });

  it('reset() pushes the emptied result to live queries', async () => {
    const t = await generatedApp();
    await t.db.transact(t.db.todos.tx(id()).create(todo('live')));
    const sub = t.db.todos.subscribe();
    const results = sub[Symbol.asyncIterator]();
    const next = async () => {
      const r = await results.next();
      if (r.done) throw new Error('the subscription ended');
      return r.value;
    };
    const first = await next();
    expect(first.type === 'ok' && first.data.map((r) => r.title)).toEqual(['live']);
    await t.reset();
    const after = await next();
    expect(after.type === 'ok' && after.data).toEqual([]);
    sub.close();
  });

  it('seed() reports the step the server refused', async () => {
    const t = await generatedApp();
    await expect(t.seed([['frobnicate', 'todos', id(), {}]])).rejects.toThrow(/t\.seed: the server refused the steps \(400\)/);
  });

  it('records magic-code emails per app; the code signs the user in', async () => {
    const [t, other] = await Promise.all([generatedApp(), generatedApp()]);
    const { code } = await t.db.auth.sendMagicCode('ada@example.com');
    expect(t.mailbox.last('ada@example.com')).toBe(code);
    expect(t.mailbox.messages).toEqual([
      expect.objectContaining({ kind: 'magic-code', to: 'ada@example.com', code, subject: `${code} is your verification code for app ${t.appId}` }),
    ]);
    expect(other.mailbox.messages).toEqual([]);
    // generating a code is not sending one
    await t.db.auth.generateMagicCode('bob@example.com');
    expect(() => t.mailbox.last('bob@example.com')).toThrow(/no magic code was sent to bob@example.com .*sendMagicCode/);
    const user = await t.db.auth.verifyMagicCode('ada@example.com', t.mailbox.last('ada@example.com'));
    expect(user.email).toBe('ada@example.com');
    await t.reset();
    expect(t.mailbox.messages).toEqual([]);
    expect(await t.db.auth.getUser({ email: 'ada@example.com' })).toBeNull();
  });

  it('asUser applies the rules given as an instant.perms.ts path', async () => {
    const t = await generatedApp(permsFile);
    await t.db.auth.createToken('owner@example.com');
    const owner = (await t.db.auth.getUser({ email: 'owner@example.com' }))!;
    const goal = id();
    await t.db.transact([
      t.db.goals.tx(goal).create({ title: 'g', priority: 1, done: false }).link({ owner: owner.id }),
      t.db.todos.tx(id()).create(todo('mine')).link({ goal }),
    ]);
    await t.db.transact(t.db.todos.tx(id()).create(todo('nobody')));
    const asOwner = t.asUser({ email: 'owner@example.com' });
    expectTypeOf(asOwner).toEqualTypeOf<InstantClient>();
    expect((await asOwner.todos.query()).map((r) => r.title)).toEqual(['mine']);
    expect(await t.asUser({ guest: true }).todos.query()).toEqual([]);
  });

  it('without createClient: the config for a client built by hand', async () => {
    const t = await createTestApp({ schema });
    opened.push(t);
    expectTypeOf(t.db).toEqualTypeOf<undefined>();
    expect(t.db).toBeUndefined();
    const db = createClient({ ...t.config, validate: false });
    await db.transact(db.todos.tx(id()).create(todo('by hand')));
    expect(await db.todos.count()).toBe(1);
    expect(() => t.asUser).toThrow(/createClient/);
  });

  it('close() wipes the app and refuses further use; the next app gets a server again', async () => {
    const t = await createTestApp({ schema, createClient });
    await t.db.transact(t.db.todos.tx(id()).create(todo('x')));
    await t.close();
    await t.close();
    await expect(t.reset()).rejects.toThrow(/after t\.close\(\)/);
    await closeTestServer();
    const next = await generatedApp();
    await next.db.transact(next.db.todos.tx(id()).create(todo('y')));
    expect(await next.db.todos.count()).toBe(1);
  });
});

describe('the shared server', () => {
  it('closes once its last app has been closed for a moment, and starts again for the next app', async () => {
    const t = await createTestApp({ schema, createClient });
    const health = () => fetch(`${t.apiURI}/health/system`).then((r) => r.status, () => 'closed');
    expect(await health()).toBe(200);
    await t.close();
    await vi.waitFor(async () => expect(await health()).toBe('closed'), { timeout: 60_000, interval: 100 });
    const next = await generatedApp();
    expect(await next.db.todos.count()).toBe(0);
  });
});

describe('createTestApp with @instantdb/admin', () => {
  it('runs the official SDK against an isolated app: transact, query, asUser under rules, mailbox', async () => {
    const rules = { todos: { allow: { view: 'false' } } };
    const [t, other] = await Promise.all([sdkApp(rules), sdkApp()]);
    await t.db.transact(t.db.tx.todos[sdkId()].update({ title: 'sdk', done: false, createdAt: 0 }));
    expect((await t.db.query({ todos: {} })).todos.map((r) => r.title)).toEqual(['sdk']);
    expect((await other.db.query({ todos: {} })).todos).toEqual([]);
    expect((await t.asUser({ guest: true }).query({ todos: {} })).todos).toEqual([]);
    const { code } = await t.db.auth.sendMagicCode('sdk@example.com');
    expect(t.mailbox.last('sdk@example.com')).toBe(code);
    expect((await t.db.auth.verifyMagicCode('sdk@example.com', code)).email).toBe('sdk@example.com');
    await t.reset();
    expect((await t.db.query({ todos: {} })).todos).toEqual([]);
  });
});

describe('createTestApp bad input', () => {
  it('a missing schema file: the place of the call, the path and the fix', async () => {
    const error = await createTestApp({ schema: 'no/such/instant.schema.ts', createClient }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaError);
    const e = error as SchemaError;
    expect(e.location?.file).toBe(path.join(ROOT, 'test/testing.test.ts'));
    expect(e.message).toContain(path.resolve('no/such/instant.schema.ts'));
    expect(e.message).toMatch(/does not exist/);
    expect(e.fix).toMatch(/new URL\('\.\.\/instant\.schema\.ts', import\.meta\.url\)/);
  });

  it('a missing rules file is reported the same way', async () => {
    const error = (await createTestApp({ schema, perms: 'nope.perms.ts' }).catch((e: unknown) => e)) as SchemaError;
    expect(error.message).toMatch(/createTestApp\(\{ perms: "nope\.perms\.ts" \}\).*does not exist/);
    expect(error.fix).toMatch(/or the rules object itself/);
  });

  it('invalid rules are refused, naming the rule', async () => {
    const error = (await createTestApp({ schema, perms: { todos: { allow: { view: 'auth.id ==' } } } }).catch((e: unknown) => e)) as SchemaError;
    expect(error.message).toMatch(/createTestApp\(\{ perms \}\): `todos\.allow\.view`: .*Syntax error/);
    expect(error.location?.file).toBe(path.join(ROOT, 'test/testing.test.ts'));
  });
});

describe('outside vitest', () => {
  it('works under node:test, and an app left open does not keep the process alive', () => {
    const run = spawnSync(process.execPath, ['--test', 'test/testing/kit.node-test.mjs'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toMatch(/# pass 3\n# fail 0/);
    expect(run.status).toBe(0);
  });
});
