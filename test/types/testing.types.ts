// Type-level contract of the generated `instant.gen/testing` entry (factories and createTestApp), checked by
// `tsc` (typescript 5.9) in test/typecheck.test.ts. Every `@ts-expect-error` must be needed.
import { expectTypeOf } from 'vitest';
import type { GoalsEntity, InstantClient, TodosEntity, $UsersEntity, GoalsCreate } from './generated/todo/index.js';
import { createFactories, createTestApp, type Factories, type TestApp } from './generated/todo/testing.js';

async function factories() {
  const t = await createTestApp({ perms: { goals: { allow: { view: 'true' } } }, factory: { seed: 42 } });
  expectTypeOf(t).toEqualTypeOf<TestApp>();
  expectTypeOf(t.db).toEqualTypeOf<InstantClient>();
  expectTypeOf(t.factory).toEqualTypeOf<Factories>();
  expectTypeOf(t.asUser({ guest: true })).toEqualTypeOf<InstantClient>();

  // Without `with`, the row is the entity type; with it, the built links are part of the row.
  expectTypeOf(await t.factory.goals.create()).toEqualTypeOf<GoalsEntity>();
  const goal = await t.factory.goals.create({ title: 'x' }, { with: { todos: 2, owner: true } });
  expectTypeOf(goal.todos).toEqualTypeOf<TodosEntity[]>();
  expectTypeOf(goal.owner).toEqualTypeOf<$UsersEntity | null>();
  expectTypeOf(await t.factory.todos.createMany(3, (i) => ({ position: i }))).toEqualTypeOf<TodosEntity[]>();
  expectTypeOf(t.factory.goals.build()).toEqualTypeOf<GoalsCreate & { id: string }>();
  await t.factory.todos.create({}, { with: { goal: { title: 'g' }, assignees: [{ email: 'a@example.com' }] }, link: {} });
  await t.factory.todos.create({}, { link: { goal: goal.id, assignees: [{ email: 'a@example.com' }] } });

  // @ts-expect-error: an override of the wrong type
  await t.factory.goals.create({ priority: 'high' });
  // @ts-expect-error: an attribute the entity does not have
  await t.factory.goals.create({ colour: 'red' });
  // @ts-expect-error: no such link label
  await t.factory.goals.create({}, { with: { nope: 1 } });
  // @ts-expect-error: a has-one link takes `true` or overrides, not a count
  await t.factory.goals.create({}, { with: { owner: 2 } });
  // @ts-expect-error: a has-many link takes a count or a list of overrides
  await t.factory.goals.create({}, { with: { todos: true } });
  // @ts-expect-error: overrides of a linked entity are checked against its attributes
  await t.factory.goals.create({}, { with: { todos: [{ done: 'yes' }] } });
  // @ts-expect-error: `link` takes ids or lookups of the target
  await t.factory.todos.create({}, { link: { goal: { title: 1 } } });
  // @ts-expect-error: the seed is a number or a string
  await createTestApp({ factory: { seed: true } });
  // @ts-expect-error: the client comes from the generated module; createTestApp takes none
  await createTestApp({ createClient: () => null });

  const own = createFactories(t.db, { seed: 'x' });
  expectTypeOf(own).toEqualTypeOf<Factories>();
  await t.close();
}
void factories;
