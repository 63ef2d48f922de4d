// Every acknowledged transaction survives a restart on the same data file.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { id, init, lookup, setInstantWarningsEnabled } from '@instantdb/admin';
import Database from 'better-sqlite3';
import { startServer } from '../../src/server/index.js';
import { schemaIR } from '../support/localServer.js';
import { FIXTURES } from './cases/fixtures.js';
import { GENEROUS_LIMITS } from '../support/limits.js';

const dir = mkdtempSync(join(tmpdir(), 'instant-codegen-durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('durability', () => {
  it('reads everything back after close and restart', async () => {
    setInstantWarningsEnabled(false);
    const dataFile = join(dir, 'nested', 'local.db');
    const schema = FIXTURES.todo.schema;
    const first = await startServer({ schema: schemaIR(schema), dataFile, log: () => undefined, limits: GENEROUS_LIMITS });
    const db = init({ appId: first.appId, adminToken: first.adminToken, apiURI: first.url, schema, disableValidation: true });
    const [g, t] = [id(), id()];
    await db.transact([
      db.tx.goals[g].update({ title: 'Persist me', priority: 2 }),
      db.tx.todos[t].update({ title: 'and me', done: true }),
      db.tx.goals[g].link({ todos: t }),
      db.tx.owners[lookup('name', 'dana')].update({}),
      db.tx.goals[g].link({ owner: lookup('name', 'dana') }),
    ]);
    const token = await db.auth.createToken('keep@me.dev');
    const { 'tx-id': lastTx } = await db.transact(db.tx.todos[t].merge({ done: false }));
    const before = await db.query({ goals: { todos: {}, owner: {} }, $users: {} } as any);
    await first.close();

    const second = await startServer({
      schema: schemaIR(schema),
      dataFile,
      appId: first.appId,
      adminToken: first.adminToken,
      log: () => undefined,
      limits: GENEROUS_LIMITS,
    });
    try {
      const db2 = init({ appId: second.appId, adminToken: second.adminToken, apiURI: second.url, schema, disableValidation: true });
      const after = await db2.query({ goals: { todos: {}, owner: {} }, $users: {} } as any);
      expect(after).toEqual(before);
      expect((after as any).goals[0]).toMatchObject({ title: 'Persist me', owner: { name: 'dana' }, todos: [{ done: false }] });
      expect((await db2.auth.verifyToken(token)).email).toBe('keep@me.dev');
      const { 'tx-id': nextTx } = await db2.transact(db2.tx.goals[g].update({ priority: 3 }));
      expect(nextTx).toBeGreaterThan(lastTx);
    } finally {
      await second.close();
    }
  });

  it('puts the database in WAL mode on disk', async () => {
    const dataFile = join(dir, 'pragmas.db');
    const server = await startServer({ schema: schemaIR(FIXTURES.empty.schema), dataFile, log: () => undefined, limits: GENEROUS_LIMITS });
    await server.close();
    const db = new Database(dataFile, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('keeps apps isolated in one data file', async () => {
    const dataFile = join(dir, 'apps.db');
    const schema = FIXTURES.todo.schema;
    const server = await startServer({ schema: schemaIR(schema), dataFile, log: () => undefined, limits: GENEROUS_LIMITS });
    try {
      const other = server.addApp();
      const a = init({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url, schema });
      const b = init({ appId: other.appId, adminToken: other.adminToken, apiURI: server.url, schema });
      await a.transact(a.tx.owners[id()].update({ name: 'only-in-a' }));
      expect((await b.query({ owners: {} })).owners).toEqual([]);
      expect((await a.query({ owners: {} })).owners.map((o) => o.name)).toEqual(['only-in-a']);
    } finally {
      await server.close();
    }
  });
});
