import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { NO_CHECK } from '../../src/emit/header.js';
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

/** Takes `// @ts-nocheck` out of the generated `.ts` files under `dir`: tsc then checks the generated code itself. */
export function checkGeneratedCode(dir: string): void {
  for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const full = path.join(dir, file);
    if (!file.endsWith('.ts') || !fs.statSync(full).isFile()) continue;
    const text = fs.readFileSync(full, 'utf8');
    if (text.includes(NO_CHECK)) fs.writeFileSync(full, text.replace(NO_CHECK, ''));
  }
}

/** The number of type instantiations tsc reports for `files` (`--extendedDiagnostics`). */
export function instantiations(files: string[], extra: Record<string, unknown> = {}): number {
  const { code, output } = typecheck(files, { ...extra, extendedDiagnostics: true });
  const count = /^Instantiations:\s+(\d+)$/m.exec(output);
  if (code !== 0 || !count) throw new Error(`tsc failed or reported no instantiations:\n${output}`);
  return Number(count[1]);
}
