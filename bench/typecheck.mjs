// typecheck: what `tsc` pays for 100 call sites written with the generated client vs with @instantdb/admin.
//
//   node bench/typecheck.mjs [--sizes 10,100,300,1000] [--sites 100] [--runs 3] [--ts-sizes 300] [--reuse] [--quick]
//
// Per schema size: fixtures/large/generate.mjs writes the schema, the CLI generates the client (the default
// "dts" layout; also the "ts" layout at --ts-sizes), and usage files with the same call sites import one or
// the other, or @instantdb/admin. Each is checked by `tsc -p` (a strict user tsconfig, skipLibCheck) with
// --extendedDiagnostics, under typescript 5.9 and typescript 7. Times are medians of --runs runs at 300 entities (the target size), one run elsewhere.
import fs from 'node:fs';
import path from 'node:path';
import { usageGenerated, usageOfficial } from './lib/usage.mjs';
import * as c from './lib/common.mjs';
import { tscDiagnostics } from './lib/tsc.mjs';

const opts = c.parseArgs(process.argv.slice(2), { sizes: [10, 100, 300, 1000], sites: 100, runs: 3, tsSizes: [300], reuse: false, quick: false });
if (opts.quick) Object.assign(opts, { sizes: c.list(opts.sizes).filter((n) => n <= 300), runs: 1 });

function tsc(compiler, tsconfig, runs) {
  const samples = [];
  for (let k = 0; k < runs; k++) samples.push(tscDiagnostics(compiler, tsconfig));
  const med = (key) => c.round(c.median(samples.map((s) => s[key])), key === 'memoryMB' ? 1 : 3);
  return { ...samples[0], checkSeconds: med('checkSeconds'), totalSeconds: med('totalSeconds'), memoryMB: med('memoryMB'), wallSeconds: med('wallSeconds'), runs };
}

// Result keys: `generated` is the tool's default layout ("dts": .js + .d.ts); `generatedTs` the "ts" layout.
const SIDES = {
  official: { label: '@instantdb/admin' },
  generated: { mode: 'dts', label: 'generated (dts)' },
  generatedTs: { mode: 'ts', label: 'generated (ts)' },
};
const lines = [];
const summary = [['entities', 'side', 'instantiations', 'types', 'check s', 'memory MB', 'TS7 check s', 'TS7 MB', 'errors']];
const row = (n, side, m, m7) => summary.push([n, side, m.instantiations, m.types, m.checkSeconds, m.memoryMB, m7?.checkSeconds, m7?.memoryMB, m.errors ? Object.entries(m.errors).map(([k, v]) => `${k}×${v}`).join(' ') : '']);
const measured = (m) => m && !m.skipped;

for (const n of c.list(opts.sizes)) {
  const dir = path.join(c.WORK, 'typecheck', `n${n}`);
  const runs = n === 300 ? opts.runs : 1; // medians at the target size; one run elsewhere keeps the suite short
  const schema = c.largeSchema(dir, n);
  const keys = ['official', 'generated', ...(c.list(opts.tsSizes).includes(n) ? ['generatedTs'] : [])];
  const line = { entities: n, callSites: opts.sites };
  const ts7 = {};
  const usage = (key, sites) => {
    const { mode } = SIDES[key];
    return mode ? usageGenerated(n, sites, { importPath: `./gen-${mode}/index.js` }) : usageOfficial(n, sites);
  };
  for (const key of keys) {
    const { mode } = SIDES[key];
    if (mode) {
      const out = path.join(dir, `gen-${mode}`);
      if (!(opts.reuse && fs.existsSync(path.join(out, 'manifest.json')))) {
        process.stdout.write(`[n=${n}] generating the ${mode} client... `);
        console.log(`${Math.round(c.generateClient(schema, out, { output: mode }).ms)} ms`);
      }
      if (c.layoutOf(out) !== mode) {
        line[key] = { skipped: `\`--output ${mode}\` wrote the ${c.layoutOf(out)} layout (not supported by this build)` };
        console.log(`[n=${n}] ${line[key].skipped}`);
        continue;
      }
    }
    const file = `usage-${key}.ts`;
    fs.writeFileSync(path.join(dir, file), usage(key, opts.sites));
    const tsconfig = c.writeTsconfig(dir, [file], `tsconfig.${key}.json`);
    process.stdout.write(`[n=${n}] tsc 5.9 ${key} (${runs} run${runs > 1 ? 's' : ''})... `);
    line[key] = tsc(c.TSC5, tsconfig, runs);
    console.log(`${line[key].checkSeconds} s check`);
    process.stdout.write(`[n=${n}] tsc 7 ${key}... `);
    ts7[key] = tsc(c.TSC7, tsconfig, runs);
    console.log(`${ts7[key].checkSeconds} s check`);
  }
  line.ts7 = ts7;
  if (n === 300 || c.list(opts.sizes).length === 1) {
    // The fixed cost of importing each side with no call sites: what every file that imports `db` pays.
    line.importOnly = {};
    for (const key of keys.filter((k) => measured(line[k]))) {
      fs.writeFileSync(path.join(dir, `usage-${key}-0.ts`), usage(key, 0));
      line.importOnly[key] = tsc(c.TSC5, c.writeTsconfig(dir, [`usage-${key}-0.ts`], `tsconfig.${key}-0.json`), 1);
    }
  }
  lines.push(line);
  for (const key of keys.filter((k) => measured(line[k]))) row(n, SIDES[key].label, line[key], ts7[key]);
  for (const [key, m] of Object.entries(line.importOnly ?? {})) row(n, `${SIDES[key].label}, 0 sites`, m);
}

console.log(`\ntypecheck: ${opts.sites} call sites; times are tsc's "Check time" (median of ${opts.runs} at 300 entities, 1 run elsewhere)\n`);
c.printTable(summary);
console.log('\nratios (official ÷ generated):');
for (const l of lines) {
  for (const key of ['generated', 'generatedTs'].filter((k) => measured(l[k]))) {
    const g = l[key];
    console.log(`  ${String(l.entities).padStart(4)} entities, ${SIDES[key].mode.padEnd(3)}: instantiations ${c.times(l.official.instantiations, g.instantiations)}, check ${c.times(l.official.checkSeconds, g.checkSeconds)}, memory ${c.times(l.official.memoryMB, g.memoryMB)}; TS7 check ${c.times(l.ts7.official.checkSeconds, l.ts7[key].checkSeconds)}`);
  }
}
c.writeResults('typecheck', lines);
