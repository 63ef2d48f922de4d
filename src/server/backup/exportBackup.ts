// Writes an Instant backup zip (the layout of client/www/app/docs/backups/page.md: config.json, then
// entities/<ns>.jsonl, then files/<location-id>, the order restore.clj requires). config.json needs the
// counts, known only once every namespace was read: lines are spooled to temporary files first, so memory
// stays flat whatever the size. The zip is written beside `out` and renamed into place once complete and
// synced: `out` is never a half-written file.

import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rename, rm, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import yazl from 'yazl';
import type { Engine } from '../engine.js';
import type { BlobStore } from '../files/blobStore.js';
import type { BackupConfig } from './config.js';
import type { BackupProgress } from './progress.js';
import type { BackupSource } from './source.js';
import { localSource } from './localSource.js';
import { remoteSource, type RemoteApp } from './remoteSource.js';

export interface ExportSummary {
  out: string;
  counts: Record<string, number>;
  tripleCount: number;
  files: number;
}

export interface ExportOptions {
  out: string;
  onProgress?: (progress: BackupProgress) => void;
}

/** From an app of the local server. */
export function exportBackup(options: ExportOptions & { engine: Engine; appId: string; blobStore?: BlobStore }): Promise<ExportSummary> {
  return writeBackup(localSource(options.engine, options.appId, options.blobStore), options);
}

/** From any Instant app, through its admin API. */
export function exportRemoteBackup(options: ExportOptions & RemoteApp): Promise<ExportSummary> {
  return writeBackup(remoteSource(options), options);
}

export async function writeBackup(source: BackupSource, options: ExportOptions): Promise<ExportSummary> {
  const spool = await mkdtemp(join(tmpdir(), 'instant-backup-'));
  const partial = `${options.out}.partial-${randomBytes(4).toString('hex')}`;
  const progress: BackupProgress = { phase: 'entities', entities: 0, files: 0 };
  try {
    const counts: Record<string, number> = {};
    const spooled = new Map<string, string>();
    let tripleCount = 0;
    for (const ns of await source.namespaces()) {
      const file = join(spool, `${spooled.size}.jsonl`);
      spooled.set(ns, file);
      const { entities, triples } = await spoolLines(source.lines(ns), file, () => {
        progress.entities++;
        options.onProgress?.({ ...progress, entry: `entities/${ns}.jsonl` });
      });
      if (entities > 0) counts[ns] = entities;
      tripleCount += triples;
    }
    const config: BackupConfig = {
      counts,
      tripleCount,
      schema: await source.schema(),
      rules: await source.rules(),
      webhooks: [],
      emailTemplates: [],
      ...(source.appId ? { appId: source.appId } : {}),
      backupAt: new Date().toISOString(),
      description: 'Exported by instant-codegen',
    };
    const zip = new yazl.ZipFile();
    const written = pipeTo(zip, partial);
    zip.addBuffer(Buffer.from(JSON.stringify(config)), 'config.json');
    for (const ns of Object.keys(counts)) zip.addFile(spooled.get(ns)!, `entities/${ns}.jsonl`);
    progress.phase = 'files';
    for await (const row of source.files()) {
      // Lazily: one blob open (or download) at a time, when the zip reaches it.
      zip.addReadStreamLazy(`files/${row.locationId}`, { compress: false }, (cb) => {
        progress.files++;
        options.onProgress?.({ ...progress, entry: `files/${row.locationId}` });
        source.openFile(row.locationId, row).then((stream) => cb(null, stream), (e: unknown) => cb(e, undefined as never));
      });
    }
    zip.end();
    await written;
    await syncAndRename(partial, options.out);
    options.onProgress?.({ ...progress, phase: 'done' });
    return { out: options.out, counts, tripleCount, files: progress.files };
  } catch (error) {
    await unlink(partial).catch(() => {});
    throw error;
  } finally {
    await rm(spool, { recursive: true, force: true });
  }
}

async function spoolLines(lines: AsyncIterable<{ line: string; triples: number }>, file: string, onLine: () => void): Promise<{ entities: number; triples: number }> {
  const out = createWriteStream(file);
  let entities = 0;
  let triples = 0;
  try {
    for await (const l of lines) {
      if (!out.write(`${l.line}\n`)) await once(out, 'drain');
      entities++;
      triples += l.triples;
      onLine();
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { entities, triples };
}

function pipeTo(zip: yazl.ZipFile, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file, { flags: 'wx' });
    zip.on('error', (e: Error) => out.destroy(e));
    zip.outputStream.on('error', reject).pipe(out).on('error', reject).on('close', () => (out.errored ? reject(out.errored) : resolve()));
  });
}

async function syncAndRename(partial: string, out: string): Promise<void> {
  const handle = await open(partial, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(partial, out);
}
