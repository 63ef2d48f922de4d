// Where the user called the kit from (file:line:col of the first stack frame outside this folder), so a
// bad option is reported at the test that passed it.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from '../ir/types.js';

const KIT_DIR = path.dirname(fileURLToPath(import.meta.url));
const FRAME = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?$/;

export function callerLocation(stack: string | undefined): SourceLocation | undefined {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const m = FRAME.exec(line.trim());
    if (!m) continue;
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    if (!path.isAbsolute(file) || file.startsWith(KIT_DIR + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}
