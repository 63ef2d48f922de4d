import fs from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { settingsOf } from '../src/config/options.js';
import { emitClient } from '../src/emit/emitClient.js';
import { loadSchema } from '../src/schema/loadSchema.js';
import { PRETTIER_OPTIONS, normalizeTypeTexts } from '../src/write/format.js';
import { FIXTURE_NAMES, ROOT, fixtureSchema } from './support/paths.js';

const parserOf = (file: string) => (file.endsWith('.json') ? 'json' : file.endsWith('.js') ? 'babel' : 'typescript');

// Files the emitter marks final skip prettier (the slowest step): they must be exactly what prettier prints.
describe('files that skip prettier are laid out exactly as prettier would', () => {
  for (const name of FIXTURE_NAMES) {
    it(name, async () => {
      const { ir } = await loadSchema(fixtureSchema(name));
      const normalized = await normalizeTypeTexts(ir);
      for (const output of ['ts', 'dts'] as const) {
        const files = emitClient(normalized, { outDir: path.join(path.dirname(fixtureSchema(name)), 'instant.gen'), toolVersion: '0', settings: settingsOf({ output }) });
        const checked = [...files.final].filter((f) => !f.endsWith('.md'));
        expect(checked.length).toBeGreaterThan(0);
        for (const file of checked) {
          const text = files.get(file)!;
          expect(await prettier.format(text, { ...PRETTIER_OPTIONS, parser: parserOf(file) }), `${name} ${output} ${file}`).toBe(text);
        }
      }
    });
  }

  it('the runtime templates are prettier-formatted', async () => {
    const dir = path.join(ROOT, 'templates/runtime');
    for (const file of fs.readdirSync(dir)) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      expect(await prettier.format(text, { ...PRETTIER_OPTIONS, parser: 'typescript' }), file).toBe(text);
    }
  });
});
