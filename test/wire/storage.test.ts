// Wire conformance of `db.storage`: the generated client sends the same storage requests as
// `@instantdb/admin@1.0.67` (admin/src/index.ts `Storage`: uploadFile, delete, deleteMany, list,
// getDownloadUrl), headers, query string and body included, and resolves to the same values.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer, type CapturedRequest } from '../support/captureServer.js';
import { ADMIN_TOKEN, generateTodoClient, makeGen, makeSdk, removeDir, settle, wireView, type GeneratedModule } from './harness.js';

let server: CaptureServer;
let mod: GeneratedModule;
let dir: string | undefined;

beforeAll(async () => {
  server = await startCaptureServer();
  ({ mod, dir } = await generateTodoClient('storage'));
}, 120_000);

afterAll(async () => {
  await server?.close();
  removeDir(dir);
});

/** Storage headers compared on top of the harness's (app-id, authorization, as-*, content-type). */
const STORAGE_HEADERS = ['path', 'content-disposition', 'content-length'] as const;

function view(req: CapturedRequest) {
  const extra: Record<string, string> = {};
  for (const name of STORAGE_HEADERS) if (name in req.headers) extra[name] = req.headers[name];
  return { ...wireView(req), extra, rawBody: req.rawBody };
}

const UPLOADED = { data: { id: '7b0d3c1e-6a55-4b9f-9f7e-1f1b8a9e0c01' } };

interface StorageWireCase {
  name: string;
  /** The canned answer (the capture server has none for storage routes). */
  answer: unknown;
  /** Runs the call with `db.storage` of either client (same method names and arguments). */
  call(db: { storage: any; asUser(who: object): { storage: any } }): Promise<unknown>;
}

const stream = (text: string) => Readable.from([Buffer.from(text)]);

const CASES: StorageWireCase[] = [
  { name: 'uploadFile(Buffer)', answer: UPLOADED, call: (db) => db.storage.uploadFile('photos/a.png', Buffer.from('png bytes')) },
  {
    name: 'uploadFile(Uint8Array, { contentType, contentDisposition })',
    answer: UPLOADED,
    call: (db) => db.storage.uploadFile('docs/r.pdf', new TextEncoder().encode('%PDF'), { contentType: 'application/pdf', contentDisposition: 'attachment; filename="r.pdf"' }),
  },
  { name: "uploadFile(Blob): the Blob's type as content-type", answer: UPLOADED, call: (db) => db.storage.uploadFile('b.txt', new Blob(['blob'], { type: 'text/plain' })) },
  { name: 'uploadFile(Readable, { fileSize }): content-length, streamed', answer: UPLOADED, call: (db) => db.storage.uploadFile('s.txt', stream('streamed'), { fileSize: 8 }) },
  { name: 'uploadFile as an email user', answer: UPLOADED, call: (db) => db.asUser({ email: 'a@b.c' }).storage.uploadFile('u/a.txt', Buffer.from('a')) },
  { name: 'uploadFile as a token user', answer: UPLOADED, call: (db) => db.asUser({ token: '5f0e0c1e-7d1a-4a55-b7a4-4f0d8f6a2c11' }).storage.uploadFile('u/t.txt', Buffer.from('t')) },
  { name: 'uploadFile as a guest', answer: UPLOADED, call: (db) => db.asUser({ guest: true }).storage.uploadFile('u/g.txt', Buffer.from('g')) },
  { name: 'delete(path) with characters to encode', answer: { data: { id: UPLOADED.data.id } }, call: (db) => db.storage.delete('a dir/ü&x=1?.txt') },
  { name: 'delete as an email user', answer: { data: { id: null } }, call: (db) => db.asUser({ email: 'a@b.c' }).storage.delete('x.txt') },
  { name: 'deleteMany(paths)', answer: { data: { ids: [UPLOADED.data.id] } }, call: (db) => db.storage.deleteMany(['a.txt', 'b c.txt']) },
  {
    name: 'list() (deprecated)',
    answer: { data: [{ key: 'app/3/loc', name: 'a.txt', size: 1, etag: null, last_modified: null }] },
    call: (db) => db.storage.list(),
  },
  { name: 'getDownloadUrl(path) (deprecated)', answer: { data: 'http://files.example/a?sig=1' }, call: (db) => db.storage.getDownloadUrl('a b.txt') },
  { name: 'list() on an asUser client: sent without impersonation, like the SDK', answer: { data: [] }, call: (db) => db.asUser({ email: 'a@b.c' }).storage.list() },
  {
    name: 'an error answer becomes the same InstantAPIError',
    answer: { __status: 400, type: 'permission-denied', message: 'Permission denied: not has-storage-permission?', hint: { input: ['$files', 'create'] } },
    call: (db) => db.asUser({ guest: true }).storage.uploadFile('no.txt', Buffer.from('no')),
  },
];

async function capture(answer: unknown, run: () => Promise<unknown>) {
  server.reset();
  const { __status, ...body } = answer as { __status?: number };
  server.script({ status: __status ?? 200, body: __status ? body : answer });
  const outcome = await settle(run);
  return { outcome, requests: server.take() };
}

describe('db.storage on the wire, against @instantdb/admin@1.0.67', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const official = await capture(c.answer, () => c.call(makeSdk(server.url) as any));
    const generated = await capture(c.answer, () => c.call(makeGen(mod, server.url, ADMIN_TOKEN) as any));
    expect(official.requests).toHaveLength(1);
    expect(generated.requests.map(view)).toStrictEqual(official.requests.map(view));
    expect(generated.outcome.ok).toBe(official.outcome.ok);
    if (official.outcome.ok && generated.outcome.ok) expect(generated.outcome.value).toStrictEqual(official.outcome.value);
    if (!official.outcome.ok && !generated.outcome.ok) {
      const [o, g] = [official.outcome.error as any, generated.outcome.error as any];
      expect({ status: g.status, body: g.body }).toStrictEqual({ status: o.status, body: o.body });
    }
  });

  it('a stream without fileSize is refused before any request by both', async () => {
    for (const db of [makeSdk(server.url) as any, makeGen(mod, server.url) as any]) {
      server.reset();
      await expect(db.storage.uploadFile('s.txt', stream('x'))).rejects.toThrow('fileSize is required in metadata when uploading streams');
      expect(server.take()).toEqual([]);
    }
  });

  it('a web ReadableStream: the SDK fails on Node (no duplex), the generated client sends it like a Readable', async () => {
    const web = () => new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new TextEncoder().encode('streamed')), c.close()) });
    server.reset();
    await expect((makeSdk(server.url) as any).storage.uploadFile('s.txt', web(), { fileSize: 8 })).rejects.toThrow(/duplex/);
    expect(server.take()).toEqual([]);
    const reference = await capture(UPLOADED, () => (makeSdk(server.url) as any).storage.uploadFile('s.txt', stream('streamed'), { fileSize: 8 }));
    const generated = await capture(UPLOADED, () => (makeGen(mod, server.url) as any).storage.uploadFile('s.txt', web(), { fileSize: 8 }));
    expect(generated.requests.map(view)).toStrictEqual(reference.requests.map(view));
  });
});
