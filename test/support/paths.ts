import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = path.join(ROOT, 'fixtures');
export const FIXTURE_NAMES = fs.readdirSync(FIXTURES).filter((n) => fs.existsSync(path.join(FIXTURES, n, 'instant.schema.ts'))).sort();
export const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The entry file of a generated client: `index.js` (with `--output dts`, the default) or `index.ts`. */
export function clientEntry(outDir: string): string {
  const js = path.join(outDir, 'index.js');
  return fs.existsSync(js) ? js : path.join(outDir, 'index.ts');
}

export function fixtureSchema(name: string): string {
  return path.join(FIXTURES, name, 'instant.schema.ts');
}

/** A fresh folder under .tmp/ (inside the repo, so generated code resolves zod from node_modules). */
export function scratchDir(label: string): string {
  const base = path.join(ROOT, '.tmp');
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, `${label}-`));
}
