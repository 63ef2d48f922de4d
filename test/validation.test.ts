// The client validates writes with plain functions (templates/runtime/validate.ts) and offers zod schemas of
// the same rules in a module of its own (templates/runtime/zod.ts, the generated `schemas.js`). These tests keep
// the two in agreement, and check that a program using the client does not bundle zod.
import path from 'node:path';
import { build } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAttrSpec, type AttrSpec, type EntityDef } from '../templates/runtime/entity.js';
import { checkAttrs } from '../templates/runtime/validate.js';
import { createSchema, updateSchema } from '../templates/runtime/zod.js';
import { ROOT } from './support/paths.js';

const TYPES = ['string', 'number', 'boolean', 'date', 'json'] as const;
const specArb = fc
  .tuple(fc.constantFrom(...TYPES), fc.constantFrom('', '?', '*'))
  .map(([t, s]) => `${t}${s}` as AttrSpec);
const defArb = fc
  .uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'c', 'toString', 'constructor', '__proto__x'), specArb), { selector: (p) => p[0], maxLength: 4 })
  .map((attrs): EntityDef => ({ name: 'e', attrs: Object.fromEntries(attrs), links: {} }));
const valueArb = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('2024-01-02', 'not a date', 'NaN'),
  fc.double(),
  fc.constantFrom(Infinity, -Infinity, NaN, 0, 1.5),
  fc.boolean(),
  fc.date({ noInvalidDate: false }),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);
const inputArb = (def: EntityDef) =>
  fc.dictionary(fc.constantFrom(...Object.keys(def.attrs), 'a', 'extra'), valueArb, { maxKeys: 5 });

function plainAccepts(def: EntityDef, input: unknown, partial: boolean): boolean {
  try {
    checkAttrs(def, partial ? 'update' : 'create', input, partial);
    return true;
  } catch {
    return false;
  }
}

describe('plain validators and the zod schemas agree', () => {
  it('on random specs and inputs, for create and update', () => {
    fc.assert(
      fc.property(defArb.chain((def) => fc.tuple(fc.constant(def), inputArb(def))), ([def, input]) => {
        // zod reads inherited members (`toString`) as values; the client reads own keys only.
        const own = Object.assign(Object.create(null), input);
        expect(plainAccepts(def, input, false), 'create').toBe(createSchema(def).safeParse(own).success);
        expect(plainAccepts(def, input, true), 'update').toBe(updateSchema(def).safeParse(own).success);
      }),
      { numRuns: 500 },
    );
  });

  it('report every problem, attributes in schema order, unknown ones last', () => {
    const def: EntityDef = { name: 'goals', attrs: { title: 'string', done: 'boolean', due: 'date?', meta: 'json*' } as const, links: {} };
    expect(() => checkAttrs(def, 'create', { title: 3, due: 'soon', extra: 1 }, false)).toThrow(
      [
        '5 problems:',
        '- goals.title: expected string, got number in create.',
        '- goals.done: required attribute missing in create.',
        '- goals.due: expected a date: a ms timestamp, a parseable date string, or a Date, got the string "soon" in create.',
        '- goals.meta: required attribute missing in create.',
        '- goals.extra: unknown attribute in create; the schema has no such attribute (regenerate the client if you just added it).',
      ].join('\n'),
    );
    expect(() => checkAttrs(def, 'update', { meta: null, due: null }, true)).not.toThrow();
    expect(() => checkAttrs(def, 'update', { title: null }, true)).toThrow('goals.title: expected string, got null in update.');
    expect(() => checkAttrs(def, 'merge', [], true)).toThrow('goals: expected an object of attributes, got an array in merge.');
  });

  it('inherited members are not attributes', () => {
    const def: EntityDef = { name: 'e', attrs: { toString: 'string?' } as const, links: {} };
    expect(() => checkAttrs(def, 'create', {}, false)).not.toThrow();
    expect(() => checkAttrs(def, 'create', { constructor: 1 }, false)).toThrow('e.constructor: unknown attribute');
    expect(parseAttrSpec('date*')).toEqual({ type: 'date', nullable: true, optional: false });
  });

  it("storage's read-only attributes are named as such, not as unknown", () => {
    const def: EntityDef = { name: '$files', attrs: { path: 'string' }, readonlyAttrs: { size: 'number' }, links: {} };
    expect(() => checkAttrs(def, 'update', { size: 1, nope: 2 }, true)).toThrow(
      "2 problems:\n- $files.size: set by Instant's storage, so update can't write it (only `path` can change).\n- $files.nope: unknown attribute in update",
    );
  });
});

describe('zod is loaded only by schemas.js', () => {
  const generated = path.join(ROOT, 'test/types/generated/todo');
  async function bundledInputs(source: string): Promise<string[]> {
    const result = await build({
      stdin: { contents: source, resolveDir: generated, loader: 'ts' },
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
    });
    return Object.keys(result.metafile.inputs);
  }

  it('a program that queries and transacts bundles no zod', async () => {
    const inputs = await bundledInputs(
      `import { createClient, id } from './index.js';
       const db = createClient({ appId: 'a', adminToken: 't' });
       db.transact(db.goals.tx(id()).create({ title: 'x', priority: 1, done: false }));
       db.goals.query({ $: { where: { done: false } }, todos: {} });`,
    );
    expect(inputs.some((f) => f.includes('runtime/validate.js'))).toBe(true);
    expect(inputs.filter((f) => f.includes('node_modules/zod'))).toEqual([]);
  });

  it('importing schemas.js brings zod, and its schemas validate as the client does', async () => {
    const inputs = await bundledInputs(`import { GoalsCreateSchema } from './schemas.js'; console.log(GoalsCreateSchema);`);
    expect(inputs.some((f) => f.includes('node_modules/zod'))).toBe(true);
    const { GoalsCreateSchema, GoalsUpdateSchema } = await import(path.join(generated, 'schemas.js'));
    expect(GoalsCreateSchema.safeParse({ title: 'x', priority: 1, done: false }).success).toBe(true);
    expect(GoalsCreateSchema.safeParse({ title: 'x', priority: 'high', done: false }).success).toBe(false);
    expect(GoalsUpdateSchema.safeParse({ priority: 2 }).success).toBe(true);
  });
});
