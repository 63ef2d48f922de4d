// Factories of the generated `instant.gen/testing` entry: `t.factory.<entity>.create/build/createMany`.
// Every value a factory makes goes through the generated client's validators and the local server's checks
// (unique attributes, Instant's 1 KB limit on indexed values: src/server/transact/values.ts), so a value
// of the wrong type or a repeated unique value fails the test.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate.js';
import type { FactorySpecs } from '../../src/testing/index.js';
import { factorySpecs } from '../../src/ir/factorySpecs.js';
import { loadSchema } from '../../src/schema/loadSchema.js';
import * as todoKit from '../../fixtures/todo/instant.gen/testing.js';
import { ROOT, fixtureSchema, scratchDir } from '../support/paths.js';

type AnyApp = { factory: Record<string, any>; db: any; reset(): Promise<void>; close(): Promise<void> };
type Kit = { createTestApp(options?: object): Promise<AnyApp>; factorySpecs: FactorySpecs };

const opened: { close(): Promise<void> }[] = [];
async function open<T extends { close(): Promise<void> }>(app: Promise<T>): Promise<T> {
  const t = await app;
  opened.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.close()));
});

/** The `testing` entry generated for a fixture, into a scratch folder of the repo. */
async function generatedKit(fixture: string): Promise<Kit> {
  const outDir = path.join(scratchDir(`factories-${fixture}`), 'instant.gen');
  await generate({ schemaFile: fixtureSchema(fixture), outDir, testing: true });
  return import(pathToFileURL(path.join(outDir, 'testing.js')).href) as Promise<Kit>;
}

let allTypes: Kit;
let allLinks: Kit;
beforeAll(async () => {
  [allTypes, allLinks] = await Promise.all([generatedKit('all-types'), generatedKit('all-links')]);
}, 120_000);
afterAll(() => todoKit.closeTestServer());

describe('the factory table', () => {
  it('is the IR of the schema, as emitted into instant.gen/testing', async () => {
    const { ir } = await loadSchema(fixtureSchema('todo'));
    expect(todoKit.factorySpecs).toEqual(factorySpecs(ir));
    expect(todoKit.factorySpecs.goals).toEqual({
      attrs: { done: { type: 'boolean' }, priority: { type: 'number' }, title: { type: 'string' } },
      links: { owner: { target: '$users', has: 'one', back: 'goals' }, todos: { target: 'todos', has: 'many', back: 'goal' } },
    });
    // $files are made by uploads, not transactions: no factory, and no `with` towards them
    expect(Object.keys(todoKit.factorySpecs).sort()).toEqual(['$users', 'goals', 'todos']);
  });
});

describe('values', () => {
  it('fill every required attribute of every type with values the client and the server accept; optional ones stay unset', async () => {
    const t = await open(allTypes.createTestApp());
    for (const entity of ['strings', 'numbers', 'booleans', 'dates', 'jsons', 'anys', 'modifierEdgeCases', 'empty']) {
      // two of each: unique values must differ (a unique boolean allows exactly two)
      const rows = await t.factory[entity].createMany(2);
      expect(rows).toHaveLength(2);
      const spec = allTypes.factorySpecs[entity];
      for (const row of rows) {
        for (const [attr, fill] of Object.entries(spec.attrs)) {
          const expected = 'type' in fill ? { string: 'string', number: 'number', boolean: 'boolean', date: 'string', json: 'object' }[fill.type] : undefined;
          expect(typeof row[attr], `${entity}.${attr}`).toBe(expected);
        }
        for (const attr of ['optional', 'uniqueOptional', 'optionalIndexed']) {
          if (entity !== 'modifierEdgeCases' && entity !== 'empty') expect(row[attr] ?? null, `${entity}.${attr}`).toBeNull();
        }
      }
    }
    const [date] = await t.factory.dates.createMany(1);
    expect(new Date(date.plain).toISOString()).toBe(date.plain);
    // clientRequired attributes are required in the client's types: filled too
    expect(allTypes.factorySpecs.strings.attrs.clientRequired).toEqual({ type: 'string' });
  });

  it('keep unique attributes unique across many entities, and indexed strings short', async () => {
    const t = await open(todoKit.createTestApp());
    const todos = await t.factory.todos.createMany(60);
    expect(new Set(todos.map((r: { title: string }) => r.title)).size).toBe(60);
    const numbers = await open(allTypes.createTestApp());
    const rows = await numbers.factory.numbers.createMany(30);
    expect(new Set(rows.map((r: { unique: number }) => r.unique)).size).toBe(30);
    expect(Math.max(...todos.map((r: { title: string }) => Buffer.byteLength(r.title)))).toBeLessThan(1024);
  });

  it('a unique boolean: a third entity is refused with the way out', async () => {
    const t = await open(allTypes.createTestApp());
    await t.factory.booleans.createMany(2);
    await expect(t.factory.booleans.create()).rejects.toThrow(/booleans\.(\w+) is a unique boolean, so only two booleans can exist; this is number 3\. Pass \1 yourself, or create at most two\./);
  });

  it('an attribute typed by the schema (i.string<"user" | "assistant">()) must be given', async () => {
    const t = await open(allLinks.createTestApp());
    await expect(t.factory.messages.create()).rejects.toThrow(
      /factory\.messages\.create\(\): messages\.role is required and typed by the schema as 'user' \| 'assistant'.*Pass it: factory\.messages\.create\(\{ role: \.\.\. \}\)/,
    );
    const message = await t.factory.messages.create({ role: 'assistant' });
    expect(message.role).toBe('assistant');
    expect(typeof message.text).toBe('string');
  });

  it('overrides win, an id may be given, and build() writes nothing', async () => {
    const t = await open(todoKit.createTestApp());
    const built = t.factory.goals.build({ priority: 9 });
    expect(built).toEqual({ id: expect.any(String), title: expect.any(String), done: expect.any(Boolean), priority: 9 });
    expect(await t.db.goals.count()).toBe(0);
    const goal = await t.factory.goals.create({ id: built.id, title: 'mine', description: 'optional, given' });
    expect(goal).toMatchObject({ id: built.id, title: 'mine', description: 'optional, given' });
    // @ts-expect-error: the override's type is checked, and the client's validator refuses it at run time too
    await expect(t.factory.goals.create({ priority: 'high' })).rejects.toThrow(/goals.*priority/);
  });
});

describe('a seed', () => {
  const snapshot = async (seed: number | string | undefined) => {
    const t = await open(todoKit.createTestApp(seed === undefined ? {} : { factory: { seed } }));
    const goal = await t.factory.goals.create({}, { with: { todos: 2, owner: true } });
    return { goal, user: await t.factory.$users.create() };
  };

  it('makes the same ids and values in every app and run; another seed makes others', async () => {
    const [a, b, other] = await Promise.all([snapshot(42), snapshot(42), snapshot('another')]);
    expect(a).toEqual(b);
    expect(other.goal.id).not.toBe(a.goal.id);
    expect(other.goal.title).not.toBe(a.goal.title);
    // The values are a pure function of (seed, entity, n, attribute): pinned here, they hold on any machine.
    expect(a.goal).toMatchObject({ id: '968abec3-c132-439b-a58d-2d7a917960c1', title: 'title 1 6c6m', owner: { email: 'users-1-3hzz@example.com' } });
  });

  it('gives the same data in another process (node, outside vitest)', async () => {
    const local = await snapshot(42);
    const script = `
      import { createTestApp } from './fixtures/todo/instant.gen/testing.js';
      const t = await createTestApp({ factory: { seed: 42 } });
      const goal = await t.factory.goals.create({}, { with: { todos: 2, owner: true } });
      console.log(JSON.stringify({ goal, user: await t.factory.$users.create() }));
      await t.close();`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(local)));
  });

  it('reset() restarts the sequence: a test after a reset gets the data of a fresh app', async () => {
    const t = await open(todoKit.createTestApp({ factory: { seed: 1 } }));
    const first = await t.factory.todos.createMany(3);
    await t.reset();
    expect(await t.factory.todos.createMany(3)).toEqual(first);
  });

  it('a refused call does not advance the sequence', async () => {
    const [t, fresh] = await Promise.all([open(todoKit.createTestApp()), open(todoKit.createTestApp())]);
    // @ts-expect-error: a has-one link takes `true` or overrides
    await expect(t.factory.goals.create({}, { with: { owner: 2 } })).rejects.toThrow();
    expect(await t.factory.goals.create()).toEqual(await fresh.factory.goals.create());
  });
});

describe('links', () => {
  it('with: a count or overrides for has-many, true or overrides for has-one; the row comes back with them', async () => {
    const t = await open(todoKit.createTestApp());
    const goal = await t.factory.goals.create({}, { with: { todos: [{ title: 'first' }, { done: true }], owner: { email: 'ada@example.com' } } });
    expect(goal.owner).toMatchObject({ email: 'ada@example.com' });
    expect(goal.todos.map((r: { title: string; done: boolean }) => r.title)).toContain('first');
    expect(goal.todos.find((r) => r.title !== 'first')?.done).toBe(true);
    const todo = await t.factory.todos.create({}, { with: { goal: true, assignees: 3 } });
    expect(todo.goal).toMatchObject({ id: expect.any(String) });
    expect(todo.assignees).toHaveLength(3);
    // the links are real: seen from the other side
    const ada = (await t.db.$users.query({ $: { where: { email: 'ada@example.com' } }, goals: {} }))[0];
    expect(ada.goals.map((g: { id: string }) => g.id)).toEqual([goal.id]);
  });

  it('link: to existing entities, as chain.link takes them (ids or lookups)', async () => {
    const t = await open(todoKit.createTestApp());
    const goal = await t.factory.goals.create();
    const user = await t.factory.$users.create({ email: 'bob@example.com' });
    const todos = await t.factory.todos.createMany(2, (i) => ({ position: i }), { link: { goal: goal.id, assignees: [{ email: 'bob@example.com' }] } });
    const back = await t.db.goals.get(goal.id, { todos: { assignees: {} } });
    expect(back?.todos.map((r) => r.id).sort()).toEqual(todos.map((r) => r.id).sort());
    expect(back?.todos.flatMap((r) => r.assignees.map((a) => a.id))).toEqual([user.id, user.id]);
    expect(todos.map((r) => r.position)).toEqual([0, 1]);
  });

  it('builds a required link when neither given nor built (posts.author), and not when given', async () => {
    const t = await open(allLinks.createTestApp());
    const post = await t.factory.posts.create({}, { with: { comments: 2 } });
    const stored = await t.db.posts.get(post.id, { author: {}, comments: {} });
    expect(stored.author).toMatchObject({ displayName: expect.any(String) });
    expect(stored.comments).toHaveLength(2);
    const author = await t.factory.profiles.create({ displayName: 'me' });
    await t.factory.posts.create({}, { link: { author: author.id } });
    expect(await t.db.profiles.count()).toBe(2);
    // a profile built with posts is their author: the posts build no author of their own
    const withPosts = await t.factory.profiles.create({}, { with: { posts: 2 } });
    expect(withPosts.posts).toHaveLength(2);
    expect(await t.db.profiles.count()).toBe(3);
  });

  it('bad with: the cardinality, an unknown label, a label given twice', async () => {
    const t = await open(todoKit.createTestApp());
    // @ts-expect-error: a has-one link takes `true` or overrides
    await expect(t.factory.goals.create({}, { with: { owner: 2 } })).rejects.toThrow(
      'factory.goals.create(): `with.owner` (goals.owner has one) takes `true` or the overrides of the one entity to build, not 2.',
    );
    // @ts-expect-error: a has-many link takes a count or a list of overrides
    await expect(t.factory.goals.create({}, { with: { todos: true } })).rejects.toThrow(/`with.todos` \(goals.todos has many\) takes how many to build/);
    // @ts-expect-error: no such label
    await expect(t.factory.goals.create({}, { with: { nope: 1 } })).rejects.toThrow('goals has no link `nope` to an entity with a factory; its links: owner, todos.');
    await expect(t.factory.goals.create({}, { with: { owner: true }, link: { owner: 'x' } })).rejects.toThrow('`owner` is in both `with` and `link`');
    expect(await t.db.goals.count()).toBe(0);
  });
});

describe('createTestApp of instant.gen/testing', () => {
  it('defaults to the schema the client was generated from; a missing schema is placed at the caller', async () => {
    const t = await open(todoKit.createTestApp());
    expect(await t.db.todos.count()).toBe(0);
    const error = (await todoKit.createTestApp({ schema: 'missing/instant.schema.ts' }).catch((e: unknown) => e)) as { location?: { file: string }; message: string; fix: string };
    expect(error.location?.file).toBe(path.join(ROOT, 'test/testing/factories.test.ts'));
    expect(error.message).toMatch(/missing\/instant\.schema\.ts does not exist/);
    expect(error.fix).toMatch(/instant\.schema\.ts/);
  });
});
