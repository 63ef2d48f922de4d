import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import type { RuntimeSchema } from '../ir/buildIR.js';
import { SchemaError } from './SchemaError.js';

const KNOWN_INSTANT_PACKAGES = ['admin', 'core', 'react', 'react-native', 'vue', 'svelte', 'solidjs', 'platform'].map((p) => `@instantdb/${p}`);

/** Our DSL, compiled (dist/) or as source (when running from src/ under a TS-aware runner). */
function dslModulePath(): string {
  const js = fileURLToPath(new URL('./instantDsl.js', import.meta.url));
  return fs.existsSync(js) ? js : fileURLToPath(new URL('./instantDsl.ts', import.meta.url));
}

/**
 * Executes the schema file as Instant's CLI does (jiti), with every `@instantdb/*` import served by our
 * own DSL: generation then needs no Instant package, and any package works as the source of `i`.
 */
export async function evaluateSchema(schemaFile: string, instantSpecifiers: string[], userFiles: string[]): Promise<RuntimeSchema> {
  const dsl = dslModulePath();
  const alias = Object.fromEntries([...KNOWN_INSTANT_PACKAGES, ...instantSpecifiers].map((s) => [s, dsl]));
  const jiti = createJiti(import.meta.url, { alias, moduleCache: false, fsCache: false, interopDefault: true, sourceMaps: true });
  let exported: unknown;
  try {
    exported = await jiti.import(schemaFile, { default: true });
  } catch (error) {
    throw evaluationError(error, userFiles, schemaFile);
  }
  if (exported && typeof exported === 'object' && '__esModule' in exported) delete (exported as Record<string, unknown>).__esModule;
  if (!isSchemaLike(exported)) {
    throw new SchemaError(
      'the schema file has no default export of an `i.schema(...)` value',
      { file: schemaFile, line: 1, column: 1 },
      'End the file with `export default schema;` where `const schema = i.schema({ entities, links, rooms })`.',
    );
  }
  return exported;
}

function isSchemaLike(value: unknown): value is RuntimeSchema {
  if (!value || typeof value !== 'object') return false;
  const entities = (value as { entities?: unknown }).entities;
  return !!entities && typeof entities === 'object' && !Array.isArray(entities);
}

/** Points at the first stack frame inside the user's files, so the message names file:line:col. */
function evaluationError(error: unknown, userFiles: string[], schemaFile: string): SchemaError {
  const err = error instanceof Error ? error : new Error(String(error));
  const frame = (err.stack ?? '')
    .split('\n')
    .map((line) => /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim()))
    .find((m) => m && userFiles.includes(m[1].replace(/^file:\/\//, '')));
  const location = frame
    ? { file: frame[1].replace(/^file:\/\//, ''), line: Number(frame[2]), column: Number(frame[3]) }
    : { file: schemaFile, line: 1, column: 1 };
  const missing = /Cannot find module '([^']+)'/.exec(err.message);
  const fix = missing
    ? `Install ${missing[1]} beside the schema, or remove the import (type-only imports need \`import type\`).`
    : 'Fix the error above; the schema file is executed to read it, as Instant\'s CLI does.';
  return new SchemaError(`evaluating the schema failed: ${err.message.split('\n')[0]}`, location, fix);
}
