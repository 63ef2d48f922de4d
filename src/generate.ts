import path from 'node:path';
import { emitClient } from './emit/emitClient.js';
import { loadSchema } from './schema/loadSchema.js';
import { TOOL_VERSION } from './util/version.js';
import { formatFiles } from './write/format.js';
import { outputDiff, writeOutput, type WriteResult } from './write/writeOutput.js';

export interface GenerateOptions {
  schemaFile: string;
  /** Default: `instant.gen/` beside the schema. */
  outDir?: string;
  /** Write nothing; report whether the output is up to date. */
  check?: boolean;
}

export interface GenerateResult extends Partial<WriteResult> {
  outDir: string;
  entities: number;
  links: number;
  /** With `check`: whether the output differs, and how. */
  stale?: boolean;
  diff?: string;
  ms: number;
}

/** The whole pipeline: load the schema, emit the files, format them, then write (or compare). */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const schemaFile = path.resolve(options.schemaFile);
  const outDir = path.resolve(options.outDir ?? path.join(path.dirname(schemaFile), 'instant.gen'));
  const { ir } = await loadSchema(schemaFile);
  const files = await formatFiles(emitClient(ir, { outDir, toolVersion: TOOL_VERSION }));
  const summary = { outDir, entities: ir.entities.length, links: ir.links.length };
  if (options.check) return { ...summary, ...outputDiff(outDir, files), ms: performance.now() - started };
  return { ...summary, ...writeOutput(outDir, files), ms: performance.now() - started };
}
