// 100 isolated test apps created and used in sequence, as a long test suite would: one shared server, each
// app sees only its own data, factories start afresh in each, and nothing piles up. It asserts no time
// (the machine may be busy); `node bench/testing.mjs` prints the time per app.
import { afterAll, describe, expect, it } from 'vitest';
import { closeTestServer, createTestApp } from '../../fixtures/todo/instant.gen/testing.js';

afterAll(() => closeTestServer());

describe('100 test apps in sequence', () => {
  it('each is isolated and usable; all run on one server', async () => {
    const servers = new Set<string>();
    const apps = new Set<string>();
    let firstGoal: unknown;
    for (let n = 0; n < 100; n++) {
      const t = await createTestApp({ factory: { seed: 7 } });
      servers.add(t.apiURI);
      apps.add(t.appId);
      const goal = await t.factory.goals.create({}, { with: { todos: n % 3 } });
      // the same seed in a fresh app: the same first goal every time
      firstGoal ??= goal;
      expect(goal.id).toBe((firstGoal as { id: string }).id);
      await t.db.transact(t.db.todos.tx({ title: `only in app ${n}` }).update({ done: false, createdAt: n }));
      expect(await t.db.goals.count()).toBe(1);
      expect((await t.db.todos.query()).length).toBe((n % 3) + 1);
      await t.close();
    }
    expect(apps.size).toBe(100);
    expect(servers.size).toBe(1);
  });
});
