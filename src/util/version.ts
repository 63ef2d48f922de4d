import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from './hash.js';

/** This package's version, from its package.json (src/ and dist/ are both one level below it). */
export const TOOL_VERSION: string = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

/**
 * The version plus a hash of what shapes the output (the emitters and the runtime templates), so that a
 * changed tool never takes a no-op shortcut, even without a version bump. Reading ~30 small files is cheap.
 */
export function toolFingerprint(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dirs = [path.join(here, '..', 'emit'), path.join(here, '..', 'write'), path.join(here, '..', '..', 'templates', 'runtime')];
  const parts = [TOOL_VERSION];
  for (const dir of dirs) {
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
      if (/\.(js|ts)$/.test(name) && !name.endsWith('.d.ts')) parts.push(name, fs.readFileSync(path.join(dir, name), 'utf8'));
    }
  }
  return `${TOOL_VERSION}+${sha256(parts.join('\0')).slice(0, 12)}`;
}
