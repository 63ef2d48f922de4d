import { createJiti } from 'jiti';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildIR } from '../src/ir/buildIR.js';
import { loadSchema } from '../src/schema/loadSchema.js';
import { FIXTURE_NAMES, fixtureSchema } from './support/paths.js';

const require = createRequire(import.meta.url);
// The real `i`, from the @instantdb/core that @instantdb/admin 1.0.67 depends on.
const REAL_CORE = createRequire(require.resolve('@instantdb/admin')).resolve('@instantdb/core');
const UNINSTALLED = ['react', 'react-native', 'vue', 'svelte', 'solidjs'].map((p) => `@instantdb/${p}`);

/** Evaluates a fixture with the real DSL, as Instant's own CLI would (uninstalled SDKs served by core). */
async function evaluateWithRealSdk(file: string) {
  const jiti = createJiti(import.meta.url, { alias: Object.fromEntries(UNINSTALLED.map((p) => [p, REAL_CORE])), moduleCache: false, fsCache: false });
  return jiti.import(file, { default: true }) as Promise<Parameters<typeof buildIR>[0]>;
}

const withoutSourceFacts = (ir: object) =>
  JSON.parse(JSON.stringify(ir, (key, value) => (['location', 'dsl', 'clientRequired', 'tsType', 'asType', 'types', 'schemaFile'].includes(key) ? undefined : value)));

describe('schema loading', () => {
  for (const name of FIXTURE_NAMES) {
    it(`${name}: our DSL reads the same schema as the real @instantdb/admin`, async () => {
      const file = fixtureSchema(name);
      const { ir } = await loadSchema(file);
      const real = buildIR(await evaluateWithRealSdk(file), file);
      expect(withoutSourceFacts(ir)).toEqual(withoutSourceFacts(real));
    });
  }

  it('keeps what exists only in types: json<T>, string<T>, asType, clientRequired, any vs json', async () => {
    const { ir } = await loadSchema(fixtureSchema('type-only'));
    const attrs = Object.fromEntries(ir.entities.flatMap((e) => e.attrs.map((a) => [`${e.name}.${a.name}`, a])));
    const typed = Object.entries(attrs).filter(([, a]) => a.tsType).map(([k, a]) => [k, a.tsType]);
    expect(typed).toContainEqual(['profiles.settings', 'Settings']);
    expect(typed).toContainEqual(['profiles.labels', 'Label[]']);
    expect(typed.some(([, t]) => t === "'draft' | 'published'")).toBe(true);
    expect(Object.values(attrs).some((a) => a.dsl === 'any')).toBe(true);
    expect(Object.values(attrs).some((a) => a.dsl === 'json' && !a.tsType)).toBe(true);
    expect(Object.values(attrs).some((a) => a.clientRequired && !a.required)).toBe(true);
    expect(ir.entities.filter((e) => e.asType).length).toBeGreaterThanOrEqual(2);
    // Imports are kept (with the file they resolve to); local declarations are copied with their dependencies.
    expect(ir.types.imports.map((i) => i.names.map((n) => n.name)).flat().sort()).toEqual(['Label', 'Settings', 'UIDataTypes', 'UIMessagePart', 'UITools']);
    expect(ir.types.declarations.join('\n')).toMatch(/export interface LocalShape[\s\S]*export type Point|export type Point[\s\S]*export interface LocalShape/);
    expect(ir.types.declarations.join('\n')).toContain("export const PRIORITIES = ['low', 'medium', 'high'] as const;");
  });

  it('records where each entity, attribute and link is written', async () => {
    const { ir } = await loadSchema(fixtureSchema('todo'));
    const goals = ir.entities.find((e) => e.name === 'goals')!;
    expect(goals.location).toMatchObject({ file: fixtureSchema('todo'), line: expect.any(Number), column: expect.any(Number) });
    expect(goals.attrs.every((a) => a.location && a.location.line > goals.location!.line)).toBe(true);
    expect(ir.links.every((l) => l.location)).toBe(true);
  });
});
