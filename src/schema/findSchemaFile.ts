import fs from 'node:fs';
import path from 'node:path';
import { compareNames } from '../util/collator.js';
import { SchemaError } from './SchemaError.js';

const EXTENSIONS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'];
const CANDIDATE_NAMES = EXTENSIONS.map((ext) => `instant.schema.${ext}`);

/**
 * Finds the schema the way Instant's CLI does (shared/docs/schema-format.md §2):
 * $INSTANT_SCHEMA_FILE_PATH, then the working directory, then src/ (3 levels), lib/ (2 levels), app/.
 */
export function findSchemaFile(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.INSTANT_SCHEMA_FILE_PATH;
  if (fromEnv) {
    const file = path.resolve(cwd, fromEnv);
    if (!fs.existsSync(file)) {
      throw new SchemaError(`INSTANT_SCHEMA_FILE_PATH points to ${file}, which does not exist`, undefined, 'Set it to your instant.schema.ts, or pass --schema PATH.');
    }
    return file;
  }
  const found =
    findIn(cwd, 0) ?? findIn(path.join(cwd, 'src'), 3) ?? findIn(path.join(cwd, 'lib'), 2) ?? findIn(path.join(cwd, 'app'), 0);
  if (!found) {
    throw new SchemaError(
      `no instant.schema.ts found in ${cwd} (searched ./, src/, lib/ and app/ like Instant's CLI)`,
      undefined,
      'Pass --schema path/to/instant.schema.ts, or set INSTANT_SCHEMA_FILE_PATH.',
    );
  }
  return found;
}

/** Breadth-first: a shallower match wins, and names are visited in a fixed order. */
function findIn(dir: string, depth: number): string | undefined {
  let level = [dir];
  for (let d = 0; d <= depth && level.length > 0; d++) {
    for (const current of level) {
      const hit = CANDIDATE_NAMES.map((name) => path.join(current, name)).find((file) => isFile(file));
      if (hit) return hit;
    }
    level = level.flatMap(subdirectories);
  }
  return undefined;
}

function subdirectories(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
    .map((e) => e.name)
    .sort(compareNames)
    .map((name) => path.join(dir, name));
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
