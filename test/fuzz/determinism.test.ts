// Property (b): generation is deterministic. The same IR gives byte-identical files (and is not changed by
// emitting), and so does the same schema written in another order: entities, attributes, links, rooms,
// topics, the keys of link sides and the order of modifiers shuffled in the `i.schema(...)` input.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import * as prettier from 'prettier';
import { afterAll, describe, expect, it } from 'vitest';
import { settingsOf } from '../../src/config/options.js';
import { emitClient } from '../../src/emit/emitClient.js';
import { TOOL_VERSION } from '../../src/util/version.js';
import { PRETTIER_OPTIONS, normalizeTypeTexts } from '../../src/write/format.js';
import { writeOutput } from '../../src/write/writeOutput.js';
import { scratchDir } from '../support/paths.js';
import { snapshotDir } from '../support/snapshotDir.js';
import { formatWithRuntimeCache } from './pipeline.js';
import { fuzzSettings, schemaArb, shuffleSpec, specToIR } from './schemaArb.js';

const { runs, seed } = fuzzSettings(500);
/** Formatting costs ~100x more than emitting: the formatted, written comparison gets a 25th of the runs. */
const writtenRuns = Math.max(10, Math.round(runs / 25));

const FILE = '/project/instant.schema.ts';
const OUT = '/project/instant.gen';
const settingsArb = fc
  .record({ output: fc.constantFrom<'ts' | 'dts'>('ts', 'dts'), dates: fc.constantFrom<'stored' | 'date'>('stored', 'date'), validation: fc.boolean(), testing: fc.boolean() })
  .map((o) => settingsOf(o));

let root: string | undefined;
afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe(`fuzz (seed ${seed}): generation is deterministic`, () => {
  it(`${runs} random schemas: same IR, same files; shuffled input, same files`, () => {
    fc.assert(
      fc.property(schemaArb(), fc.nat(), settingsArb, (spec, shuffleSeed, settings) => {
        const ir = specToIR(spec, FILE);
        const before = JSON.stringify(ir);
        const emitted = emitClient(ir, { outDir: OUT, toolVersion: TOOL_VERSION, settings });
        const first = [...emitted];
        expect(JSON.stringify(ir), 'emitClient changed its IR').toBe(before);
        const again = [...emitClient(structuredClone(ir), { outDir: OUT, toolVersion: TOOL_VERSION, settings })];
        expect(again).toStrictEqual(first);
        const shuffledIR = specToIR(shuffleSpec(spec, shuffleSeed), FILE);
        expect(JSON.stringify(shuffledIR)).toBe(before);
        const shuffledFiles = emitClient(shuffledIR, { outDir: OUT, toolVersion: TOOL_VERSION, settings });
        expect([...shuffledFiles.final]).toStrictEqual([...emitted.final]);
        const shuffled = [...shuffledFiles];
        expect(shuffled.map(([f]) => f)).toStrictEqual(first.map(([f]) => f));
        for (const [k, [file, text]] of shuffled.entries()) expect(text, file).toBe(first[k][1]);
      }),
      { numRuns: runs, seed },
    );
  }, 300_000);

  it(`${writtenRuns} random schemas, formatted and written twice (from shuffled inputs): byte-identical folders, nothing rewritten, final files as prettier prints them`, async () => {
    root = scratchDir('fuzz-determinism');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(schemaArb(), fc.nat(), settingsArb, async (spec, shuffleSeed, settings) => {
        const dir = path.join(root!, `s${n++}`);
        const write = async (input: typeof spec, outDir: string, checkLayout = false) => {
          const emitted = emitClient(await normalizeTypeTexts(specToIR(input, path.join(dir, 'instant.schema.ts'))), { outDir, toolVersion: TOOL_VERSION, settings });
          // Files that skip prettier must be exactly what prettier prints (test/layout.test.ts, on random names).
          for (const file of checkLayout ? emitted.final : []) {
            if (file.endsWith('.md')) continue;
            const parser = file.endsWith('.json') ? 'json' : file.endsWith('.js') ? 'babel' : 'typescript';
            expect(await prettier.format(emitted.get(file)!, { ...PRETTIER_OPTIONS, parser }), `${file} is marked final but prettier changes it`).toBe(emitted.get(file));
          }
          return writeOutput(outDir, await formatWithRuntimeCache(emitted, settings));
        };
        // Two folders at the same depth, so relative paths in the headers agree.
        const a = path.join(dir, 'a', 'instant.gen');
        const b = path.join(dir, 'b', 'instant.gen');
        fs.mkdirSync(path.dirname(a), { recursive: true });
        fs.mkdirSync(path.dirname(b), { recursive: true });
        await write(spec, a, true);
        await write(shuffleSpec(spec, shuffleSeed), b);
        expect(snapshotDir(b)).toStrictEqual(snapshotDir(a));
        const second = await write(shuffleSpec(spec, shuffleSeed + 1), a);
        expect(second.written, 'a second run rewrote files').toStrictEqual([]);
        expect(second.removed).toStrictEqual([]);
        fs.rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: writtenRuns, seed },
    );
  }, 300_000);
});
