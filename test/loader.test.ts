import { createJiti } from 'jiti';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIR } from '../src/ir/buildIR.js';
import { loadSchema } from '../src/schema/loadSchema.js';
import { FIXTURE_NAMES, fixtureSchema, scratchDir } from './support/paths.js';

const require = createRequire(import.meta.url);
// The real `i`, from the @instantdb/core that @instantdb/admin 1.0.67 depends on.
const REAL_CORE = createRequire(require.resolve('@instantdb/admin')).resolve('@instantdb/core');
const UNINSTALLED = ['react', 'react-native', 'vue', 'svelte', 'solidjs'].map((p) => `@instantdb/${p}`);

/**
 * Evaluates a fixture with the real DSL, as Instant's own CLI would (uninstalled SDKs served by core).
 * Path aliases by jiti's own reading of the fixture's tsconfig (get-tsconfig): an independent resolution.
 */
async function evaluateWithRealSdk(file: string) {
  const alias = Object.fromEntries(UNINSTALLED.map((p) => [p, REAL_CORE]));
  const jiti = createJiti(import.meta.url, { alias, tsconfigPaths: path.dirname(file), moduleCache: false, fsCache: false });
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

  it('reads the type arguments of room presence attrs (they type db.rooms.getPresence)', async () => {
    const { ir } = await loadSchema(fixtureSchema('type-only'));
    const canvas = ir.rooms.find((r) => r.name === 'canvas')!;
    expect(canvas.presence.map((a) => [a.name, a.dsl, a.tsType, a.required])).toEqual([
      ['cursor', 'json', 'Point', false],
      ['name', 'string', undefined, true],
    ]);
    expect(ir.types.declarations.join('\n')).toContain('Point');
  });

  it('reads type arguments, asType and clientRequired where they are written, in any local module', async () => {
    const { ir, warnings } = await loadSchema(fixtureSchema('multi-module'));
    const attr = (entity: string, name: string) => ir.entities.find((e) => e.name === entity)!.attrs.find((a) => a.name === name)!;
    const typed = (entity: string, name: string) => attr(entity, name).tsType;
    // spread from an object of entities in schema/notifications.ts
    expect(typed('notifications', 'payload')).toBe('NotificationPayload');
    expect(typed('notifications', 'attempts')).toBe('DeliveryAttempt[]');
    expect(typed('notifications', 'meta')).toBe('{ source: string; retries: number }');
    expect(typed('notifications', 'severity')).toBe('Severity');
    expect(typed('notifications', 'digest')).toBe('Record<Channel, number>');
    expect(attr('notifications', 'title')).toMatchObject({ clientRequired: true, required: false });
    expect(attr('notifications', 'attempts').location?.file).toMatch(/schema\/notifications\.ts$/);
    // a namespace import, a builder kept in a const (`status.indexed()`), and asType
    expect(typed('invoices', 'total')).toBe('Money');
    expect(typed('invoices', 'status')).toBe("'draft' | 'open' | 'paid'");
    expect(ir.entities.find((e) => e.name === 'invoices')!.asType).toBe('{ number: `INV-${number}` }');
    // through an index: `export { projects as projectEntity } from`, and `export * from` with a spread const
    expect(typed('projects', 'settings')).toBe('ProjectSettings');
    expect(attr('projects', 'owner').clientRequired).toBe(true);
    expect(typed('tasks', 'state')).toBe('TaskState');
    expect(typed('tags', 'label')).toBe('billing.TagLabel');
    // the types they name: imports re-imported from the module that imports them, local declarations copied
    const imports = Object.fromEntries(ir.types.imports.flatMap((i) => i.names.map((n) => [n.alias, i.resolvedFile?.split('/multi-module/')[1]])));
    expect(imports).toEqual({
      Channel: 'types/notifications.ts',
      NotificationPayload: 'types/notifications.ts',
      ProjectSettings: 'types/projects.ts',
      TaskState: 'types/projects.ts',
      billing: 'schema/billing.ts',
    });
    expect(ir.types.declarations.map((d) => /^export (?:type|interface) (\w+)/.exec(d)?.[1]).sort()).toEqual(['DeliveryAttempt', 'Money', 'Severity']);
    // the declared `id` is dropped, with one warning
    expect(ir.entities.find((e) => e.name === 'tags')!.attrs.map((a) => a.name)).toEqual(['label']);
    expect(warnings.map((w) => w.message)).toEqual(['`tags.id` is ignored: every entity has an implicit string `id`']);
  });

  it("resolves tsconfig path aliases (from an extended config) to the files they name; packages stay packages", async () => {
    const { ir, inputs } = await loadSchema(fixtureSchema('path-alias'));
    const imports = ir.types.imports.map((i) => [i.names.map((n) => n.alias).join(), i.resolvedFile?.split('/path-alias/')[1] ?? i.specifier]);
    // `Address` is named by the schema and by src/schema/shared.ts: imported once
    expect(imports.sort()).toEqual([
      ['Address', 'src/lib/types/address.ts'],
      ['AuditNote', 'src/lib/types/audit.ts'],
      ['Preferences', 'src/lib/types/prefs.ts'],
      ['Region', 'src/lib/types/region.d.ts'],
      ['billing', 'src/lib/types/billing.ts'],
    ]);
    // values imported through aliases are evaluated and followed: `...shared` from `@/schema` (its index re-exports
    // `@/schema/shared`, which the type-erasing fast path leaves to TypeScript's transpiler), whose
    // `status` builder comes from `@/schema/fields`
    const audits = ir.entities.find((e) => e.name === 'audits')!;
    expect(audits.attrs.map((a) => [a.name, a.tsType, a.indexed])).toEqual([
      ['note', 'AuditNote', false],
      ['status', "'open' | 'closed'", true],
      ['where', 'Address', false],
    ]);
    expect(audits.attrs.find((a) => a.name === 'status')!.location?.file).toMatch(/src\/schema\/shared\.ts$/);
    // the inputs of the generation: every module reached (aliases included) and the tsconfig files that define the aliases
    expect(inputs.map((f) => f.split('/path-alias/')[1]).sort()).toEqual([
      'instant.schema.ts',
      'src/lib/types/address.ts',
      'src/lib/types/audit.ts',
      'src/lib/types/billing.ts',
      'src/lib/types/prefs.ts',
      'src/lib/types/region.d.ts',
      'src/schema/fields.ts',
      'src/schema/index.ts',
      'src/schema/shared.ts',
      'tsconfig.base.json',
      'tsconfig.json',
    ]);
    const { ir: typeOnly } = await loadSchema(fixtureSchema('type-only'));
    expect(typeOnly.types.imports.find((i) => i.specifier === 'ai')?.resolvedFile).toBeUndefined();
  });

  it('copies a type declared identically in two modules once (a different one is an error: badInput.test.ts)', async () => {
    const dir = scratchDir('same-type');
    const module = (name: string) => `import { i } from '@instantdb/react';\ntype Status = 'open' | 'closed';\nexport const ${name} = { ${name}s: i.entity({ status: i.string<Status>() }) };\n`;
    fs.writeFileSync(path.join(dir, 'a.ts'), module('a'));
    fs.writeFileSync(path.join(dir, 'b.ts'), module('b'));
    const schema = path.join(dir, 'instant.schema.ts');
    fs.writeFileSync(schema, "import { i } from '@instantdb/react';\nimport { a } from './a';\nimport { b } from './b';\nexport default i.schema({ entities: { ...a, ...b } });\n");
    const { ir } = await loadSchema(schema);
    expect(ir.types.declarations).toEqual(["export type Status = 'open' | 'closed';"]);
  });

  it('records where each entity, attribute and link is written', async () => {
    const { ir } = await loadSchema(fixtureSchema('todo'));
    const goals = ir.entities.find((e) => e.name === 'goals')!;
    expect(goals.location).toMatchObject({ file: fixtureSchema('todo'), line: expect.any(Number), column: expect.any(Number) });
    expect(goals.attrs.every((a) => a.location && a.location.line > goals.location!.line)).toBe(true);
    expect(ir.links.every((l) => l.location)).toBe(true);
  });
});
