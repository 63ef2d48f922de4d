// Where the user called the kit from (file:line:col of the first stack frame outside this folder), so a
// bad option is reported at the test that passed it.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from '../ir/types.js';

const KIT_DIR = path.dirname(fileURLToPath(import.meta.url));
/** The kit's sources too: a stack mapped through dist/'s source maps names src/testing/ files. */
const KIT_SOURCES = path.resolve(KIT_DIR, '../../src/testing');
const inKit = (file: string) => [KIT_DIR, KIT_SOURCES].some((dir) => file.startsWith(dir + path.sep));
const FRAME = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?$/;

/** `via`: a wrapper module (the generated `instant.gen/testing`) whose frames are skipped too. */
export function callerLocation(stack: string | undefined, via?: string): SourceLocation | undefined {
  const wrapper = via === undefined ? undefined : via.startsWith('file:') ? fileURLToPath(via) : via;
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const m = FRAME.exec(line.trim());
    if (!m) continue;
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    if (file === wrapper) continue;
    if (!path.isAbsolute(file) || inKit(file) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}
