// Property (d), beside the brief's three: a random schema written as users write `instant.schema.ts` (quoted
// keys of any kind, type arguments, modifier chains, `.asType<T>()`, any `@instantdb/*` package) loads into
// exactly the IR the other suites build from the same schema in memory. This puts the schema reader
// (jiti evaluation + the AST pass for type-only facts) under the same random names.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { publicIR } from '../../src/emit/emitClient.js';
import { loadSchema } from '../../src/schema/loadSchema.js';
import { scratchDir } from '../support/paths.js';
import { fuzzSettings, schemaArb, schemaSource, specToIR } from './schemaArb.js';

const { runs, seed } = fuzzSettings(500);
/** Each run evaluates a file and parses it: a 20th of the runs. */
const sourceRuns = Math.max(10, Math.round(runs / 20));
const PACKAGES = ['@instantdb/react', '@instantdb/admin', '@instantdb/core', '@instantdb/react-native', '@instantdb/svelte'];

let root: string | undefined;
afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe(`fuzz (seed ${seed}): schema files load into the same IR`, () => {
  it(`${sourceRuns} random schemas written as instant.schema.ts`, async () => {
    root = scratchDir('fuzz-source');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(schemaArb({ maxEntities: 5 }), fc.constantFrom(...PACKAGES), async (spec, pkg) => {
        const dir = path.join(root!, `s${n++}`);
        fs.mkdirSync(dir);
        const file = path.join(dir, 'instant.schema.ts');
        fs.writeFileSync(file, schemaSource(spec, pkg));
        const { ir } = await loadSchema(file);
        expect(publicIR(ir)).toStrictEqual(publicIR(specToIR(spec, file)));
        expect(ir.types).toStrictEqual({ imports: [], declarations: [] });
        for (const entity of ir.entities.filter((e) => e.declared)) {
          expect(entity.location?.file, entity.name).toBe(file);
          for (const attr of entity.attrs) expect(attr.location?.line, `${entity.name}.${attr.name}`).toBeGreaterThan(3);
        }
      }),
      { numRuns: sourceRuns, seed },
    );
  }, 300_000);
});
