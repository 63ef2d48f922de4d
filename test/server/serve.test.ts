// runServe: default data location, generated credentials kept across restarts, masked token output.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { id, init, setInstantWarningsEnabled } from '@instantdb/admin';
import { maskToken, runServe } from '../../src/server/index.js';
import { schemaIR } from '../support/localServer.js';
import { FIXTURES } from './cases/fixtures.js';
import { GENEROUS_LIMITS } from '../support/limits.js';

const dir = mkdtempSync(join(tmpdir(), 'instant-codegen-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'instant.schema.ts'), '// loaded through the injected loader in this test\n');

const loadSchema = async () => schemaIR(FIXTURES.todo.schema, join(dir, 'instant.schema.ts'));

describe('runServe', () => {
  it('keeps generated credentials and data beside the schema, and masks the token', async () => {
    setInstantWarningsEnabled(false);
    const out: string[] = [];
    const first = await runServe({ cwd: dir, loadSchema, print: (l) => out.push(l), handleSignals: false, log: () => undefined, queryTimeoutMs: GENEROUS_LIMITS.queryTimeoutMs });
    expect(first.dataFile).toBe(join(dir, '.instant-codegen', 'local.db'));
    expect(existsSync(first.credentialsFile!)).toBe(true);
    expect(statSync(first.credentialsFile!).mode & 0o777).toBe(0o600);
    const banner = out.join('\n');
    expect(banner).toContain(first.url);
    expect(banner).toContain(first.appId);
    expect(banner).toContain(maskToken(first.adminToken));
    expect(banner).not.toContain(first.adminToken);

    const db = init({ appId: first.appId, adminToken: first.adminToken, apiURI: first.url });
    await db.transact(db.tx.owners[id()].update({ name: 'kept' }));
    await first.close();

    const second = await runServe({ cwd: dir, loadSchema, print: () => undefined, handleSignals: false, log: () => undefined, queryTimeoutMs: GENEROUS_LIMITS.queryTimeoutMs });
    try {
      expect([second.appId, second.adminToken]).toEqual([first.appId, first.adminToken]);
      const db2 = init({ appId: second.appId, adminToken: second.adminToken, apiURI: second.url });
      expect((await db2.query({ owners: {} })).owners.map((o: any) => o.name)).toEqual(['kept']);
    } finally {
      await second.close();
    }
  });

  it('explicit credentials win and are remembered for that data file', async () => {
    const appId = id();
    const adminToken = id();
    const data = join(dir, 'custom.db');
    const server = await runServe({ cwd: dir, data, appId, adminToken, loadSchema, print: () => undefined, handleSignals: false, queryTimeoutMs: GENEROUS_LIMITS.queryTimeoutMs });
    await server.close();
    expect(JSON.parse(readFileSync(`${data}.credentials.json`, 'utf8'))).toEqual({ appId, adminToken });
  });

  it('memory mode writes no files', async () => {
    const server = await runServe({ cwd: dir, memory: true, loadSchema, print: () => undefined, handleSignals: false });
    try {
      expect(server.dataFile).toBeUndefined();
      expect(server.credentialsFile).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('rejects non-uuid credentials like Instant does', async () => {
    await expect(
      runServe({ cwd: dir, memory: true, appId: 'not-a-uuid', loadSchema, print: () => undefined, handleSignals: false }),
    ).rejects.toThrow(/--app-id must be a uuid/);
    await expect(
      runServe({ cwd: dir, memory: true, data: 'x.db', loadSchema, print: () => undefined, handleSignals: false }),
    ).rejects.toThrow(/--data and --memory cannot be used together/);
    await expect(
      runServe({ cwd: dir, memory: true, queryTimeoutMs: 0, loadSchema, print: () => undefined, handleSignals: false }),
    ).rejects.toThrow(/--query-timeout-ms must be positive/);
  });

  it('--query-timeout-ms sets the query time limit (a 1 ms limit stops a query over 3 000 entities)', async () => {
    const server = await runServe({ cwd: dir, memory: true, queryTimeoutMs: 1, loadSchema, print: () => undefined, handleSignals: false });
    try {
      setInstantWarningsEnabled(false);
      const db = init({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url });
      await db.transact(Array.from({ length: 3_000 }, (_, k) => db.tx.goals[id()].update({ title: `goal ${k}` })));
      // The limit is only ever too short here: a busy machine makes the query slower, never faster.
      await expect(db.query({ goals: { todos: {}, owner: {} } })).rejects.toMatchObject({
        status: 429,
        body: { type: 'timeout', hint: { 'timeout-ms': 1 } },
      });
    } finally {
      await server.close();
    }
  });
});
