// A transaction is all or nothing: when its third step fails, the first two leave no trace.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { id, init, lookup, setInstantWarningsEnabled } from '@instantdb/admin';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { schemaIR } from '../support/localServer.js';
import { FIXTURES } from './cases/fixtures.js';
import { GENEROUS_LIMITS } from '../support/limits.js';

let server: RunningServer;
beforeAll(async () => {
  setInstantWarningsEnabled(false);
  server = await startServer({ schema: schemaIR(FIXTURES.todo.schema), memory: true, log: () => undefined, limits: GENEROUS_LIMITS });
});
afterAll(() => server.close());

function client() {
  const app = server.addApp();
  return init({ appId: app.appId, adminToken: app.adminToken, apiURI: server.url, schema: FIXTURES.todo.schema, disableValidation: true });
}

type Db = ReturnType<typeof client>;

const failingThirdSteps: [string, (db: Db) => unknown][] = [
  ['a unique violation', (db) => db.tx.owners[id()].update({ name: 'taken' })],
  ['a type error', (db) => db.tx.todos[id()].update({ title: 'x', done: 'yes' })],
  ['a missing link target lookup', (db) => db.tx.goals[id()].update({ title: 'g' }).link({ owner: lookup('name', 'nobody') })],
  ['a missing required attr', (db) => db.tx.goals[id()].update({ priority: 1 })],
];

describe('atomicity', () => {
  for (const [what, third] of failingThirdSteps) {
    it(`rolls back everything when the third step has ${what}`, async () => {
      const db = client();
      await db.transact(db.tx.owners[id()].update({ name: 'taken' }));
      const snapshot = await db.query({ goals: {}, todos: {}, owners: {} });
      const { 'tx-id': before } = await db.transact([]);
      const error = await db
        .transact([
          db.tx.goals[id()].update({ title: 'first' }),
          db.tx.todos[id()].update({ title: 'second' }),
          third(db) as any,
        ])
        .catch((e: any) => e);
      expect(error?.status).toBe(400);
      expect(await db.query({ goals: {}, todos: {}, owners: {} })).toEqual(snapshot);
      const { 'tx-id': after } = await db.transact([]);
      // The failed transaction's id was rolled back too.
      expect(after).toBe(before + 1);
    });
  }

  it('serializes concurrent transactions with distinct, increasing ids', async () => {
    const db = client();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) => db.transact(db.tx.todos[id()].update({ title: `t${n}` }))),
    );
    const ids = results.map((r) => r['tx-id']);
    expect(new Set(ids).size).toBe(20);
    expect((await db.query({ todos: {} })).todos).toHaveLength(20);
  });
});
