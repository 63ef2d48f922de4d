// Data files written by an earlier version keep working: storage version 1 (instant-codegen 0.1.0, uuid
// text in every triple, no sort values) is migrated in one transaction when a server opens it, and then
// answers exactly what that version answered. test/server/migration/make-v1-fixture.mjs wrote the file
// and the answers with 0.1.0 itself.

import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { init, setInstantWarningsEnabled } from '@instantdb/admin';
import { loadSchema } from '../../src/schema/loadSchema.js';
import { startServer } from '../../src/server/index.js';
import { importGeneratedClient } from '../support/generatedClient.js';
import { GENEROUS_LIMITS } from '../support/limits.js';
import { fixtureSchema } from '../support/paths.js';
import todoSchema from '../../fixtures/todo/instant.schema.js';
// @ts-expect-error: a plain .mjs module shared with the fixture script
import { QUERIES } from './migration/queries.mjs';

const here = join(import.meta.dirname, 'migration');
const recorded = JSON.parse(readFileSync(join(here, 'v1-answers.json'), 'utf8')) as { appId: string; adminToken: string; answers: unknown[] };
const dir = mkdtempSync(join(tmpdir(), 'instant-codegen-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function storedVersion(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as string;
  } finally {
    db.close();
  }
}

describe('data files of storage version 1', () => {
  it('are migrated on open and answer as before, through the SDK and a generated client, also after a restart', async () => {
    setInstantWarningsEnabled(false);
    const dataFile = join(dir, 'v1.db');
    copyFileSync(join(here, 'v1-todo.db'), dataFile);
    expect(storedVersion(dataFile)).toBe('1');
    const { ir } = await loadSchema(fixtureSchema('todo'));
    const { createClient } = await importGeneratedClient('todo');
    for (let run = 0; run < 2; run++) {
      const server = await startServer({ schema: ir, dataFile, appId: recorded.appId, adminToken: recorded.adminToken, log: () => undefined, limits: GENEROUS_LIMITS });
      try {
        expect(storedVersion(dataFile)).toBe('2');
        const sdk = init({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url, schema: todoSchema });
        const gen = createClient({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url });
        for (const [k, query] of (QUERIES as object[]).entries()) {
          expect(await (sdk.query as (q: object) => Promise<unknown>)(query), JSON.stringify(query)).toEqual(recorded.answers[k]);
          expect(await gen.query(query), JSON.stringify(query)).toEqual(recorded.answers[k]);
        }
        // Writes after the migration use the new layout alongside the migrated rows.
        const added = crypto.randomUUID();
        await sdk.transact(sdk.tx.todos[added].update({ title: 'after', done: false, createdAt: 1_800_000_000_000 }));
        const latest = await gen.query({ todos: { $: { order: { createdAt: 'desc' }, limit: 1 } } });
        expect(latest.todos[0]).toMatchObject({ id: added, title: 'after' });
        await sdk.transact(sdk.tx.todos[added].delete());
      } finally {
        await server.close();
      }
    }
  });

  it('refuses a file of a newer storage version, naming it and what to do, and leaves it as it was', async () => {
    const dataFile = join(dir, 'newer.db');
    copyFileSync(join(here, 'v1-todo.db'), dataFile);
    const db = new Database(dataFile);
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    const before = readFileSync(dataFile);
    const { ir } = await loadSchema(fixtureSchema('todo'));
    await expect(startServer({ schema: ir, dataFile, log: () => undefined })).rejects.toThrow(
      new RegExp(`${dataFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was written by a newer version of instant-codegen \\(storage version 99.*Upgrade instant-codegen`),
    );
    expect(readFileSync(dataFile).equals(before)).toBe(true);
  });
});
