// What an export reads from: the local server's database (localSource.ts) or any Instant app through
// its admin API (remoteSource.ts). Lines are JSON text in backup.clj flush-ent's shape.

import type { Readable } from 'node:stream';
import type { SchemaDefs } from './config.js';

export interface BackupSource {
  schema(): Promise<SchemaDefs>;
  rules(): Promise<object | null>;
  /** Namespaces to export, sorted; those without entities yield no lines (and get no file). */
  namespaces(): Promise<string[]>;
  /** `{"entity":{...},"createdAt":ms}` lines of one namespace, in entity id order. */
  lines(ns: string): AsyncIterable<{ line: string; triples: number }>;
  /** The blob of a `$files` row. */
  openFile(locationId: string, row: FileRow): Promise<Readable>;
  /** `$files` rows with their location ids (and, remotely, their urls). */
  files(): AsyncIterable<FileRow>;
  title?: string;
  appId?: string;
}

export interface FileRow {
  locationId: string;
  url?: string;
}
