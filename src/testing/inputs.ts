// The schema and rules of a test app, read once per file per process: loading a schema evaluates it and
// parses it with ts-morph (tens of milliseconds), which must not happen for every test.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaError } from '../ir/SchemaError.js';
import type { SchemaIR, SourceLocation } from '../ir/types.js';
import { loadSchema } from '../schema/loadSchema.js';
import { loadPerms } from '../schema/loadPerms.js';
import { ruleValidationIssues } from '../server/permissions/index.js';

/** A path (relative to the working directory) or a `file:` URL, e.g. `new URL('../instant.schema.ts', import.meta.url)`. */
export type FileRef = string | URL;

/** Keyed by path and modification time, so a watch-mode rerun after an edit reads the new file. */
const cache = new Map<string, Promise<unknown>>();

function cached<T>(kind: string, file: string, load: () => Promise<T>): Promise<T> {
  const key = `${kind}:${file}@${fs.statSync(file).mtimeMs}`;
  let entry = cache.get(key) as Promise<T> | undefined;
  if (!entry) {
    entry = load();
    cache.set(key, entry);
    // A failed load is not kept: the next call reports the (possibly fixed) file afresh.
    entry.catch(() => cache.delete(key));
  }
  return entry;
}

export function toPath(ref: FileRef): string {
  return path.resolve(ref instanceof URL || ref.startsWith('file:') ? fileURLToPath(ref) : ref);
}

/** A clear error for a schema or rules option that names no file, placed at the caller's `createTestApp`. */
function requireFile(option: 'schema' | 'perms', ref: FileRef, at: SourceLocation | undefined): string {
  const file = toPath(ref);
  if (fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
  const what = option === 'schema' ? 'instant.schema.ts' : 'instant.perms.ts';
  const exists = fs.existsSync(file);
  return fail(
    `createTestApp({ ${option}: ${JSON.stringify(String(ref))} }): ${file} ${exists ? 'is not a file' : 'does not exist'} (relative paths are resolved from the working directory, ${process.cwd()})`,
    at,
    `Pass the path of your ${what}, relative to the working directory or as a URL beside the test: \`${option}: new URL('../${what}', import.meta.url)\`${option === 'perms' ? ', or the rules object itself' : ''}.`,
  );
}

function fail(message: string, at: SourceLocation | undefined, fix: string): never {
  throw new SchemaError(message, at, fix);
}

export async function schemaFor(ref: FileRef, at: SourceLocation | undefined): Promise<SchemaIR> {
  const file = requireFile('schema', ref, at);
  return (await cached('schema', file, async () => (await loadSchema(file)).ir).catch(rethrowAt(at)));
}

/** Rules given as an object are validated here (to name the rule and the call); a path is loaded like `instant.perms.ts`. */
export async function rulesFor(perms: object | FileRef | undefined, at: SourceLocation | undefined): Promise<object | undefined> {
  if (perms === undefined) return undefined;
  if (typeof perms === 'object' && !(perms instanceof URL)) return checkedRules(perms, at);
  const file = requireFile('perms', perms, at);
  return cached('perms', file, async () => (await loadPerms(file, ruleValidationIssues)).rules).catch(rethrowAt(at));
}

/** Errors without a place of their own (e.g. a schema that fails to load as a whole) get the caller's. */
function rethrowAt(at: SourceLocation | undefined) {
  return (error: unknown): never => {
    if (error instanceof SchemaError && !error.location && at) throw new SchemaError(error.message, at, error.fix);
    throw error;
  };
}

/** Instant's rule validation, reported at the `createTestApp` call with the rule's path (`todos.allow.view`). */
function checkedRules(rules: object, at: SourceLocation | undefined): object {
  const issues = ruleValidationIssues(rules as Parameters<typeof ruleValidationIssues>[0]);
  if (issues.length === 0) return rules;
  const lines = issues.map((i) => `\`${i.in.join('.')}\`${i.at ? ` (through \`${i.at.join('.')}\`)` : ''}: ${i.message}`);
  return fail(
    `createTestApp({ perms }): ${lines.join('; ')}`,
    at,
    'Fix the rule (https://www.instantdb.com/docs/permissions); Instant would refuse to push these rules.',
  );
}
