// Backend code of the kind examples/todo.ts runs, as functions over a client: what examples/tests/ tests
// with the test kit (under vitest, jest and node:test). Every function takes the client, so a test passes
// the one of its test app and production code the one from createClient().
import { id, type InstantClient } from '../fixtures/todo/instant.gen/index.js';

/** Creates a goal owned by the user with this email (who must exist), with one todo per title. */
export async function createGoal(db: InstantClient, ownerEmail: string, title: string, todoTitles: readonly string[] = []): Promise<string> {
  const goal = id();
  const todos = todoTitles.map(() => id());
  await db.transact([
    db.goals.tx(goal).create({ title, priority: 1, done: false }).link({ owner: { email: ownerEmail } }),
    ...todoTitles.map((todoTitle, i) => db.todos.tx(todos[i]).create({ title: todoTitle, done: false, createdAt: Date.now() }).link({ goal })),
  ]);
  return goal;
}

/** Marks the goal done once every one of its todos is; says whether it did. */
export async function completeGoalIfDone(db: InstantClient, goalId: string): Promise<boolean> {
  const goal = await db.goals.get(goalId, { todos: {} });
  if (!goal) throw new Error(`no goal ${goalId}`);
  if (goal.todos.length === 0 || goal.todos.some((t) => !t.done)) return false;
  await db.transact(db.goals.tx(goalId).update({ done: true }));
  return true;
}

/** What a signed-in user sees (under the app's rules): their goals, each with its open todos counted. */
export async function dashboard(db: InstantClient, email: string): Promise<{ title: string; open: number }[]> {
  const goals = await db.asUser({ email }).goals.query({ $: { order: { title: 'asc' } }, todos: {} });
  return goals.map((g) => ({ title: g.title, open: g.todos.filter((t) => !t.done).length }));
}

/** Starts a magic-code sign-in: Instant emails the code. */
export async function startSignIn(db: InstantClient, email: string): Promise<void> {
  await db.auth.sendMagicCode(email);
}

/** Finishes it with the code from the email; returns the user's id. */
export async function finishSignIn(db: InstantClient, email: string, code: string): Promise<string> {
  const user = await db.auth.verifyMagicCode(email, code);
  return user.id;
}
