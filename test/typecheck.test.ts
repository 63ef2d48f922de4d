import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { FIXTURE_NAMES, FIXTURES, ROOT, fixtureSchema, scratchDir } from './support/paths.js';
import { checkGeneratedCode, instantiations, typecheck } from './support/typecheck.js';

// The `type-only` fixture imports types from `ai`, which is not installed: a stub stands in for it.
const AI_STUB = { paths: { ai: [path.join(FIXTURES, 'type-only', 'stubs', 'ai.d.ts')] } };

describe('every fixture generates a client that type-checks under tsc --strict (typescript 5.9)', () => {
  for (const name of FIXTURE_NAMES) {
    for (const output of ['dts', 'ts'] as const) {
      it(`${name} (--output ${output})`, async () => {
        const outDir = path.join(scratchDir(`typecheck-${name}`), 'instant.gen');
        await generate({ schemaFile: fixtureSchema(name), outDir, output });
        checkGeneratedCode(outDir);
        const { code, output: errors } = typecheck([path.join(outDir, output === 'ts' ? 'index.ts' : 'index.d.ts')], AI_STUB);
        expect(errors).toBe('');
        expect(code).toBe(0);
      });
    }
  }
});

// What strict projects add to `strict`: the copied runtime and the generated files are compiled with the
// user's settings (`--output ts`; checked here without their `// @ts-nocheck`) or read as declarations
// (`--output dts`, checked here with skipLibCheck off).
const STRICTEST = {
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  erasableSyntaxOnly: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: true,
  allowUnreachableCode: false,
  allowUnusedLabels: false,
  noUnusedLocals: true,
  noUnusedParameters: true,
  skipLibCheck: false,
};

describe('under every strict flag a project may set', () => {
  it('the runtime and the generated clients compile (--output ts and dts)', { timeout: 300_000 }, async () => {
    const dir = scratchDir('strictest');
    const entries: string[] = [];
    for (const name of ['todo', 'type-only', 'multi-module', 'escaping', 'all-links']) {
      for (const output of ['ts', 'dts'] as const) {
        const outDir = path.join(dir, name, output);
        await generate({ schemaFile: fixtureSchema(name), outDir, output, testing: true });
        checkGeneratedCode(outDir);
        entries.push(path.join(outDir, output === 'ts' ? 'index.ts' : 'index.d.ts'));
        entries.push(path.join(outDir, output === 'ts' ? 'schemas.ts' : 'schemas.d.ts'));
        entries.push(path.join(outDir, output === 'ts' ? 'testing.ts' : 'testing.d.ts'));
      }
    }
    const { code, output: errors } = typecheck(entries, { ...AI_STUB, ...STRICTEST });
    expect(errors).toBe('');
    expect(code).toBe(0);
  });
});

describe('type-level contract (test/types/todo.types.ts)', () => {
  for (const output of ['ts', 'dts'] as const) {
    it(`wrong names, values, operators and lookups fail to compile; result types are exact (--output ${output})`, async () => {
      const dir = scratchDir(`types-${output}`);
      await generate({ schemaFile: fixtureSchema('todo'), outDir: path.join(dir, 'generated/todo'), output, testing: true });
      fs.copyFileSync(path.join(ROOT, 'test/types/todo.types.ts'), path.join(dir, 'todo.types.ts'));
      fs.copyFileSync(path.join(ROOT, 'test/types/testing.types.ts'), path.join(dir, 'testing.types.ts'));
      const { code, output: errors } = typecheck([path.join(dir, 'todo.types.ts'), path.join(dir, 'testing.types.ts')], { types: ['node'] });
      expect(errors).toBe('');
      expect(code).toBe(0);
    });
  }
});

describe('--output dts: .js files with .d.ts types', () => {
  for (const name of ['escaping', 'type-only', 'all-links']) {
    it(`${name} type-checks`, async () => {
      const outDir = path.join(scratchDir(`dts-${name}`), 'instant.gen');
      await generate({ schemaFile: fixtureSchema(name), outDir, output: 'dts' });
      expect(fs.readdirSync(path.join(outDir, 'entities')).every((f) => f.endsWith('.js') || f.endsWith('.d.ts'))).toBe(true);
      const { code, output } = typecheck([path.join(outDir, 'index.d.ts')], AI_STUB);
      expect(output).toBe('');
      expect(code).toBe(0);
    });
  }
});

describe('a large schema (fixtures/large: 300 entities linked in a chain)', () => {
  const USAGE = (gen: string) => `import { createClient } from './${gen}/index.js';
const db = createClient({ appId: 'a' });
export async function f() {
  const rows = await db.e120.query({ $: { fields: ['slug'] }, parent: { $: { fields: ['kind'] } }, children: { related: {} } });
  const labels: string[] = rows.map((r) => \`\${r.slug}:\${r.parent?.kind}:\${r.children[0]?.related.length}\`);
  const kept = rows.filter((r) => r.children.length > 0);
  const again: typeof rows = kept;
  return [labels, again];
}
`;

  // Relating two row types (here inside Array#map) once made TypeScript probe the variance of each linked
  // entity's row type in turn, along the whole chain of links: "Maximum call stack size exceeded" in tsc.
  // The `.ts` files of `--output ts` carry `// @ts-nocheck`: checking them (above all verifying each `out`
  // annotation of `LinkRows`) once cost a project importing this client 12x the instantiations of `--output dts`.
  it('rows of queries with links can be mapped, filtered and assigned; --output ts costs what dts does', { timeout: 300_000 }, async () => {
    const dir = scratchDir('large-usage');
    const counts: Record<string, number> = {};
    for (const output of ['dts', 'ts'] as const) {
      await generate({ schemaFile: fixtureSchema('large'), outDir: path.join(dir, `gen-${output}`), output });
      const usage = path.join(dir, `usage-${output}.ts`);
      fs.writeFileSync(usage, USAGE(`gen-${output}`));
      counts[output] = instantiations([usage]);
    }
    expect(counts.ts).toBeLessThanOrEqual(counts.dts * 1.1);
  });
});

describe("dates: 'date'", () => {
  it('types date attributes of results as Date (writes still take numbers, strings and Dates)', async () => {
    const dir = scratchDir('dates');
    await generate({ schemaFile: fixtureSchema('todo'), outDir: path.join(dir, 'gen'), dates: 'date' });
    const usage = path.join(dir, 'usage.ts');
    fs.writeFileSync(
      usage,
      `import { createClient, id } from './gen/index.js';
const db = createClient({ appId: 'a' });
export async function f() {
  const [todo] = await db.todos.query();
  const created: Date = todo.createdAt;
  const due: Date | null | undefined = (await db.goals.query())[0].dueDate;
  db.todos.tx(id()).update({ createdAt: Date.now() });
  db.todos.tx(id()).update({ createdAt: new Date() });
  // @ts-expect-error a Date, not a number
  const n: number = todo.createdAt;
  return [created, due, n];
}
`,
    );
    const { code, output } = typecheck([usage]);
    expect(output).toBe('');
    expect(code).toBe(0);
  });
});
