// Type-level contract of `$files` rows and `db.storage` (test/types/files.types.ts), checked with tsc against
// a freshly generated todo client, in both output modes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { ROOT, fixtureSchema, scratchDir } from './support/paths.js';
import { typecheck } from './support/typecheck.js';

describe('$files and db.storage types (test/types/files.types.ts)', () => {
  for (const output of ['ts', 'dts'] as const) {
    it(`system attrs are readable, not writable; storage takes every input form (--output ${output})`, async () => {
      const dir = scratchDir(`files-types-${output}`);
      await generate({ schemaFile: fixtureSchema('todo'), outDir: path.join(dir, 'generated/todo'), output });
      fs.copyFileSync(path.join(ROOT, 'test/types/files.types.ts'), path.join(dir, 'files.types.ts'));
      const { code, output: errors } = typecheck([path.join(dir, 'files.types.ts')], { types: ['node'] });
      expect(errors).toBe('');
      expect(code).toBe(0);
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }
});
