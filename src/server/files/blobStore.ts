// Where file contents live: one plain file per blob in a folder beside the data file,
// `<data>.files/<appId>/<location-id>` (a temporary folder, removed on close, in --memory mode).
//
// Why a folder and not SQLite blobs: an upload arrives as a stream over the network, possibly for
// minutes. better-sqlite3 is synchronous and has no incremental blob API, so writing it into SQLite would
// either buffer the whole file in memory or hold the database's write lock across awaits, stalling every
// other request. Files also keep the database small (its WAL never churns through megabytes of file
// data), and match the `files/<location-id>` layout of Instant's backups.
//
// Durability: a blob is written under a temporary name, fsynced, renamed into place, and the folder is
// fsynced, so a blob either exists whole or not at all. The `$files` row that points at it is committed
// afterwards; what a crash in between leaves behind is removed when the server starts (see sweeper.ts).

import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The interface the rest of the server (and backups) use; keep it stable. */
export interface BlobStore {
  /** Streams `source` into the blob, replacing any blob of that name; resolves once it is durable. */
  put(appId: string, locationId: string, source: AsyncIterable<Uint8Array>): Promise<{ size: number }>;
  /** The blob's bytes, or null when there is none. */
  open(appId: string, locationId: string): NodeJS.ReadableStream | null;
  /** Removes the blob (nothing happens when there is none). */
  delete(appId: string, locationId: string): void;
}

const TEMP_PREFIX = '.tmp-';
/** App ids are uuids; location ids are Instant's uuids, or whatever a backup names its files. */
const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;

function checkName(kind: string, name: string): string {
  if (!SAFE_NAME.test(name)) throw new Error(`invalid ${kind} for a blob: ${JSON.stringify(name)}`);
  return name;
}

export class DirBlobStore implements BlobStore {
  constructor(
    readonly root: string,
    /** Remove the whole folder on close (--memory mode). */
    private readonly temporary = false,
  ) {
    mkdirSync(root, { recursive: true });
  }

  /** A store in a fresh temporary folder, removed by `close()`. */
  static temporary(): DirBlobStore {
    return new DirBlobStore(mkdtempSync(join(tmpdir(), 'instant-codegen-files-')), true);
  }

  private dir(appId: string): string {
    return join(this.root, checkName('app id', appId));
  }

  async put(appId: string, locationId: string, source: AsyncIterable<Uint8Array>): Promise<{ size: number }> {
    const dir = this.dir(appId);
    const target = join(dir, checkName('location id', locationId));
    mkdirSync(dir, { recursive: true });
    const temp = join(dir, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-${locationId}`);
    const handle = await open(temp, 'wx');
    let size = 0;
    try {
      for await (const chunk of source) {
        let offset = 0;
        while (offset < chunk.length) offset += (await handle.write(chunk, offset)).bytesWritten;
        size += chunk.length;
      }
      await handle.sync();
    } catch (e) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw e;
    }
    await handle.close();
    await rename(temp, target);
    await syncDir(dir);
    return { size };
  }

  open(appId: string, locationId: string): NodeJS.ReadableStream | null {
    if (!SAFE_NAME.test(appId) || !SAFE_NAME.test(locationId)) return null;
    const file = join(this.root, appId, locationId);
    return existsSync(file) ? createReadStream(file) : null;
  }

  delete(appId: string, locationId: string): void {
    if (!SAFE_NAME.test(appId) || !SAFE_NAME.test(locationId)) return;
    try {
      unlinkSync(join(this.root, appId, locationId));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }

  /** Apps with a folder of blobs. */
  apps(): string[] {
    return existsSync(this.root) ? readdirSync(this.root).filter((n) => SAFE_NAME.test(n)) : [];
  }

  /** The location ids stored for an app; leftover temporary files (an interrupted write) are removed. */
  locations(appId: string): string[] {
    const dir = this.dir(appId);
    if (!existsSync(dir)) return [];
    const names: string[] = [];
    for (const name of readdirSync(dir)) {
      if (name.startsWith(TEMP_PREFIX)) rmSync(join(dir, name), { force: true });
      else if (SAFE_NAME.test(name)) names.push(name);
    }
    return names;
  }

  close(): void {
    if (this.temporary) rmSync(this.root, { recursive: true, force: true });
  }
}

/** fsync of the folder makes the rename itself durable (not supported on Windows: skipped there). */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
