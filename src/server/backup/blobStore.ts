// The blob store a backup reads `files/<location-id>` into and exports them from. The files capability
// (src/server/files/blobStore.ts) implements the same interface; it is declared here so the backup code
// depends on the contract only, and tested with the in-memory store below.

import { Readable } from 'node:stream';

export interface BlobStore {
  /** Stores the bytes under (appId, locationId), replacing what was there; resolves once durable. */
  put(appId: string, locationId: string, source: AsyncIterable<Uint8Array>): Promise<{ size: number }>;
  /** The stored bytes, or null when there are none. */
  open(appId: string, locationId: string): NodeJS.ReadableStream | null;
  delete(appId: string, locationId: string): void;
}

/** Keeps every blob in memory: for tests and in-memory servers. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Buffer>();

  async put(appId: string, locationId: string, source: AsyncIterable<Uint8Array>): Promise<{ size: number }> {
    const chunks: Buffer[] = [];
    for await (const chunk of source) chunks.push(Buffer.from(chunk));
    const bytes = Buffer.concat(chunks);
    this.blobs.set(key(appId, locationId), bytes);
    return { size: bytes.length };
  }

  open(appId: string, locationId: string): NodeJS.ReadableStream | null {
    const bytes = this.blobs.get(key(appId, locationId));
    return bytes ? Readable.from([bytes]) : null;
  }

  delete(appId: string, locationId: string): void {
    this.blobs.delete(key(appId, locationId));
  }

  /** The location ids stored for an app (tests check that nothing is left behind). */
  locations(appId: string): string[] {
    const prefix = `${appId}/`;
    return [...this.blobs.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)).sort();
  }
}

function key(appId: string, locationId: string): string {
  return `${appId}/${locationId}`;
}
