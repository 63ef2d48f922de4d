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
        const files = emitClient(normalized, { outDir: path.join(path.dirname(fixtureSchema(name)), 'instant.gen'), toolVersion: '0', settings: settingsOf({ output, testing: true }) });
        const checked = [...files.final].filter((f) => !f.endsWith('.md'));
        expect(checked.length).toBeGreaterThan(0);
        for (const file of checked) {
          const text = files.get(file)!;
          expect(await prettier.format(text, { ...PRETTIER_OPTIONS, parser: parserOf(file) }), `${name} ${output} ${file}`).toBe(text);
        }
      }
    });
  }

  it('entity modules with `.asType<T>()` skip prettier too, laid out exactly as prettier would', async () => {
    const dir = fs.mkdtempSync(path.join(ROOT, '.tmp', 'as-type-'));
    const asTypes = ["{ a: 'x' }", "{ a: 'x' } | { a: 'y'; b: number }", '(() => void) & { a: string }', 'Readonly<{ a: `p-${string}` }>'];
    const entities = asTypes.map((t, n) => `    e${n}: i.entity({ a: i.string(), b: i.number() }).asType<${t}>(),`).join('\n');
    fs.writeFileSync(path.join(dir, 'instant.schema.ts'), `import { i } from '@instantdb/core';\nexport default i.schema({\n  entities: {\n${entities}\n  },\n});\n`);
    const { ir } = await loadSchema(path.join(dir, 'instant.schema.ts'));
    const files = emitClient(await normalizeTypeTexts(ir), { outDir: path.join(dir, 'instant.gen'), toolVersion: '0', settings: settingsOf({ testing: true }) });
    const modules = [...files.keys()].filter((f) => f.startsWith('entities/'));
    // An intersection in asType is left to prettier.
    expect(modules.filter((f) => !files.final.has(f))).toEqual(['entities/e2.d.ts', 'entities/e2.js']);
    for (const file of modules.filter((f) => files.final.has(f))) expect(await prettier.format(files.get(file)!, { ...PRETTIER_OPTIONS, parser: parserOf(file) }), file).toBe(files.get(file));
  });

  it('the runtime templates are prettier-formatted', async () => {
    const dir = path.join(ROOT, 'templates/runtime');
    for (const file of fs.readdirSync(dir)) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      expect(await prettier.format(text, { ...PRETTIER_OPTIONS, parser: 'typescript' }), file).toBe(text);
    }
  });
});
