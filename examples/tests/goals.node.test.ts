// examples/goals.ts under node:test: `node --import tsx --test examples/tests/goals.node.test.ts`
// (tsx lets Node 20 load the TypeScript; Node 23.6+ runs it without). One test app per test.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../fixtures/todo/instant.gen/testing.js';
import { completeGoalIfDone, createGoal, dashboard, finishSignIn, startSignIn } from '../goals.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ perms: new URL('../../fixtures/todo/instant.perms.ts', import.meta.url), factory: { seed: 1 } });
});
// The shared server never keeps the process alive: no global teardown needed.
afterEach(() => t.close());

describe('goals backend (node:test)', () => {
  test('createGoal links the goal to its owner and its todos to the goal', async () => {
    const owner = await t.factory.$users.create();
    const goalId = await createGoal(t.db, owner.email, 'Run a marathon', ['Buy shoes', 'Run 5k']);
    const goal = await t.db.goals.get(goalId, { owner: {}, todos: {} });
    assert.equal(goal?.owner?.id, owner.id);
    assert.deepEqual(goal?.todos.map((todo) => todo.title).sort(), ['Buy shoes', 'Run 5k']);
  });

  test('completeGoalIfDone completes a goal only when all its todos are done', async () => {
    const goal = await t.factory.goals.create({}, { with: { todos: [{ done: true }, { done: false }] } });
    assert.equal(await completeGoalIfDone(t.db, goal.id), false);
    const open = goal.todos.find((todo) => !todo.done)!;
    await t.db.transact(t.db.todos.tx(open.id).update({ done: true }));
    assert.equal(await completeGoalIfDone(t.db, goal.id), true);
    assert.equal((await t.db.goals.get(goal.id))?.done, true);
  });

  test('dashboard shows a user their own goals only', async () => {
    const ada = await t.factory.$users.create({ email: 'ada@example.com' });
    await t.factory.goals.create({ title: 'Ada’s goal' }, { link: { owner: ada.id }, with: { todos: 2 } });
    await t.factory.goals.create({ title: 'Someone else’s' }, { with: { owner: true } });
    const seen = await dashboard(t.db, 'ada@example.com');
    assert.deepEqual(seen.map((g) => g.title), ['Ada’s goal']);
  });

  test('sign-in with the magic code the app emailed', async () => {
    await startSignIn(t.db, 'new@example.com');
    const userId = await finishSignIn(t.db, 'new@example.com', t.mailbox.last('new@example.com'));
    assert.equal((await t.db.auth.getUser({ email: 'new@example.com' }))?.id, userId);
  });
});
