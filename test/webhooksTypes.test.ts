// The type contract of generated webhook handlers (test/types/webhooks.types.ts), compiled by tsc against a
// freshly generated todo client in both output modes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { fixtureSchema, ROOT, scratchDir } from './support/paths.js';
import { typecheck } from './support/typecheck.js';

describe('webhook handler types (test/types/webhooks.types.ts)', () => {
  for (const output of ['ts', 'dts'] as const) {
    it(`records are typed by entity and action; unknown entities and actions fail (--output ${output})`, { timeout: 240_000 }, async () => {
      const dir = scratchDir(`webhook-types-${output}`);
      await generate({ schemaFile: fixtureSchema('todo'), outDir: path.join(dir, 'generated/todo'), output });
      fs.copyFileSync(path.join(ROOT, 'test/types/webhooks.types.ts'), path.join(dir, 'webhooks.types.ts'));
      const { code, output: errors } = typecheck([path.join(dir, 'webhooks.types.ts')], { types: ['node'] });
      expect(errors).toBe('');
      expect(code).toBe(0);
    });
  }
});
