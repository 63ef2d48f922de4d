// runServe: default data location, generated credentials kept across restarts, masked token output.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { id, init, setInstantWarningsEnabled } from '@instantdb/admin';
import { maskToken, runServe } from '../../src/server/index.js';
import { schemaIR } from '../support/localServer.js';
import { FIXTURES } from './cases/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'instant-codegen-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'instant.schema.ts'), '// loaded through the injected loader in this test\n');

const loadSchema = async () => schemaIR(FIXTURES.todo.schema, join(dir, 'instant.schema.ts'));

describe('runServe', () => {
  it('keeps generated credentials and data beside the schema, and masks the token', async () => {
    setInstantWarningsEnabled(false);
    const out: string[] = [];
    const first = await runServe({ cwd: dir, loadSchema, print: (l) => out.push(l), handleSignals: false, log: () => undefined });
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

    const second = await runServe({ cwd: dir, loadSchema, print: () => undefined, handleSignals: false, log: () => undefined });
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
    const server = await runServe({ cwd: dir, data, appId, adminToken, loadSchema, print: () => undefined, handleSignals: false });
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
  });
});
