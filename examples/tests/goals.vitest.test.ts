// examples/goals.ts under vitest, on an isolated test app per test (instant.gen/testing's createTestApp).
// Copy this folder beside your own instant.gen and change the imports: `../instant.gen/testing.js`.
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { closeTestServer, createTestApp, type TestApp } from '../../fixtures/todo/instant.gen/testing.js';
import { completeGoalIfDone, createGoal, dashboard, finishSignIn, startSignIn } from '../goals.js';

let t: TestApp;
beforeEach(async () => {
  // The rules of the app, so asUser sees what a signed-in user would; a fixed seed makes the factories' data the same every run.
  t = await createTestApp({ perms: new URL('../../fixtures/todo/instant.perms.ts', import.meta.url), factory: { seed: 1 } });
});
afterEach(() => t.close());
afterAll(() => closeTestServer());

describe('goals backend (vitest)', () => {
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
    expect(await dashboard(t.db, 'ada@example.com')).toEqual([{ title: 'Ada’s goal', open: expect.any(Number) }]);
  });

  test('sign-in with the magic code the app emailed', async () => {
    await startSignIn(t.db, 'new@example.com');
    const userId = await finishSignIn(t.db, 'new@example.com', t.mailbox.last('new@example.com'));
    expect((await t.db.auth.getUser({ email: 'new@example.com' }))?.id).toBe(userId);
  });
});
