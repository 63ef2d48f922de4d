import fs from 'node:fs';
import path from 'node:path';

/** Every file under `dir` (relative path → content), to compare folders byte for byte. */
export function snapshotDir(dir: string): Record<string, string> {
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Object.fromEntries(files.map((e) => [path.relative(dir, path.join(e.parentPath, e.name)), fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')]).sort());
}
