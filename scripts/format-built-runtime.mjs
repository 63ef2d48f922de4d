// Build step: formats the compiled runtime (dist/templates/runtime, tsc's .js and .d.ts) with the
// generator's fixed prettier config once, so generation can copy it without running prettier.
import fs from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { PRETTIER_OPTIONS } from '../dist/write/format.js';

const dir = new URL('../dist/templates/runtime/', import.meta.url).pathname;
for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))) {
  const file = path.join(dir, name);
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, await prettier.format(text, { ...PRETTIER_OPTIONS, parser: name.endsWith('.js') ? 'babel' : 'typescript' }));
}
