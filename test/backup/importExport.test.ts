// Backup import/export on the local server, with backups built from the documented format
// (instantdb/instant client/www/app/docs/backups/page.md, server/src/instant/backup.clj, restore.clj).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { init } from '@instantdb/admin';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from '../../src/server/index.js';
import type { DirBlobStore } from '../../src/server/files/blobStore.js';
import { schemaIR } from '../support/localServer.js';
import { importClientFromIR } from '../support/generatedClient.js';
import { readBackupZip, writeBackupZip } from '../support/backupZip.js';
import { A1, A2, F1, L1, L2, P, PNG, TEXT, U1, backupSpec } from './fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-test-'));
const zipPath = (name: string) => path.join(dir, name);
let server: RunningServer;
let blobs: DirBlobStore;
const good = zipPath('good.zip');
const dataFile = zipPath('data.db');

beforeAll(async () => {
  server = await startServer({ dataFile, schema: schemaIR({ entities: { notes: { attrs: { text: { valueType: 'string', required: true } } } } }), unref: true });
  blobs = server.blobStore as DirBlobStore;
  await writeBackupZip(good, backupSpec());
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function newApp() {
  return server.addApp();
}

function sdk(app: { appId: string; adminToken: string }) {
  return init({ appId: app.appId, adminToken: app.adminToken, apiURI: server.url });
}

/** Everything an app holds, as a backup's content. */
async function snapshot(appId: string, name: string) {
  const out = zipPath(`${name}.zip`);
  await server.exportBackup(out, { appId });
  return readBackupZip(out);
}

describe('import', () => {
  it('restores entities, links, $users, $files rows and blobs; the summary matches config.json counts', async () => {
    const app = newApp();
    const summary = await server.importBackup(good, { appId: app.appId });
    expect(summary.counts).toEqual({ $files: { backup: 2, restored: 2 }, $users: { backup: 2, restored: 2 }, authors: { backup: 2, restored: 2 }, posts: { backup: 3, restored: 3 } });
    expect(summary.files).toBe(2);
    expect(blobs.locations(app.appId)).toEqual([L1, L2].sort());
    const chunks: Buffer[] = [];
    for await (const c of blobs.open(app.appId, L2)!) chunks.push(Buffer.from(c as Buffer));
    expect(Buffer.concat(chunks).equals(TEXT)).toBe(true);
  });

  it('is queried through the official SDK: links both ways, unicode, $users, ordering by serverCreatedAt', async () => {
    const app = newApp();
    await server.importBackup(good, { appId: app.appId });
    const db = sdk(app);
    const r = (await db.query({ authors: { $: { where: { name: 'Zoë 😀 北京' } }, posts: {}, avatar: {}, user: {} } })) as any;
    expect(r.authors).toHaveLength(1);
    expect(r.authors[0].bio).toEqual({ langs: ['de', 'zh'], born: null });
    expect(r.authors[0].posts.map((p: any) => p.id).sort()).toEqual([P[0], P[1]].sort());
    expect(r.authors[0].avatar[0]).toMatchObject({ id: F1, path: 'profile.png', size: PNG.length });
    expect(r.authors[0].user[0]).toMatchObject({ id: U1, email: 'dww@instantdb.com' });
    const posts = (await db.query({ posts: { related: {} } })) as any;
    // createdAt of each line is the entity's serverCreatedAt: default order follows it.
    expect(posts.posts.map((p: any) => p.id)).toEqual(P);
    expect(posts.posts[1].title).toBe('"quoted" \\ back\u2028slash');
    expect(posts.posts[0].related.map((p: any) => p.id).sort()).toEqual([P[1], P[2]].sort());
    const ordered = (await db.query({ posts: { $: { where: { stars: { $gt: 2 } }, order: { stars: 'desc' } } } })) as any;
    expect(ordered.posts.map((p: any) => p.stars)).toEqual([5, 3]);
  });

  it('is queried through a generated client built from the backup schema', async () => {
    const app = newApp();
    const summary = await server.importBackup(good, { appId: app.appId });
    const { mod } = await importClientFromIR(summary.schema, 'backup');
    const db = mod.createClient({ appId: app.appId, adminToken: app.adminToken, apiURI: server.url });
    const posts = await db.posts.query({ $: { where: { 'author.name': 'Ada' } }, author: {} });
    expect(posts.map((p: any) => p.title)).toEqual(['Third']);
    expect(posts[0].author.id).toBe(A2);
  });

  it('applies the backup rules unless asked to keep the app rules', async () => {
    const app = newApp();
    await server.importBackup(good, { appId: app.appId });
    const asGuest = init({ appId: app.appId, adminToken: app.adminToken, apiURI: server.url }).asUser({ guest: true });
    await expect(asGuest.transact(asGuest.tx.posts[crypto.randomUUID()].update({ title: 'x' }))).rejects.toThrow(/Permission denied/i);
    expect(((await asGuest.query({ posts: {} })) as any).posts).toHaveLength(3);
  });

  it('is idempotent: importing twice gives the same content, and replaces what the app held', async () => {
    const app = newApp();
    await sdk(app).transact(sdk(app).tx.notes[crypto.randomUUID()].update({ text: 'before the import' }));
    await server.importBackup(good, { appId: app.appId });
    const first = await snapshot(app.appId, 'idem-1');
    await server.importBackup(good, { appId: app.appId });
    const second = await snapshot(app.appId, 'idem-2');
    expect(second.entities).toEqual(first.entities);
    expect(second.files).toEqual(first.files);
    expect(first.entities.notes).toBeUndefined();
  });
});

describe('round trip', () => {
  it('import → export gives the same entities, links and file bytes, in the restore order', async () => {
    const app = newApp();
    await server.importBackup(good, { appId: app.appId });
    const exported = await snapshot(app.appId, 'roundtrip');
    const original = await readBackupZip(good);
    expect(exported.entities).toEqual(original.entities);
    expect(exported.files).toEqual(original.files);
    expect(exported.config.counts).toEqual(original.config.counts);
    // restore.clj read-zip-entries!: config.json, then entities/, then files/.
    expect(exported.order[0]).toBe('config.json');
    const firstFile = exported.order.findIndex((n) => n.startsWith('files/'));
    expect(exported.order.slice(1, firstFile).every((n) => n.startsWith('entities/'))).toBe(true);
    // The exported zip imports again into the same content (export → import → export).
    const again = newApp();
    await server.importBackup(zipPath('roundtrip.zip'), { appId: again.appId });
    expect((await snapshot(again.appId, 'roundtrip-2')).entities).toEqual(original.entities);
  });

  it('exports through the admin API of a running server (--app-id/--admin-token/--api-uri) the same content, files too', async () => {
    const { exportRemoteBackup } = await import('../../src/server/backup/index.js');
    const app = newApp();
    await server.importBackup(good, { appId: app.appId });
    const out = zipPath('remote.zip');
    // Blobs come from the `$files` urls the local server signs and serves (src/server/files).
    await exportRemoteBackup({ out, appId: app.appId, adminToken: app.adminToken, apiUri: server.url, pageSize: 2 });
    const remote = await readBackupZip(out);
    const strip = (c: Record<string, string[]>) => Object.fromEntries(Object.entries(c).filter(([, ls]) => ls.length > 0).map(([ns, ls]) => [ns, ls.map((l) => JSON.stringify(JSON.parse(l).entity)).sort()]));
    const original = await readBackupZip(good);
    // createdAt is not readable through the admin API: entities and links are compared.
    expect(strip(remote.entities)).toEqual(strip(original.entities));
    expect(remote.config.counts).toEqual({ $files: 2, $users: 2, authors: 2, posts: 3 });
    expect(Object.keys(remote.files)).toHaveLength(2);
    expect(remote.files).toEqual(original.files);
  });
});

describe('bad backups change nothing', () => {
  async function expectUnchanged(file: string, error: RegExp) {
    const app = newApp();
    await server.importBackup(good, { appId: app.appId });
    const before = await snapshot(app.appId, `before-${path.basename(file)}`);
    const appsBefore = countApps();
    await expect(server.importBackup(file, { appId: app.appId })).rejects.toThrow(error);
    expect(await snapshot(app.appId, `after-${path.basename(file)}`)).toEqual({ ...before, config: expect.anything() });
    expect(blobs.locations(app.appId)).toEqual([L1, L2].sort());
    expect(countApps()).toEqual(appsBefore);
  }

  /** The shadow app of a failed import is gone: as many apps (and attrs) as before. */
  function countApps(): number[] {
    const db = new Database(dataFile, { readonly: true });
    try {
      return ['apps', 'attrs', 'meta'].map((t) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n);
    } finally {
      db.close();
    }
  }

  it('a malformed line names the entry and line', async () => {
    const spec = backupSpec();
    spec.entities.posts.splice(1, 0, '{"entity": {"id": "not-a-uuid"}, "createdAt": 1}');
    spec.config.counts = { ...(spec.config.counts as object), posts: 4 };
    await writeBackupZip(zipPath('malformed.zip'), spec);
    await expectUnchanged(zipPath('malformed.zip'), /entities\/posts\.jsonl:2: entity "id" must be a uuid/);
  });

  it('a line that is not JSON names the entry and line', async () => {
    const spec = backupSpec();
    spec.entities.authors.push('{"entity": {"id": ');
    await writeBackupZip(zipPath('notjson.zip'), spec);
    await expectUnchanged(zipPath('notjson.zip'), /entities\/authors\.jsonl:3: is not JSON/);
  });

  it('an attr the schema lacks is named (restore.clj "Missing attr")', async () => {
    const spec = backupSpec();
    (spec.entities.posts[0] as any).entity.nope = 1;
    await writeBackupZip(zipPath('missing-attr.zip'), spec);
    await expectUnchanged(zipPath('missing-attr.zip'), /entities\/posts\.jsonl:1: posts\.nope is not in the backup's schema/);
  });

  it('a unique value on two entities is refused', async () => {
    const spec = backupSpec();
    (spec.entities.authors[1] as any).entity.name = 'Zoë 😀 北京';
    await writeBackupZip(zipPath('dup-unique.zip'), spec);
    await expectUnchanged(zipPath('dup-unique.zip'), /entities\/authors\.jsonl:2: authors\.name is unique/);
  });

  it('counts that do not match config.json are refused', async () => {
    const spec = backupSpec();
    spec.entities.posts.pop();
    await writeBackupZip(zipPath('counts.zip'), spec);
    await expectUnchanged(zipPath('counts.zip'), /config\.json: counts\.posts is 3, but entities\/posts\.jsonl has 2 entities/);
  });

  it('a $files row without its blob is refused', async () => {
    const spec = backupSpec();
    delete spec.files![L2];
    await writeBackupZip(zipPath('noblob.zip'), spec);
    await expectUnchanged(zipPath('noblob.zip'), new RegExp(`location-id ${L2}, but the zip has no files/${L2}`));
  });

  it('a truncated zip is refused before anything is read', async () => {
    const bytes = fs.readFileSync(good);
    fs.writeFileSync(zipPath('truncated.zip'), bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    await expectUnchanged(zipPath('truncated.zip'), /is not a readable zip .*truncated or damaged/);
  });

  it('a corrupt entry fails its CRC check, naming the entry', async () => {
    const bytes = Buffer.from(fs.readFileSync(good));
    // PNG is stored uncompressed: flip a byte in the middle of its data.
    const at = bytes.indexOf(PNG.subarray(1000, 1032));
    bytes[at + 5] ^= 0xff;
    fs.writeFileSync(zipPath('corrupt.zip'), bytes);
    await expectUnchanged(zipPath('corrupt.zip'), new RegExp(`files/${L1}: fails its CRC-32 check`));
  });

  it('config.json must come first and be an Instant config', async () => {
    const spec = backupSpec();
    spec.config = { counts: {} };
    await writeBackupZip(zipPath('noschema.zip'), spec);
    await expectUnchanged(zipPath('noschema.zip'), /config\.json: is malformed: expected an object with a "schema" key/);
  });

  it('the imported app of another id is untouched', async () => {
    const a = newApp();
    const b = newApp();
    await server.importBackup(good, { appId: a.appId });
    expect(((await sdk(b).query({ posts: {} })) as any).posts).toEqual([]);
    expect(A1).toBeTruthy();
  });
});
