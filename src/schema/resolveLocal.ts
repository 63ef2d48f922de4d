import fs from 'node:fs';
import path from 'node:path';

const RESOLVE_EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '/index.ts', '/index.js'];

/** Resolves a relative specifier the way TypeScript tooling does, including `.js` written for a `.ts` file. */
export function resolveLocal(fromDir: string, specifier: string): string | undefined {
  const base = path.resolve(fromDir, specifier);
  const stripped = base.replace(/\.(c|m)?js$/, '');
  for (const candidate of [base, ...RESOLVE_EXTENSIONS.map((ext) => stripped + ext)]) {
    try {
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}
