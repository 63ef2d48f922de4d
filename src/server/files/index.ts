// The files capability of the local server (`$files`, `db.storage`): one entry point that startServer
// calls. It owns the blob store, the sweeper that deletes blobs after commits, and the signing of urls.

import { randomBytes } from 'node:crypto';
import type { Db } from '../storage/db.js';
import type { Engine } from '../engine.js';
import { DirBlobStore, type BlobStore } from './blobStore.js';
import { BlobSweeper } from './sweeper.js';
import { UrlSigner } from './signedUrls.js';
import { DEFAULT_MAX_FILE_BYTES, Files } from './files.js';

export type { BlobStore } from './blobStore.js';
export { DirBlobStore } from './blobStore.js';
export { Files, FileTooLarge, fileTooLargeError, DEFAULT_MAX_FILE_BYTES } from './files.js';
export { BLOB_ROUTE_PREFIX, URL_LIFETIME_MS } from './signedUrls.js';

export interface FilesOptions {
  /** Largest file an upload may carry, in bytes (413 beyond). Default 1 GiB. */
  maxFileBytes?: number;
  /** Where blobs go; default `<dataFile>.files`, or a temporary folder removed on close without a data file. */
  dir?: string;
  /** The clock of signed urls and upload urls (tests move it forward to expire them). */
  now?: () => number;
}

export interface FilesCapability {
  files: Files;
  blobStore: BlobStore;
  close(): void;
}

/** Sets up blobs for the server's database; leftovers of a crash are cleaned before the server listens. */
export function openFiles(db: Db, engine: Engine, dataFile: string | undefined, options: FilesOptions = {}): FilesCapability {
  const dir = options.dir ?? (dataFile ? `${dataFile}.files` : undefined);
  const blobs = dir ? new DirBlobStore(dir) : DirBlobStore.temporary();
  const sweeper = new BlobSweeper(db, blobs);
  sweeper.reconcile();
  const now = options.now ?? Date.now;
  const files = new Files(engine, blobs, new UrlSigner(urlSecret(db), now), sweeper, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, now);
  const stopSweeping = engine.onCommit(() => files.sweep());
  engine.fileUrl = (appId, locationId) => files.url(appId, locationId);
  return {
    files,
    blobStore: blobs,
    close: () => {
      stopSweeping();
      blobs.close();
    },
  };
}

/** The key urls are signed with, kept in the data file so that urls outlive a restart. */
function urlSecret(db: Db): Buffer {
  const key = 'files_url_secret';
  const row = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key);
  if (row) return Buffer.from(row.value, 'base64');
  const secret = randomBytes(32);
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, secret.toString('base64'));
  return secret;
}
