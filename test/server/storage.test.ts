// Storage (`db.storage`, `$files`) against the local server: every case of cases/storage.ts runs through the
// official @instantdb/admin SDK and through a client generated from the same schema, on a server with a
// data file (blobs in `<data>.files/`), a 64 KiB file limit and a clock the cases can move. Then what no
// client can do: an upload cut off midway, a chunked body over the limit, a restart on the same data file.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, setInstantWarningsEnabled } from '@instantdb/admin';
import { startServer, type RunningServer } from '../../src/server/index.js';
import type { AdminDbLike } from '../support/conformance.js';
import { importClientFromIR } from '../support/generatedClient.js';
import { rawRequest, schemaIR } from '../support/localServer.js';
import { sdkShapedClient, type GeneratedClientLike } from '../support/sdkShapedClient.js';
import { GENEROUS_LIMITS } from '../support/limits.js';
import { STORAGE_CASES, STORAGE_SCHEMA, type Side, type StorageCtx } from './cases/storage.js';

const MAX_FILE = 64 * 1024;
let server: RunningServer;
let dir: string;
let dataFile: string;
let offset = 0;
let gen: { createClient(config: object): GeneratedClientLike };
let genDir: string;

async function start(): Promise<RunningServer> {
  return startServer({
    schema: schemaIR(STORAGE_SCHEMA, 'storage'),
    dataFile,
    log: () => undefined,
    limits: GENEROUS_LIMITS,
    storage: { maxFileBytes: MAX_FILE, now: () => Date.now() + offset },
  });
}

beforeAll(async () => {
  setInstantWarningsEnabled(false);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'storage-test-'));
  dataFile = path.join(dir, 'app.db');
  server = await start();
  const built = await importClientFromIR<typeof gen>(schemaIR(STORAGE_SCHEMA, 'storage'), 'storage');
  gen = built.mod;
  genDir = built.dir;
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  if (genDir) fs.rmSync(genDir, { recursive: true, force: true });
});

function blobsOf(appId: string): string[] {
  const appDir = path.join(`${dataFile}.files`, appId);
  return fs.existsSync(appDir) ? fs.readdirSync(appDir).filter((n) => !n.startsWith('.')).sort() : [];
}

function client(side: Side, appId: string, adminToken: string): AdminDbLike {
  const config = { appId, adminToken, apiURI: server.url };
  if (side === 'sdk') return init({ ...config, schema: STORAGE_SCHEMA }) as unknown as AdminDbLike;
  return sdkShapedClient(gen.createClient(config));
}

function context(side: Side, db: AdminDbLike, appId: string, adminToken: string): StorageCtx {
  const adminHeaders = (extra: Record<string, string> = {}) => ({ 'app-id': appId, authorization: `Bearer ${adminToken}`, ...extra });
  return {
    side,
    appId,
    url: server.url,
    blobs: () => blobsOf(appId),
    advanceClock: (ms) => void (offset += ms),
    http: (method, p, init = {}) => rawRequest(server.url, method, p, { headers: init.headers, rawBody: init.body }),
    adminHeaders,
    deletePath: (d, p) => d.tx.$files[`lookup__path__${JSON.stringify(p)}`].delete(),
    user: async (email) => {
      await db.auth.createToken(email);
      const user = await db.auth.getUser({ email });
      return { id: user.id, db: db.asUser({ email }) };
    },
  };
}

it('has at least 25 storage cases, with unique names', () => {
  expect(STORAGE_CASES.length).toBeGreaterThanOrEqual(25);
  expect(new Set(STORAGE_CASES.map((c) => c.name)).size).toBe(STORAGE_CASES.length);
});

for (const side of ['sdk', 'generated'] as const) {
  describe(`through ${side === 'sdk' ? '@instantdb/admin' : 'the generated client'}`, () => {
    for (const c of STORAGE_CASES) {
      it(c.name, async () => {
        offset = 0;
        const app = server.addApp({ schema: schemaIR(STORAGE_SCHEMA, 'storage'), rules: c.rules });
        const db = client(side, app.appId, app.adminToken);
        await c.run(db, context(side, db, app.appId, app.adminToken));
      });
    }
  });
}

/** A raw PUT whose body is written by `write`; resolves with the status, or null when the server never answered. */
function rawPut(headers: Record<string, string | number>, write: (req: http.ClientRequest) => void): Promise<number | null> {
  return new Promise((resolve) => {
    const url = new URL('/admin/storage/upload', server.url);
    const req = http.request(url, { method: 'PUT', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('error', () => resolve(null));
    write(req);
  });
}

async function filesOf(appId: string, adminToken: string): Promise<unknown[]> {
  return (await client('sdk', appId, adminToken).query({ $files: {} })).$files;
}

/** Waits until the server has seen the connection close (it runs in this process). */
async function settled(check: () => boolean): Promise<void> {
  for (let k = 0; k < 500 && !check(); k++) await new Promise((r) => setTimeout(r, 10));
}

describe('uploads no client can make', () => {
  it('an upload cut off midway stores no row and no blob', async () => {
    const app = server.addApp({ schema: schemaIR(STORAGE_SCHEMA, 'storage') });
    const headers = { 'app-id': app.appId, authorization: `Bearer ${app.adminToken}`, path: 'cut.bin', 'content-length': 10_000 };
    const status = await rawPut(headers, (req) => {
      req.write(Buffer.alloc(4000));
      setTimeout(() => req.destroy(), 50);
    });
    expect(status).toBeNull();
    // The temporary blob is removed as soon as the server notices the connection is gone.
    await settled(() => !fs.existsSync(path.join(`${dataFile}.files`, app.appId)) || fs.readdirSync(path.join(`${dataFile}.files`, app.appId)).length === 0);
    expect(fs.existsSync(path.join(`${dataFile}.files`, app.appId)) ? fs.readdirSync(path.join(`${dataFile}.files`, app.appId)) : []).toEqual([]);
    expect(await filesOf(app.appId, app.adminToken)).toEqual([]);
  });

  it('a chunked body (no content-length) that passes the limit is refused with 413 and stores nothing', async () => {
    const app = server.addApp({ schema: schemaIR(STORAGE_SCHEMA, 'storage') });
    const headers = { 'app-id': app.appId, authorization: `Bearer ${app.adminToken}`, path: 'chunked.bin', 'transfer-encoding': 'chunked' };
    const status = await rawPut(headers, (req) => {
      for (let k = 0; k < 80; k++) req.write(Buffer.alloc(1024));
      req.end();
    });
    expect(status).toBe(413);
    expect(blobsOf(app.appId)).toEqual([]);
    expect(await filesOf(app.appId, app.adminToken)).toEqual([]);
  });
});

describe('memory', () => {
  // The child runs the built runtime (npm run build). Memory is sampled after forced GCs in both processes.
  it('a 256 MiB stream upload keeps the generated client and the server flat (the SDK holds the whole file)', async () => {
    // Its own server: the shared one refuses files over 64 KiB.
    const big = await startServer({ schema: schemaIR(STORAGE_SCHEMA, 'storage'), dataFile: path.join(dir, 'big.db'), log: () => undefined });
    const app = { appId: big.appId, adminToken: big.adminToken };
    const child = path.join(import.meta.dirname, '../support/uploadChild.mjs');
    const upload = async (who: 'generated' | 'sdk') => {
      const gc = (globalThis as { gc?: () => void }).gc;
      const before = process.memoryUsage().rss;
      let peak = before;
      const timer = setInterval(() => {
        gc?.();
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 50);
      const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', child, who, big.url, app.appId, app.adminToken, '256']);
      clearInterval(timer);
      const out = JSON.parse(stdout) as { ok: boolean; growthMiB: number };
      return { ok: out.ok, client: out.growthMiB, server: Math.round((peak - before) / 2 ** 20) };
    };
    const generated = await upload('generated');
    const sdk = await upload('sdk');
    expect([generated.ok, sdk.ok]).toEqual([true, true]);
    console.log(`256 MiB Node Readable upload, RSS growth in MiB: generated client ${generated.client}, SDK ${sdk.client}, server ${generated.server}/${sdk.server}`);
    expect(generated.client).toBeLessThan(64);
    expect(sdk.client).toBeGreaterThan(128);
    const blobDir = path.join(dir, 'big.db.files', app.appId);
    expect(fs.readdirSync(blobDir).map((f) => fs.statSync(path.join(blobDir, f)).size)).toEqual([256 * 2 ** 20, 256 * 2 ** 20]);
    await big.close();
  });
});

describe('refused uploads from another process', () => {
  it('a stream over the limit gets the 413, not a reset connection, with either client', async () => {
    const app = server.addApp({ schema: schemaIR(STORAGE_SCHEMA, 'storage') });
    const child = path.join(import.meta.dirname, '../support/uploadChild.mjs');
    for (const who of ['generated', 'sdk']) {
      const { stdout } = await promisify(execFile)(process.execPath, [child, who, server.url, app.appId, app.adminToken, '32']);
      expect(JSON.parse(stdout)).toMatchObject({ ok: false, status: 413, type: 'payload-too-large' });
    }
    expect(blobsOf(app.appId)).toEqual([]);
  });
});

describe('restart', () => {
  it('a restart on the same data file keeps files, their bytes and their urls', async () => {
    const app = server.addApp({ schema: schemaIR(STORAGE_SCHEMA, 'storage') });
    const db = client('generated', app.appId, app.adminToken);
    await db.storage.uploadFile('kept/one.txt', Buffer.from('survives'), { contentType: 'text/plain' });
    const before = (await db.query({ $files: {} })).$files[0];
    await server.close();
    server = await start();
    server.addApp({ schema: schemaIR(STORAGE_SCHEMA, 'storage'), appId: app.appId, adminToken: app.adminToken });
    const sdk = client('sdk', app.appId, app.adminToken);
    const [after] = (await sdk.query({ $files: {} })).$files;
    expect(after).toMatchObject({ id: before.id, path: 'kept/one.txt', 'location-id': before['location-id'], size: 8 });
    const res = await fetch(after.url);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe('survives');
    // The url signed before the restart still works: the signing key lives in the data file.
    expect(new URL(before.url).search).toBe(new URL(after.url).search);
  });

  it('at startup, a blob no row points at (an upload interrupted by a crash) is removed', async () => {
    const app = server.addApp({ schema: schemaIR(STORAGE_SCHEMA, 'storage') });
    const db = client('sdk', app.appId, app.adminToken);
    await db.storage.uploadFile('real.txt', Buffer.from('real'));
    const appDir = path.join(`${dataFile}.files`, app.appId);
    fs.writeFileSync(path.join(appDir, 'orphan-location'), 'orphan');
    fs.writeFileSync(path.join(appDir, '.tmp-abc-half'), 'half');
    await server.close();
    server = await start();
    expect(fs.readdirSync(appDir)).toHaveLength(1);
    expect(blobsOf(app.appId)).not.toContain('orphan-location');
  });

  it('resetApp deletes the app’s blobs', async () => {
    const app = server.addApp({ schema: schemaIR(STORAGE_SCHEMA, 'storage') });
    await client('sdk', app.appId, app.adminToken).storage.uploadFile('r.txt', Buffer.from('r'));
    expect(blobsOf(app.appId)).toHaveLength(1);
    server.resetApp(app.appId);
    expect(blobsOf(app.appId)).toEqual([]);
  });

  it('in memory mode, blobs live in a temporary folder removed on close', async () => {
    const memory = await startServer({ schema: schemaIR(STORAGE_SCHEMA, 'storage'), memory: true, log: () => undefined });
    const db = init({ appId: memory.appId, adminToken: memory.adminToken, apiURI: memory.url });
    await db.storage.uploadFile('m.txt', Buffer.from('mem'));
    const root = (memory.blobStore as unknown as { root: string }).root;
    expect(fs.readdirSync(path.join(root, memory.appId))).toHaveLength(1);
    const stream = memory.blobStore.open(memory.appId, fs.readdirSync(path.join(root, memory.appId))[0])!;
    const chunks: Buffer[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('mem');
    await memory.close();
    expect(fs.existsSync(root)).toBe(false);
  });
});
