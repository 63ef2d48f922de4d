// Storage cases (`db.storage`, `$files`), run through the official SDK and through a generated client by
// test/server/storage.test.ts. Each case asserts inside `run`, since a few outcomes differ by client on
// purpose (named where they do). Upstream references:
// - server/src/instant/admin/routes.clj (upload-put, file-delete, files-delete, files-get, signed-download-url-get)
// - server/src/instant/storage/coordinator.clj (upload-file!, assert-storage-permission!, delete-file(s)!)
// - server/src/instant/model/app_file.clj (create! upserts by path: same id, new location-id)
// - server/resources/migrations/52_add_app_files_to_sweep.up.sql (old and deleted blobs are swept)
// - server/src/instant/db/instaql.clj L1050-1096 and server/test/instant/db/instaql_test.clj L4800-4930 (url, location-id)
// - server/src/instant/storage/s3.clj (`location-id-url`: 7 days from the start of the UTC day; default content type)

import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { i } from '@instantdb/admin';
import type { AdminDbLike } from '../../support/conformance.js';

export const STORAGE_SCHEMA = i.schema({
  entities: {
    $files: i.entity({ path: i.string().unique().indexed(), url: i.string() }),
    $users: i.entity({ email: i.string().unique().indexed().optional() }),
    notes: i.entity({ title: i.string() }),
  },
  links: {
    usersAvatar: { forward: { on: '$users', has: 'one', label: 'avatar' }, reverse: { on: '$files', has: 'one', label: 'owner' } },
    notesAttachments: { forward: { on: 'notes', has: 'many', label: 'attachments' }, reverse: { on: '$files', has: 'many', label: 'notes' } },
  },
});

export type Side = 'sdk' | 'generated';

export interface StorageCtx {
  side: Side;
  appId: string;
  url: string;
  /** Blobs stored for the app (file names in its blob folder). */
  blobs(): string[];
  /** Moves the server's clock (signed urls) forward. */
  advanceClock(ms: number): void;
  /** A raw request to the server. */
  http(method: string, path: string, init?: { headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: any }>;
  adminHeaders(extra?: Record<string, string>): Record<string, string>;
  /** `db.tx.$files[lookup('path', p)].delete()` in each client's spelling. */
  deletePath(db: AdminDbLike, path: string): unknown;
  /** A user with a refresh token, and a client acting as them. */
  user(email: string): Promise<{ id: string; db: AdminDbLike }>;
}

export interface StorageCase {
  name: string;
  rules?: Record<string, unknown>;
  run(db: AdminDbLike, ctx: StorageCtx): Promise<void>;
}

const enc = (s: string) => new TextEncoder().encode(s);

async function fetchBytes(url: string): Promise<{ status: number; text: string; type: string | null; disposition: string | null }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition') };
}

async function files(db: AdminDbLike, opts: Record<string, unknown> = {}): Promise<any[]> {
  return (await db.query({ $files: { $: { order: { serverCreatedAt: 'asc' }, ...opts } } })).$files;
}

/** Uploads `text`, then checks the row and that its url serves exactly those bytes. */
async function uploadsAndServes(db: AdminDbLike, path: string, data: unknown, text: string, opts: Record<string, unknown> = {}, type = 'application/octet-stream') {
  const res = await db.storage.uploadFile(path, data, opts);
  expect(res.data.id).toMatch(/^[0-9a-f-]{36}$/);
  const [row] = await files(db, { where: { path } });
  const disposition = opts.contentDisposition ?? 'inline';
  expect(row).toMatchObject({ id: res.data.id, path, size: Buffer.byteLength(text), 'content-type': type, 'content-disposition': disposition, 'key-version': 1 });
  const got = await fetchBytes(row.url);
  expect(got).toMatchObject({ status: 200, text, type });
  return row;
}

const OWN_FOLDER = { $files: { allow: { view: 'true', create: "data.path.startsWith(auth.id + '/')", delete: "data.path.startsWith(auth.id + '/')" } } };

export const STORAGE_CASES: StorageCase[] = [
  {
    name: 'upload a Buffer',
    run: async (db) => void (await uploadsAndServes(db, 'a/buffer.txt', Buffer.from('hello buffer'), 'hello buffer')),
  },
  {
    name: 'upload a Uint8Array',
    run: async (db) => void (await uploadsAndServes(db, 'a/bytes.bin', enc('uint8 bytes'), 'uint8 bytes')),
  },
  {
    name: "upload a Blob: fetch labels it with the Blob's type",
    run: async (db) => void (await uploadsAndServes(db, 'a/blob.txt', new Blob(['blob body'], { type: 'text/plain' }), 'blob body', {}, 'text/plain')),
  },
  {
    name: 'upload a Node Readable with fileSize (streamed)',
    run: async (db) => {
      const text = 'x'.repeat(20_000);
      const stream = Readable.from((function* () {
        for (let k = 0; k < 20; k++) yield Buffer.from('x'.repeat(1000));
      })());
      await uploadsAndServes(db, 'a/stream.txt', stream, text, { fileSize: 20_000, contentType: 'text/plain' }, 'text/plain');
    },
  },
  {
    // The SDK omits `duplex: 'half'` for web streams, which Node's fetch refuses (admin/src/index.ts `uploadFile`).
    name: 'upload a web ReadableStream: the generated client streams it; the SDK cannot on Node',
    run: async (db, ctx) => {
      const web = () => new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(enc('web stream')), c.close()) });
      if (ctx.side === 'sdk') {
        await expect(db.storage.uploadFile('a/web.txt', web(), { fileSize: 10 })).rejects.toThrow(/duplex/);
        expect(await files(db)).toEqual([]);
      } else {
        await uploadsAndServes(db, 'a/web.txt', web(), 'web stream', { fileSize: 10 });
      }
    },
  },
  {
    name: 'a stream without fileSize is refused before any request',
    run: async (db, ctx) => {
      await expect(db.storage.uploadFile('a/s.txt', Readable.from([Buffer.from('x')]))).rejects.toThrow('fileSize is required in metadata when uploading streams');
      expect(ctx.blobs()).toEqual([]);
    },
  },
  {
    name: 'contentType and contentDisposition are stored and served',
    run: async (db) => {
      const row = await uploadsAndServes(db, 'docs/r.pdf', Buffer.from('%PDF'), '%PDF', { contentType: 'application/pdf', contentDisposition: 'attachment; filename="r.pdf"' }, 'application/pdf');
      expect(row['content-disposition']).toBe('attachment; filename="r.pdf"');
      expect((await fetchBytes(row.url)).disposition).toBe('attachment; filename="r.pdf"');
    },
  },
  {
    name: 'replacing a path keeps the id, serves the new bytes and deletes the old blob',
    run: async (db, ctx) => {
      const first = await uploadsAndServes(db, 'p.txt', Buffer.from('one'), 'one');
      const second = await uploadsAndServes(db, 'p.txt', Buffer.from('second'), 'second');
      expect(second.id).toBe(first.id);
      expect(second['location-id']).not.toBe(first['location-id']);
      expect(ctx.blobs()).toEqual([second['location-id']]);
      expect((await fetchBytes(first.url)).status).toBe(404);
      expect(await files(db)).toHaveLength(1);
    },
  },
  {
    name: 'fields pick url and location-id as Instant does',
    run: async (db) => {
      await db.storage.uploadFile('f.txt', Buffer.from('f'));
      const [full] = await files(db);
      expect(Object.keys(full).sort()).toEqual(['content-disposition', 'content-type', 'id', 'key-version', 'location-id', 'path', 'size', 'url']);
      expect(Object.keys((await files(db, { fields: ['url'] }))[0]).sort()).toEqual(['id', 'url']);
      expect(Object.keys((await files(db, { fields: ['path'] }))[0]).sort()).toEqual(['id', 'path']);
      expect(Object.keys((await files(db, { fields: ['url', 'location-id'] }))[0]).sort()).toEqual(['id', 'location-id', 'url']);
    },
  },
  {
    name: 'a forged url is refused',
    run: async (db) => {
      const row = await uploadsAndServes(db, 'g.txt', Buffer.from('g'), 'g');
      const forged = new URL(row.url);
      forged.searchParams.set('signature', forged.searchParams.get('signature')!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')));
      expect((await fetchBytes(forged.toString())).status).toBe(403);
      const longer = new URL(row.url);
      longer.searchParams.set('expires', String(Number(longer.searchParams.get('expires')) + 86400));
      expect((await fetchBytes(longer.toString())).status).toBe(403);
    },
  },
  {
    name: 'a url expires 7 days after the start of its UTC day',
    run: async (db, ctx) => {
      const row = await uploadsAndServes(db, 'e.txt', Buffer.from('e'), 'e');
      const expires = Number(new URL(row.url).searchParams.get('expires')) * 1000;
      expect(expires % 86_400_000).toBe(0);
      ctx.advanceClock(8 * 86_400_000);
      const got = await fetchBytes(row.url);
      expect(got.status).toBe(403);
      expect(JSON.parse(got.text).message).toBe('This url has expired.');
      // A fresh query signs a fresh url.
      expect((await fetchBytes((await files(db))[0].url)).text).toBe('e');
    },
  },
  {
    name: 'storage.delete removes the row and the blob',
    run: async (db, ctx) => {
      const row = await uploadsAndServes(db, 'd.txt', Buffer.from('d'), 'd');
      expect(await db.storage.delete('d.txt')).toEqual({ data: { id: row.id } });
      expect(await files(db)).toEqual([]);
      expect(ctx.blobs()).toEqual([]);
      expect((await fetchBytes(row.url)).status).toBe(404);
      expect(await db.storage.delete('d.txt')).toEqual({ data: { id: null } });
    },
  },
  {
    name: 'storage.deleteMany removes every named file',
    run: async (db, ctx) => {
      const a = await db.storage.uploadFile('m/a', Buffer.from('a'));
      const b = await db.storage.uploadFile('m/b', Buffer.from('b'));
      await db.storage.uploadFile('m/keep', Buffer.from('k'));
      const res = await db.storage.deleteMany(['m/a', 'm/b', 'm/none']);
      expect([...res.data.ids].sort()).toEqual([a.data.id, b.data.id].sort());
      expect((await files(db)).map((f) => f.path)).toEqual(['m/keep']);
      expect(ctx.blobs()).toHaveLength(1);
    },
  },
  {
    name: "transact $files[lookup('path')].delete() removes the blob after the commit",
    run: async (db, ctx) => {
      await db.storage.uploadFile('t.txt', Buffer.from('t'));
      expect(ctx.blobs()).toHaveLength(1);
      await db.transact(ctx.deletePath(db, 't.txt'));
      expect(await files(db)).toEqual([]);
      expect(ctx.blobs()).toEqual([]);
    },
  },
  {
    name: 'a rolled-back transaction that deletes a file keeps its blob',
    rules: { $files: { allow: { view: 'true', delete: 'false' } } },
    run: async (db, ctx) => {
      const row = await uploadsAndServes(db, 'keep.txt', Buffer.from('kept'), 'kept');
      const alice = await ctx.user('alice@example.com');
      await expect(alice.db.transact(ctx.deletePath(alice.db, 'keep.txt'))).rejects.toMatchObject({ status: 400, body: { type: 'permission-denied' } });
      expect(ctx.blobs()).toEqual([row['location-id']]);
      expect((await fetchBytes(row.url)).text).toBe('kept');
    },
  },
  {
    name: 'an impersonated upload without $files rules is denied and stores nothing',
    run: async (db, ctx) => {
      const alice = await ctx.user('alice@example.com');
      await expect(alice.db.storage.uploadFile(`${alice.id}/a.txt`, Buffer.from('a'))).rejects.toMatchObject({
        status: 400,
        body: { type: 'permission-denied', message: 'Permission denied: not has-storage-permission?', hint: { input: ['$files', 'create'], expected: 'has-storage-permission?' } },
      });
      expect(await files(db)).toEqual([]);
      expect(ctx.blobs()).toEqual([]);
    },
  },
  {
    name: "impersonated uploads follow the create rule on data.path",
    rules: OWN_FOLDER,
    run: async (db, ctx) => {
      const alice = await ctx.user('alice@example.com');
      const bob = await ctx.user('bob@example.com');
      await alice.db.storage.uploadFile(`${alice.id}/ok.txt`, Buffer.from('ok'));
      await expect(alice.db.storage.uploadFile(`${bob.id}/no.txt`, Buffer.from('no'))).rejects.toMatchObject({ body: { type: 'permission-denied' } });
      expect((await files(db)).map((f) => f.path)).toEqual([`${alice.id}/ok.txt`]);
      expect(ctx.blobs()).toHaveLength(1);
    },
  },
  {
    name: 'impersonated storage.delete follows the delete rule',
    rules: OWN_FOLDER,
    run: async (db, ctx) => {
      const alice = await ctx.user('alice@example.com');
      const bob = await ctx.user('bob@example.com');
      await db.storage.uploadFile(`${bob.id}/b.txt`, Buffer.from('b'));
      await db.storage.uploadFile(`${alice.id}/a.txt`, Buffer.from('a'));
      await expect(alice.db.storage.delete(`${bob.id}/b.txt`)).rejects.toMatchObject({ body: { type: 'permission-denied', hint: { input: ['$files', 'delete'] } } });
      expect((await alice.db.storage.delete(`${alice.id}/a.txt`)).data.id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await files(db)).map((f) => f.path)).toEqual([`${bob.id}/b.txt`]);
      expect(ctx.blobs()).toHaveLength(1);
    },
  },
  {
    name: 'impersonated $files queries follow the view rule and carry urls',
    rules: { $files: { allow: { view: "data.path.startsWith('public/')" } } },
    run: async (db, ctx) => {
      await db.storage.uploadFile('public/p.txt', Buffer.from('public'));
      await db.storage.uploadFile('private/q.txt', Buffer.from('private'));
      const alice = await ctx.user('alice@example.com');
      const seen = await files(alice.db);
      expect(seen.map((f) => f.path)).toEqual(['public/p.txt']);
      expect((await fetchBytes(seen[0].url)).text).toBe('public');
    },
  },
  {
    name: 'a linked $files row carries its url ($users avatar)',
    run: async (db, ctx) => {
      const alice = await ctx.user('alice@example.com');
      const up = await db.storage.uploadFile('avatars/alice.png', Buffer.from('png'), { contentType: 'image/png' });
      await db.transact(db.tx.$users[alice.id].link({ avatar: up.data.id }));
      const { $users } = await db.query({ $users: { $: { where: { id: alice.id } }, avatar: {} } });
      const avatar = Array.isArray($users[0].avatar) ? $users[0].avatar[0] : $users[0].avatar;
      expect(avatar).toMatchObject({ id: up.data.id, path: 'avatars/alice.png' });
      expect(await fetchBytes(avatar.url)).toMatchObject({ text: 'png', type: 'image/png' });
    },
  },
  {
    name: 'a file over the size limit is refused with 413 and stores nothing',
    run: async (db, ctx) => {
      await expect(db.storage.uploadFile('big.bin', Buffer.alloc(70 * 1024))).rejects.toMatchObject({ status: 413, body: { type: 'payload-too-large' } });
      const stream = Readable.from((function* () {
        for (let k = 0; k < 70; k++) yield Buffer.alloc(1024);
      })());
      await expect(db.storage.uploadFile('big2.bin', stream, { fileSize: 70 * 1024 })).rejects.toMatchObject({ status: 413 });
      expect(await files(db)).toEqual([]);
      expect(ctx.blobs()).toEqual([]);
    },
  },
  {
    name: 'deprecated list() and getDownloadUrl()',
    run: async (db) => {
      const up = await db.storage.uploadFile('l/one.txt', Buffer.from('one'));
      const [row] = await files(db);
      const list = await db.storage.list();
      expect(list).toEqual([{ key: expect.stringMatching(new RegExp(`/[0-9]/${row['location-id']}$`)), name: 'l/one.txt', size: 3, etag: null, last_modified: null }]);
      const url = await db.storage.getDownloadUrl('l/one.txt');
      expect((await fetchBytes(url)).text).toBe('one');
      expect(await db.storage.getDownloadUrl('l/none.txt')).toBeNull();
      expect(up.data.id).toBe(row.id);
    },
  },
  {
    name: 'a path can be renamed through transact; the url follows',
    run: async (db) => {
      const up = await db.storage.uploadFile('old/name.txt', Buffer.from('renamed'));
      await db.transact(db.tx.$files[up.data.id].update({ path: 'new/name.txt' }));
      const [row] = await files(db);
      expect(row).toMatchObject({ id: up.data.id, path: 'new/name.txt' });
      expect((await fetchBytes(row.url)).text).toBe('renamed');
    },
  },
  {
    // permissioned_transaction.clj `prevent-system-column-updates`: "even admins can't update" the $files
    // columns only storage sets; `path` stays editable (the rename case above).
    name: 'an admin transact cannot write $files.size or location-id; nothing changes',
    run: async (db, ctx) => {
      const up = await db.storage.uploadFile('sys/col.txt', Buffer.from('abc'));
      const before = (await files(db))[0];
      const json = ctx.adminHeaders({ 'content-type': 'application/json' });
      const res = await ctx.http('POST', '/admin/transact', {
        headers: json,
        body: JSON.stringify({ steps: [['update', '$files', up.data.id, { path: 'sys/moved.txt', size: 1 }]] }),
      });
      expect(res).toMatchObject({ status: 400, body: { type: 'validation-failed' } });
      expect(JSON.stringify(res.body)).toContain("$files.size is a system column. You aren't allowed to change this directly.");
      const locationStep = [['update', '$files', up.data.id, { 'location-id': 'elsewhere' }]];
      const res2 = await ctx.http('POST', '/admin/transact', { headers: json, body: JSON.stringify({ steps: locationStep }) });
      expect(JSON.stringify(res2.body)).toContain('$files.location-id is a system column');
      // Through each client: refused (the SDK's schema and the generated types know no writable `size`).
      await expect((async () => db.transact(db.tx.$files[up.data.id].update({ size: 1 })))()).rejects.toThrow(
        ctx.side === 'generated' ? "$files.size: set by Instant's storage, so update can't write it" : /size/,
      );
      expect(await files(db)).toEqual([before]);
      expect((await fetchBytes(before.url)).text).toBe('abc');
    },
  },
  {
    name: 'a blank path is a malformed parameter, a missing one a missing parameter',
    run: async (db, ctx) => {
      await expect(db.storage.uploadFile('   ', Buffer.from('x'))).rejects.toMatchObject({ status: 400, body: { type: 'param-malformed', hint: { in: ['path'] } } });
      const res = await ctx.http('PUT', '/admin/storage/upload', { headers: ctx.adminHeaders(), body: 'x' });
      expect(res).toMatchObject({ status: 400, body: { type: 'param-missing', hint: { in: ['path'] } } });
      expect(ctx.blobs()).toEqual([]);
    },
  },
  {
    name: 'a dry run (debugTransact) that deletes a file keeps the file and its blob',
    rules: { $files: { allow: { view: 'true', delete: 'true' } } },
    run: async (db, ctx) => {
      const row = await uploadsAndServes(db, 'dry.txt', Buffer.from('dry'), 'dry');
      const alice = await ctx.user('alice@example.com');
      const res = await alice.db.debugTransact(ctx.deletePath(alice.db, 'dry.txt'));
      expect(res['committed?']).toBe(false);
      expect(ctx.blobs()).toEqual([row['location-id']]);
      expect((await fetchBytes(row.url)).text).toBe('dry');
    },
  },
  {
    // The SDK's client-side validation only knows the schema's `$files` attrs; the generated client knows the system ones.
    name: 'system attributes filter and order $files (where size, order by size)',
    run: async (db, ctx) => {
      await db.storage.uploadFile('s/small', Buffer.from('ab'));
      await db.storage.uploadFile('s/large', Buffer.from('abcdef'));
      await db.storage.uploadFile('s/mid', Buffer.from('abcd'), { contentType: 'text/plain' });
      const bySize = { $files: { $: { where: { size: { $gt: 2 } }, order: { size: 'desc' } } } };
      const byType = { $files: { $: { where: { 'content-type': 'text/plain' }, fields: ['path', 'size'] } } };
      if (ctx.side === 'sdk') {
        await expect((async () => db.query(bySize))()).rejects.toThrow(/Attribute or link 'size' does not exist on entity '\$files'/);
        const raw = await ctx.http('POST', '/admin/query', { headers: ctx.adminHeaders({ 'content-type': 'application/json' }), body: JSON.stringify({ query: bySize }) });
        expect(raw.body.$files.map((f: any) => f.path)).toEqual(['s/large', 's/mid']);
        return;
      }
      expect((await db.query(bySize)).$files.map((f: any) => f.path)).toEqual(['s/large', 's/mid']);
      expect((await db.query(byType)).$files).toEqual([{ id: expect.any(String), path: 's/mid', size: 4 }]);
    },
  },
];
