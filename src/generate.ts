import path from 'node:path';
import { settingsOf, type Options } from './config/options.js';
import { TOOL_VERSION, toolFingerprint } from './util/version.js';
import { createManifest, MANIFEST_FILE, upToDateManifest } from './write/manifest.js';
import type { WriteResult } from './write/writeOutput.js';
import type { SchemaError } from './ir/SchemaError.js';
import type { LoadedSchema } from './schema/loadSchema.js';

export interface GenerateOptions extends Options {
  schemaFile: string;
  /** Default: `instant.gen/` beside the schema. */
  outDir?: string;
  /** Write nothing; report whether the output is up to date. */
  check?: boolean;
  /** `schemaFile` already loaded by the caller (doctor), so that it is not read and compiled twice. */
  loadedSchema?: LoadedSchema;
}

export interface GenerateResult extends Partial<WriteResult> {
  outDir: string;
  entities: number;
  links: number;
  /** Nothing to do: inputs, settings and tool version unchanged since the last run. */
  noop: boolean;
  /** The schema file, its local imports and the tsconfig files of their path aliases (what `--watch` watches). */
  inputs: string[];
  /** With `check`: whether the output differs, and how. */
  stale?: boolean;
  diff?: string;
  /** Accepted but worth saying (see LoadedSchema.warnings); none on a no-op run. */
  warnings: SchemaError[];
  ms: number;
}

/** The whole pipeline: load the schema, emit the files, format them, then write (or compare). */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const schemaFile = path.resolve(options.schemaFile);
  const outDir = path.resolve(options.outDir ?? path.join(path.dirname(schemaFile), 'instant.gen'));
  const settings = settingsOf(options);
  const elapsed = () => performance.now() - started;

  // The instant no-op: decided from hashes alone, before the compiler or prettier are loaded.
  const fingerprint = toolFingerprint();
  const fresh = upToDateManifest(outDir, settings, fingerprint);
  if (fresh && fresh.inputs.includes(path.relative(outDir, schemaFile).split(path.sep).join('/'))) {
    const inputs = fresh.inputs.map((f) => path.resolve(outDir, f));
    const files = [...Object.keys(fresh.outputs), MANIFEST_FILE];
    return { outDir, entities: fresh.entities, links: fresh.links, noop: true, inputs, stale: false, written: [], unchanged: files, removed: [], warnings: [], ms: elapsed() };
  }

  // Loaded only past the no-op check: the compiler (ts-morph) and prettier are the slow part of start-up.
  const [{ loadSchema }, { emitClient }, { formatFiles, normalizeTypeTexts }, writer] = await Promise.all([
    import('./schema/loadSchema.js'),
    import('./emit/emitClient.js'),
    import('./write/format.js'),
    import('./write/writeOutput.js'),
  ]);
  const { ir, inputs, warnings } = options.loadedSchema ?? (await loadSchema(schemaFile));
  const files = await formatFiles(emitClient(await normalizeTypeTexts(ir), { outDir, toolVersion: TOOL_VERSION, settings }), settings, outDir);
  const summary = { outDir, entities: ir.entities.length, links: ir.links.length, noop: false, inputs, warnings };
  files.set(MANIFEST_FILE, createManifest(outDir, inputs, files, settings, { version: fingerprint, entities: summary.entities, links: summary.links }));
  if (options.check) return { ...summary, ...(await writer.outputDiff(outDir, files)), ms: elapsed() };
  return { ...summary, ...writer.writeOutput(outDir, files), ms: elapsed() };
}
