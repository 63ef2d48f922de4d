// examples/goals.ts under jest (ESM): `node --experimental-vm-modules node_modules/.bin/jest --config examples/tests/jest.config.mjs`
// (jest.config.mjs: TypeScript through esbuild, no Babel). One test app per test.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { createTestApp, type TestApp } from '../../fixtures/todo/instant.gen/testing.js';
import { completeGoalIfDone, createGoal, dashboard, finishSignIn, startSignIn } from '../goals.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ perms: new URL('../../fixtures/todo/instant.perms.ts', import.meta.url), factory: { seed: 1 } });
});
// The shared server never keeps the process alive: no global teardown needed.
afterEach(() => t.close());

describe('goals backend (jest)', () => {
  test('createGoal links the goal to its owner and its todos to the goal', async () => {
    const owner = await t.factory.$users.create();
    const goalId = await createGoal(t.db, owner.email, 'Run a marathon', ['Buy shoes', 'Run 5k']);
    const goal = await t.db.goals.get(goalId, { owner: {}, todos: {} });
    expect(goal?.owner?.id).toBe(owner.id);
    expect(goal?.todos.map((todo) => todo.title).sort()).toEqual(['Buy shoes', 'Run 5k']);
  });

  test('completeGoalIfDone completes a goal only when all its todos are done', async () => {
    const goal = await t.factory.goals.create({}, { with: { todos: [{ done: true }, { done: false }] } });
    expect(await completeGoalIfDone(t.db, goal.id)).toBe(false);
    const open = goal.todos.find((todo) => !todo.done)!;
    await t.db.transact(t.db.todos.tx(open.id).update({ done: true }));
    expect(await completeGoalIfDone(t.db, goal.id)).toBe(true);
    expect((await t.db.goals.get(goal.id))?.done).toBe(true);
  });

  test('dashboard shows a user their own goals only', async () => {
    const ada = await t.factory.$users.create({ email: 'ada@example.com' });
    await t.factory.goals.create({ title: 'Ada’s goal' }, { link: { owner: ada.id }, with: { todos: 2 } });
    await t.factory.goals.create({ title: 'Someone else’s' }, { with: { owner: true } });
    const seen = await dashboard(t.db, 'ada@example.com');
    expect(seen.map((g) => g.title)).toEqual(['Ada’s goal']);
  });

  test('sign-in with the magic code the app emailed', async () => {
    await startSignIn(t.db, 'new@example.com');
    const userId = await finishSignIn(t.db, 'new@example.com', t.mailbox.last('new@example.com'));
    expect((await t.db.auth.getUser({ email: 'new@example.com' }))?.id).toBe(userId);
  });
});
