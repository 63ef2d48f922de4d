// Type-level contract of `$files` rows and `db.storage` in a generated client (the todo fixture declares
// `$files` with `path` and `url` only), checked by `tsc` in test/filesTypes.test.ts. Every
// `@ts-expect-error` must be needed: an unused one fails the check.
import { Readable } from 'node:stream';
import { expectTypeOf } from 'vitest';
import { createClient, type $FilesEntity, type FileData, type UploadFileResponse } from './generated/todo/index.js';

const db = createClient({ appId: 'app', adminToken: 'token' });

async function rows() {
  // Instant's system attributes are in the row type although the schema declares only path and url
  // (system_catalog.clj `$files`; the server always sets them, db/instaql.clj adds `url`).
  const files = await db.$files.query();
  expectTypeOf(files).toEqualTypeOf<$FilesEntity[]>();
  expectTypeOf(files[0].path).toEqualTypeOf<string>();
  expectTypeOf(files[0].url).toEqualTypeOf<string>();
  expectTypeOf(files[0].size).toEqualTypeOf<number>();
  expectTypeOf(files[0]['content-type']).toEqualTypeOf<string>();
  expectTypeOf(files[0]['content-disposition']).toEqualTypeOf<string>();
  expectTypeOf(files[0]['location-id']).toEqualTypeOf<string>();
  expectTypeOf(files[0]['key-version']).toEqualTypeOf<number>();
  // @ts-expect-error no such attribute
  files[0].filename;

  // System attributes can be picked, filtered and ordered by (they are indexed on Instant).
  const picked = await db.$files.query({ $: { fields: ['url', 'size'], where: { size: { $gt: 10 }, 'content-type': 'image/png' }, order: { size: 'desc' } } });
  expectTypeOf<keyof (typeof picked)[0]>().toEqualTypeOf<'id' | 'url' | 'size'>();
  // @ts-expect-error `key-version` is not indexed: no ordering by it
  await db.$files.query({ $: { order: { 'key-version': 'asc' } } });
  // @ts-expect-error sizes are numbers
  await db.$files.query({ $: { where: { size: 'big' } } });
}

function writes() {
  // Deletes and renames through transact, by id or by a `path` lookup.
  db.transact(db.$files.tx({ path: 'photos/a.png' }).delete());
  db.transact(db.$files.tx({ 'location-id': 'loc' }).delete());
  db.transact(db.$files.tx('11111111-2222-4333-8444-555555555555').update({ path: 'photos/b.png' }));
  // @ts-expect-error only the server sets size (permissioned_transaction.clj `prevent-system-column-updates`)
  db.$files.tx({ path: 'a' }).update({ size: 3 });
  // @ts-expect-error nor content-type
  db.$files.tx({ path: 'a' }).update({ 'content-type': 'text/plain' });
}

async function storage() {
  const up = await db.storage.uploadFile('a.png', Buffer.from('x'), { contentType: 'image/png', contentDisposition: 'inline' });
  expectTypeOf(up).toEqualTypeOf<UploadFileResponse>();
  expectTypeOf(up.data.id).toEqualTypeOf<string>();
  await db.storage.uploadFile('b', new Uint8Array([1]));
  await db.storage.uploadFile('c', new Blob(['c']));
  await db.storage.uploadFile('d', Readable.from(['d']), { fileSize: 1 });
  await db.storage.uploadFile('e', new ReadableStream<Uint8Array>(), { fileSize: 1 });
  expectTypeOf<Buffer>().toMatchTypeOf<FileData>();
  // @ts-expect-error a string is not file data
  await db.storage.uploadFile('f', 'text');
  // @ts-expect-error fileSize is a number
  await db.storage.uploadFile('g', Buffer.from('g'), { fileSize: '1' });
  expectTypeOf(await db.storage.delete('a.png')).toEqualTypeOf<{ data: { id: string | null } }>();
  expectTypeOf(await db.storage.deleteMany(['a', 'b'])).toEqualTypeOf<{ data: { ids: string[] | null } }>();
  expectTypeOf(await db.storage.getDownloadUrl('a')).toEqualTypeOf<string>();
  // As a user, with their `$files` rules.
  await db.asUser({ email: 'a@b.c' }).storage.uploadFile('u/a', Buffer.from('a'));
}

export { rows, writes, storage };
