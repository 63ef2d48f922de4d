// Reads a backup zip entry by entry with yauzl (central directory first, so a truncated file fails at
// open), streaming each entry and checking its CRC-32, which yauzl leaves to the caller: a damaged entry
// fails with its name instead of restoring wrong bytes.

import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { BackupError } from './errors.js';

export interface ZipEntryReader {
  name: string;
  uncompressedSize: number;
  /** The entry's bytes; errors (inflate, size, CRC) name the entry. */
  open(): Promise<Readable>;
}

export async function openZip(file: string): Promise<{ entries: AsyncIterable<ZipEntryReader>; close(): void }> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, strictFileNames: true }, (err, z) => (err ? reject(err) : resolve(z))),
  ).catch((e: Error) => {
    throw new BackupError(`${file} is not a readable zip (${e.message}). The file is truncated or damaged: download the backup again.`);
  });
  return { entries: iterate(zip, file), close: () => zip.close() };
}

async function* iterate(zip: yauzl.ZipFile, file: string): AsyncGenerator<ZipEntryReader> {
  while (true) {
    const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
      const onEntry = (e: yauzl.Entry) => done(() => resolve(e));
      const onEnd = () => done(() => resolve(null));
      const onError = (e: Error) => done(() => reject(new BackupError(`${file}: ${e.message}. The zip is damaged: download the backup again.`)));
      const done = (then: () => void) => {
        zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
        then();
      };
      zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
      zip.readEntry();
    });
    if (!entry) return;
    if (entry.fileName.endsWith('/')) continue;
    yield { name: entry.fileName, uncompressedSize: entry.uncompressedSize, open: () => openEntry(zip, entry) };
  }
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(damaged(entry, err));
      // Lazy: nothing is read, and so no error raised, until the caller reads. A piped Transform would start
      // at once, and fail a small entry's CRC check before anyone listens (an uncaught 'error').
      resolve(Readable.from(checkedBytes(stream, entry)));
    });
  });
}

/** The entry's bytes, checked against its CRC-32 (yauzl checks sizes, not CRCs) once they are all read. */
async function* checkedBytes(stream: Readable, entry: yauzl.Entry): AsyncGenerator<Buffer> {
  let crc = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      crc = crc32(chunk, crc);
      yield chunk;
    }
  } catch (e) {
    throw damaged(entry, e as Error);
  }
  if (crc >>> 0 !== entry.crc32 >>> 0) {
    throw new BackupError('fails its CRC-32 check (its bytes are not the ones zipped). The zip is damaged: download the backup again.', entry.fileName);
  }
}

function damaged(entry: yauzl.Entry, error: Error): BackupError {
  return new BackupError(`cannot be read (${error.message}). The zip is damaged: download the backup again.`, entry.fileName);
}
