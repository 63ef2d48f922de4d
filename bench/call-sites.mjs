// call-sites: what `tsc` pays per call site, for each shape of bench/lib/shapes.mjs, with the generated client
// (default dts layout) vs @instantdb/admin, at one schema size.
//
//   node bench/call-sites.mjs [--entities 300] [--sites 50] [--shapes mixed,deep,...] [--reuse] [--quick]
//
// For each shape, a usage file with one plain query (warm-up) and --sites sites of that shape (each on another
// entity) is checked by `tsc -p --extendedDiagnostics` (typescript 5.9, the user tsconfig of the typecheck
// benchmark). Per site: (that file - the file with the warm-up query alone) / sites, in instantiations (check time
// only per file: per-site differences of a few ms drown in the noise of a busy machine). The first query of a file (warm-up - no query at all) is reported apart: the SDK resolves its schema-wide
// types there. Whole file: both totals and their ratio (what a file with these sites costs, first query included).
import fs from 'node:fs';
import path from 'node:path';
import * as c from './lib/common.mjs';
import { SHAPES, shapeUsage } from './lib/shapes.mjs';
import { tscDiagnostics } from './lib/tsc.mjs';

const opts = c.parseArgs(process.argv.slice(2), { entities: 300, sites: 50, shapes: Object.keys(SHAPES).join(','), reuse: false, quick: false });
if (opts.quick) Object.assign(opts, { sites: 10 });
const n = opts.entities;
const dir = path.join(c.WORK, 'call-sites', `n${n}`);
const schema = c.largeSchema(dir, n);
const out = path.join(dir, 'gen-dts');
if (!(opts.reuse && fs.existsSync(path.join(out, 'manifest.json')))) {
  process.stdout.write(`generating the client (${n} entities)... `);
  console.log(`${Math.round(c.generateClient(schema, out, { output: 'dts' }).ms)} ms`);
}

const SIDES = {
  official: { side: 'official' },
  generated: { side: 'generated', importPath: './gen-dts/index.js' },
};

function check(file, source) {
  fs.writeFileSync(path.join(dir, file), source);
  return tscDiagnostics(c.TSC5, c.writeTsconfig(dir, [file], `tsconfig.${file.replace(/\.ts$/, '')}.json`));
}

const result = { entities: n, sites: opts.sites, shapes: {}, empty: {}, baseline: {} };
const baseline = result.baseline;
for (const [key, side] of Object.entries(SIDES)) {
  process.stdout.write(`no query, then one plain query, ${key}... `);
  result.empty[key] = check(`sites-${key}-empty.ts`, shapeUsage('mixed', n, 0, { ...side, warm: false }));
  baseline[key] = check(`sites-${key}-0.ts`, shapeUsage('mixed', n, 0, side));
  console.log(`the first query costs ${baseline[key].instantiations - result.empty[key].instantiations} instantiations`);
}
for (const shape of c.list(opts.shapes)) {
  const line = {};
  for (const [key, side] of Object.entries(SIDES)) {
    process.stdout.write(`${shape}, ${key}: ${opts.sites} sites... `);
    const m = check(`sites-${key}-${shape}.ts`, shapeUsage(shape, n, opts.sites, side));
    line[key] = { ...m, perSite: { instantiations: c.round((m.instantiations - baseline[key].instantiations) / opts.sites, 1) } };
    console.log(`${line[key].perSite.instantiations} instantiations per site, ${m.checkSeconds} s of check time${m.errors ? `; ERRORS ${JSON.stringify(m.errors)}: ${m.firstError}` : ''}`);
  }
  result.shapes[shape] = line;
}

console.log(`\ncall sites: ${n} entities, ${opts.sites} sites per shape, tsc 5.9; per site = (file - file with only the first query) / sites\n`);
const rows = [['shape', 'ours inst/site', 'SDK inst/site', 'inst ÷', 'ours file check s', 'SDK file check s', 'file inst ÷', 'file check ÷']];
for (const [shape, { official: o, generated: g }] of Object.entries(result.shapes)) {
  rows.push([shape, g.perSite.instantiations, o.perSite.instantiations, c.times(o.perSite.instantiations, g.perSite.instantiations), g.checkSeconds, o.checkSeconds, c.times(o.instantiations, g.instantiations), c.times(o.checkSeconds, g.checkSeconds)]);
}
c.printTable(rows);
c.writeResults('call-sites', [result]);
