// Builds Instant backup zips in tests from the documented format (instantdb/instant
// client/www/app/docs/backups/page.md; backup.clj writes config.json, entities/<ns>.jsonl with
// {"entity": {...}, "createdAt": ms} lines, and files/<location-id>), and reads any backup back as content.

import { createWriteStream } from 'node:fs';
import yazl from 'yazl';
import yauzl from 'yauzl';

export interface BackupSpec {
  config: Record<string, unknown>;
  /** Namespace → lines (objects are JSON-encoded; strings are written as they are, e.g. a malformed line). */
  entities: Record<string, (object | string)[]>;
  files?: Record<string, Buffer>;
}

export async function writeBackupZip(file: string, spec: BackupSpec): Promise<void> {
  const zip = new yazl.ZipFile();
  const done = new Promise<void>((resolve, reject) => zip.outputStream.pipe(createWriteStream(file)).on('close', resolve).on('error', reject));
  zip.addBuffer(Buffer.from(JSON.stringify(spec.config)), 'config.json');
  for (const [ns, lines] of Object.entries(spec.entities)) {
    zip.addBuffer(Buffer.from(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n'), `entities/${ns}.jsonl`);
  }
  for (const [id, bytes] of Object.entries(spec.files ?? {})) zip.addBuffer(bytes, `files/${id}`, { compress: false });
  zip.end();
  await done;
}

export interface BackupContent {
  config: Record<string, any>;
  /** Namespace → canonical lines (keys sorted, link id lists sorted), sorted. */
  entities: Record<string, string[]>;
  files: Record<string, string>;
  /** Entry names in zip order. */
  order: string[];
}

/** A zip's content, independent of key order, line order and compression. */
export async function readBackupZip(file: string): Promise<BackupContent> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: false }, (e, z) => (e ? reject(e) : resolve(z))));
  const out: BackupContent = { config: {}, entities: {}, files: {}, order: [] };
  const reads: Promise<void>[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      out.order.push(entry.fileName);
      reads.push(
        new Promise<void>((res, rej) =>
          zip.openReadStream(entry, async (err, stream) => {
            if (err) return rej(err);
            const chunks: Buffer[] = [];
            for await (const c of stream) chunks.push(c as Buffer);
            const bytes = Buffer.concat(chunks);
            if (entry.fileName === 'config.json') out.config = JSON.parse(bytes.toString('utf8'));
            else if (entry.fileName.startsWith('files/')) out.files[entry.fileName.slice(6)] = bytes.toString('base64');
            else {
              const ns = entry.fileName.slice('entities/'.length, -'.jsonl'.length);
              out.entities[ns] = bytes.toString('utf8').split('\n').filter(Boolean).map(canonicalLine).sort();
            }
            res();
          }),
        ),
      );
    });
    zip.on('end', resolve).on('error', reject);
  });
  await Promise.all(reads);
  return out;
}

function canonicalLine(text: string): string {
  const row = JSON.parse(text) as { entity: Record<string, unknown>; createdAt: number };
  const entity = Object.fromEntries(
    Object.entries(row.entity)
      .map(([k, v]) => [k, Array.isArray(v) ? [...v].sort() : v] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return JSON.stringify({ entity, createdAt: row.createdAt });
}
