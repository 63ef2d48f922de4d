// Property (a): for random valid schemas and random generator settings, the generated client — and a file
// that uses it (every operation of ops.ts, and every row read back with the promised types) — type-checks
// under `tsc --strict` (typescript 5.9). Schemas are batched: one folder per schema, one tsc program per batch.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../support/paths.js';
import type { FuzzCase } from './ops.js';
import { caseArb, generateCase, pool, typecheckFolders } from './pipeline.js';
import { fuzzSettings } from './schemaArb.js';

const { runs, seed } = fuzzSettings(500);
/** Schemas per tsc program: big enough to amortise start-up, small enough to keep memory low. */
const BATCH = 125;

let root: string | undefined;
afterAll(() => {
  if (root && !process.env.FUZZ_KEEP) fs.rmSync(root, { recursive: true, force: true });
});

describe(`fuzz (seed ${seed}): generated clients type-check`, () => {
  it(`${runs} random schemas, each with a usage file, pass tsc --strict`, async () => {
    const started = performance.now();
    const cases: FuzzCase[] = fc.sample(caseArb(), { numRuns: runs, seed });
    root = scratchDir('fuzz-tsc');
    const folders = cases.map((_, k) => `s${k}`);
    for (const [k, c] of cases.entries()) await generateCase(c, path.join(root, folders[k]));
    const generatedMs = performance.now() - started;

    const batches: string[][] = [];
    for (let k = 0; k < folders.length; k += BATCH) batches.push(folders.slice(k, k + BATCH));
    const results = await pool(
      batches.map((batch, k) => () => typecheckFolders(root!, `b${k}`, batch)),
      2,
    );
    const failures = results.flatMap((r) => [...r.errors]);
    const report = failures
      .slice(0, 5)
      .map(([folder, lines]) => `${folder} (${path.join(root!, folder, 'case.json')}):\n${lines.slice(0, 8).join('\n')}`)
      .join('\n\n');
    console.info(
      `fuzz typecheck: ${runs} schemas (seed ${seed}), ${cases.reduce((n, c) => n + c.ir.entities.length, 0)} entities, ` +
        `${cases.reduce((n, c) => n + c.ir.links.length, 0)} links; generated in ${Math.round(generatedMs)} ms, ` +
        `tsc ${results.map((r) => Math.round(r.ms)).join(' + ')} ms`,
    );
    if (failures.length) process.env.FUZZ_KEEP = '1';
    expect(failures.length, `${failures.length} schemas failed to type-check; rerun with FUZZ_SEED=${seed}\n${report}`).toBe(0);
    expect(results.every((r) => r.code === 0)).toBe(true);
  }, 900_000);
});
