import fs from 'node:fs';
import path from 'node:path';
import { compareNames } from '../util/collator.js';
import { SchemaError } from '../ir/SchemaError.js';

const EXTENSIONS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'];

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
  const found = findInProject(cwd, 'instant.schema');
  if (!found) {
    throw new SchemaError(
      `no instant.schema.ts found in ${cwd} (searched ./, src/, lib/ and app/ like Instant's CLI)`,
      undefined,
      'Pass --schema path/to/instant.schema.ts, or set INSTANT_SCHEMA_FILE_PATH.',
    );
  }
  return found;
}

/**
 * `<stem>.<ext>` where Instant's CLI looks for its config files, independently of each other
 * (client/packages/cli/src/util/findConfigCandidates.ts): the project root, then src/ (3 levels deep),
 * lib/ (2 levels), app/; folders depth first, the first candidate that exists wins.
 */
export function findInProject(cwd: string, stem: string): string | undefined {
  const dirs = [cwd, ...preOrder(path.join(cwd, 'src'), 3), ...preOrder(path.join(cwd, 'lib'), 2), path.join(cwd, 'app')];
  for (const dir of dirs) {
    const hit = EXTENSIONS.map((ext) => path.join(dir, `${stem}.${ext}`)).find(isFile);
    if (hit) return hit;
  }
  return undefined;
}

/** `dir` and its folders down to `depth` levels, each folder before its subfolders, names in a fixed order. */
function preOrder(dir: string, depth: number): string[] {
  if (!fs.existsSync(dir)) return [];
  return [dir, ...(depth > 0 ? subdirectories(dir).flatMap((sub) => preOrder(sub, depth - 1)) : [])];
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
