import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, TSC } from './paths.js';

/** What a strict user project compiles generated clients with. */
export const STRICT_OPTIONS = {
  strict: true,
  noEmit: true,
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  skipLibCheck: true,
  types: [] as string[],
  lib: ['ES2022', 'DOM'],
};

/** Runs typescript 5.9's `tsc --strict` on `files`; returns its exit code and output. */
export function typecheck(files: string[], extra: Record<string, unknown> = {}): { code: number; output: string } {
  const dir = fs.mkdtempSync(path.join(ROOT, '.tmp', 'tsc-'));
  const config = {
    compilerOptions: { ...STRICT_OPTIONS, ...extra },
    files: files.map((f) => path.relative(dir, f)),
  };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
  const result = spawnSync(process.execPath, [TSC, '-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return { code: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}
