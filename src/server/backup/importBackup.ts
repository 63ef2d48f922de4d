// Restores an Instant backup zip into an app of the local server (format: instantdb/instant
// client/www/app/docs/backups/page.md, written by server/src/instant/backup.clj, read back by restore.clj):
// config.json first (schema → attrs, rules), then entities/<ns>.jsonl streamed line by line in batches,
// then files/<location-id> streamed into the blob store. Everything is staged in a shadow app and swapped
// in at the end (staging.ts, swap.ts), so a bad line, a damaged entry or a count that does not match
// config.json changes nothing, and importing the same backup twice gives the same state.

import type { Readable } from 'node:stream';
import type { Engine } from '../engine.js';
import type { SchemaIR } from '../../ir/types.js';
import { buildIR } from '../../ir/buildIR.js';
import { createRulesPolicy } from '../permissions/policy.js';
import { BackupError } from './errors.js';
import { parseConfig, defsToRuntimeSchema, type BackupConfig } from './config.js';
import { openZip, type ZipEntryReader } from './zipReader.js';
import { numberedLines } from './lines.js';
import { LineError, parseEntityLine } from './entityLine.js';
import { StagingApp, StagingConflict, type StagedLine } from './staging.js';
import { swapInStaged } from './swap.js';
import type { BlobStore } from '../files/blobStore.js';
import type { BackupProgress } from './progress.js';
import { fileLocationsOf } from './appFiles.js';

export interface ImportBackupOptions {
  engine: Engine;
  /** The app to restore into; it must exist. Its id and admin token stay, its data and attrs are replaced. */
  appId: string;
  /** Path of the backup zip. */
  file: string;
  /** Where `files/<location-id>` go; required when the backup has files. */
  blobStore?: BlobStore;
  onProgress?: (progress: BackupProgress) => void;
  /** Entities written per SQLite transaction (default 2000). */
  batchSize?: number;
}

export interface ImportSummary {
  /** Per namespace: the count config.json gives and the entities restored (always equal on success). */
  counts: Record<string, { backup: number | undefined; restored: number }>;
  triples: number;
  files: number;
  /** Namespaces of Instant's system catalog the local server has no attrs for, skipped with their entity counts. */
  skipped: Record<string, number>;
  /** The backup's rules (config.json `rules`), for the caller to apply. */
  rules: object | null;
  schema: SchemaIR;
  config: BackupConfig;
}

interface State {
  config?: BackupConfig;
  schema?: SchemaIR;
  staging?: StagingApp;
  counts: Record<string, number>;
  skipped: Record<string, number>;
  triples: number;
  /** $files location ids → size, read once entities are done. */
  locations?: Map<string, number | undefined>;
  blobsWritten: string[];
  progress: BackupProgress;
}

export async function importBackup(options: ImportBackupOptions): Promise<ImportSummary> {
  const { engine, appId } = options;
  if (!engine.apps.exists(appId)) throw new Error(`importBackup: no app ${appId} on this server`);
  const zip = await openZip(options.file);
  const state: State = { counts: {}, skipped: {}, triples: 0, blobsWritten: [], progress: { phase: 'entities', entities: 0, files: 0 } };
  const before = fileLocationsOf(engine, appId);
  try {
    for await (const entry of zip.entries) await readEntry(options, state, entry);
    const summary = finish(options, state);
    options.onProgress?.({ ...state.progress, phase: 'swap', entry: undefined });
    swapInStaged(engine, appId, state.staging!.appId);
    state.staging = undefined;
    // Blobs of the replaced data that the backup does not have are orphans now.
    for (const id of before) if (!state.locations!.has(id)) options.blobStore?.delete(appId, id);
    options.onProgress?.({ ...state.progress, phase: 'done', entry: undefined });
    return summary;
  } catch (error) {
    state.staging?.drop();
    // Blobs the old data still references keep their (identical: same location id) bytes.
    for (const id of state.blobsWritten) if (!before.has(id)) options.blobStore?.delete(appId, id);
    throw error;
  } finally {
    zip.close();
  }
}

async function readEntry(options: ImportBackupOptions, state: State, entry: ZipEntryReader): Promise<void> {
  // restore.clj read-zip-entries!: config.json first, then entities/*.jsonl, then files/*.
  if (!state.config) {
    if (entry.name !== 'config.json') throw new BackupError(`the first entry must be config.json, found ${entry.name}. This is not an Instant backup.`, entry.name);
    return readConfig(options.engine, state, await readAll(await entry.open()));
  }
  const entities = /^entities\/(.+)\.jsonl$/.exec(entry.name);
  if (entities) {
    if (state.locations) throw new BackupError('comes after files/ entries; an Instant backup has every entities/ entry before files/.', entry.name);
    return readEntities(options, state, entry, entities[1]);
  }
  if (entry.name.startsWith('files/')) return readFile(options, state, entry, entry.name.slice('files/'.length));
  throw new BackupError('is neither config.json, entities/<namespace>.jsonl nor files/<location-id>; this is not an Instant backup.', entry.name);
}

function readConfig(engine: Engine, state: State, text: string): void {
  const config = parseConfig(text);
  let schema: SchemaIR;
  try {
    schema = buildIR(defsToRuntimeSchema(config.schema), 'config.json');
  } catch (e) {
    throw new BackupError(`schema cannot be read (${(e as Error).message})`, 'config.json');
  }
  if (config.rules) {
    try {
      createRulesPolicy(config.rules);
    } catch (e) {
      throw new BackupError(`rules are not valid rules (${(e as Error).message})`, 'config.json');
    }
  }
  state.config = config;
  state.schema = schema;
  state.progress.entitiesTotal = Object.values(config.counts).reduce((a, b) => a + b, 0);
  state.progress.filesTotal = config.counts.$files ?? 0;
  state.staging = StagingApp.create(engine, schema);
}

async function readEntities(options: ImportBackupOptions, state: State, entry: ZipEntryReader, etype: string): Promise<void> {
  const staging = state.staging!;
  const attrs = staging.attrs();
  const batchSize = options.batchSize ?? 2000;
  let batch: StagedLine[] = [];
  const flush = () => {
    try {
      staging.write(etype, batch);
    } catch (e) {
      if (e instanceof StagingConflict) throw new BackupError(`${e.message}. Fix or remove the line, or download the backup again.`, entry.name, e.line);
      throw e;
    }
    state.progress.entities += batch.length;
    options.onProgress?.({ ...state.progress, entry: entry.name });
    batch = [];
  };
  if (Object.hasOwn(state.counts, etype)) throw new BackupError(`appears twice in the zip`, entry.name);
  state.counts[etype] = 0;
  for await (const { text, line } of numberedLines(await entry.open())) {
    let entity;
    try {
      entity = parseEntityLine(text, etype, attrs);
    } catch (e) {
      if (e instanceof LineError) throw new BackupError(`${e.message}. Fix or remove the line, or download the backup again.`, entry.name, line);
      throw e;
    }
    state.counts[etype]++;
    state.triples += entity.triples.length;
    if (entity.skipped.length > 0 && entity.triples.length === 0) state.skipped[etype] = (state.skipped[etype] ?? 0) + 1;
    batch.push({ entity, line });
    if (batch.length >= batchSize) flush();
  }
  if (batch.length > 0) flush();
}

async function readFile(options: ImportBackupOptions, state: State, entry: ZipEntryReader, locationId: string): Promise<void> {
  state.locations ??= state.staging!.fileLocations();
  const appId = options.appId;
  // restore.clj check-files: every blob belongs to a $files row.
  if (!state.locations.has(locationId)) throw new BackupError(`has no $files row with location-id ${locationId} in entities/$files.jsonl.`, entry.name);
  if (!options.blobStore) throw new BackupError('is a file, but no blob store was given to restore files into.', entry.name);
  state.blobsWritten.push(locationId);
  const { size } = await options.blobStore.put(appId, locationId, await entry.open());
  const expected = state.locations.get(locationId);
  if (expected !== undefined && expected !== size) {
    throw new BackupError(`has ${size} bytes but its $files row says size ${expected}. The backup is damaged: download it again.`, entry.name);
  }
  state.progress.files++;
  options.onProgress?.({ ...state.progress, entry: entry.name });
}

function finish(options: ImportBackupOptions, state: State): ImportSummary {
  if (!state.config) throw new BackupError(`${options.file} has no config.json: it is not an Instant backup.`);
  state.locations ??= state.staging!.fileLocations();
  const written = new Set(state.blobsWritten);
  // restore.clj enqueue-file!: "Backup is missing the file blob for a $files entity".
  for (const id of state.locations.keys()) {
    if (!written.has(id)) throw new BackupError(`a $files row has location-id ${id}, but the zip has no files/${id}. The backup is incomplete: download it again.`, 'entities/$files.jsonl');
  }
  const counts: ImportSummary['counts'] = {};
  for (const ns of new Set([...Object.keys(state.config.counts), ...Object.keys(state.counts)])) {
    const backup = state.config.counts[ns];
    const restored = state.counts[ns] ?? 0;
    if ((backup ?? 0) !== restored) {
      throw new BackupError(`counts.${ns} is ${backup ?? 0}, but entities/${ns}.jsonl has ${restored} entities. The backup is incomplete: download it again.`, 'config.json');
    }
    counts[ns] = { backup, restored };
  }
  return { counts, triples: state.triples, files: written.size, skipped: state.skipped, rules: state.config.rules, schema: state.schema!, config: state.config };
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
