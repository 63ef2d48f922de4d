import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { FIXTURE_NAMES, FIXTURES, ROOT, fixtureSchema, scratchDir } from './support/paths.js';
import { typecheck } from './support/typecheck.js';

// The `type-only` fixture imports types from `ai`, which is not installed: a stub stands in for it.
const AI_STUB = { paths: { ai: [path.join(FIXTURES, 'type-only', 'stubs', 'ai.d.ts')] } };

describe('every fixture generates a client that type-checks under tsc --strict (typescript 5.9)', () => {
  for (const name of FIXTURE_NAMES) {
    it(name, { timeout: 240_000 }, async () => {
      const outDir = path.join(scratchDir(`typecheck-${name}`), 'instant.gen');
      await generate({ schemaFile: fixtureSchema(name), outDir });
      const { code, output } = typecheck([path.join(outDir, 'index.ts')], AI_STUB);
      expect(output).toBe('');
      expect(code).toBe(0);
    });
  }
});

describe('type-level contract (test/types/*.types.ts)', () => {
  it('wrong names, values, operators and lookups fail to compile; result types are exact', { timeout: 120_000 }, async () => {
    await generate({ schemaFile: fixtureSchema('todo'), outDir: path.join(ROOT, 'test/types/generated/todo') });
    const { code, output } = typecheck([path.join(ROOT, 'test/types/todo.types.ts')], { types: ['node'] });
    expect(output).toBe('');
    expect(code).toBe(0);
  });
});
