import type { Readable } from 'node:stream';
import { BackupError } from './errors.js';
import { parseConfig, type BackupConfig } from './config.js';
import { openZip } from './zipReader.js';

/** config.json of a backup zip, without reading the rest. */
export async function readBackupConfig(file: string): Promise<BackupConfig> {
  const zip = await openZip(file);
  try {
    for await (const entry of zip.entries) {
      if (entry.name === 'config.json') return parseConfig(await text(await entry.open()));
    }
  } finally {
    zip.close();
  }
  throw new BackupError(`${file} has no config.json: it is not an Instant backup.`);
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
