// generate: wall time of `instant-codegen generate` (the CLI, a fresh node process) for 10..1000 entities:
// a full run into an empty folder, and a no-op run (nothing changed: the manifest says so). Each no-op run is
// paired with a bare `node -e 0` right after it, so that the ratio to Node's own start-up holds on a busy machine.
//
//   node bench/generate.mjs [--sizes 10,100,300,1000] [--runs 3] [--noop-runs 5] [--quick]
//
// Full runs are medians of --runs at 300 entities (the target size), one run at the other sizes; "internal" is the time the CLI reports
// itself (without node's start-up and module loading).
import path from 'node:path';
import * as c from './lib/common.mjs';

const opts = c.parseArgs(process.argv.slice(2), { sizes: [10, 100, 300, 1000], runs: 3, noopRuns: 5, quick: false });
if (opts.quick) Object.assign(opts, { sizes: c.list(opts.sizes).filter((n) => n <= 300), runs: 1, noopRuns: 3 });

const lines = [];
for (const n of c.list(opts.sizes)) {
  const dir = path.join(c.WORK, 'generate', `n${n}`);
  const schema = c.largeSchema(dir, n);
  const out = path.join(dir, 'instant.gen');
  const full = [];
  for (let k = 0; k < (n === 300 ? opts.runs : 1); k++) full.push(c.generateClient(schema, out, { fresh: true }));
  const noop = [];
  const bare = [];
  for (let attempt = 0; noop.length < opts.noopRuns; attempt++) {
    const r = c.generateClient(schema, out, { fresh: false });
    if (/up to date, nothing to do/.test(r.stdout + r.stderr)) {
      noop.push(r);
      bare.push(c.run(process.execPath, ['-e', '0']));
    }
    // Not a no-op: the tool itself changed under us (dist/ rebuilt during the run). Try again, a few times.
    else if (attempt < opts.noopRuns + 3) console.log(`  (a repeated run wrote files: ${r.stdout.trim()}; retrying)`);
    else throw new Error(`repeated runs keep writing files:\n${r.stdout}${r.stderr}`);
  }
  const fullMs = c.median(full.map((r) => r.ms));
  const line = {
    entities: n,
    layout: full[0].layout,
    full: { wallMs: c.round(fullMs, 0), internalMs: c.round(c.median(full.map((r) => r.internalMs)), 0), runs: full.length },
    noop: { wallMs: c.round(c.median(noop.map((r) => r.ms)), 0), internalMs: c.round(c.median(noop.map((r) => r.internalMs)), 1), runs: noop.length },
    nodeStartMs: c.round(c.median(bare.map((r) => r.ms)), 0),
    // median of the per-pair ratios: each no-op against the `node -e 0` run just after it
    noopVsNodeStart: c.round(c.median(noop.map((r, k) => r.ms / bare[k].ms)), 2),
    fullMsPerEntity: c.round(fullMs / n, 2),
  };
  line.noopShareOfFull = c.round(line.noop.wallMs / line.full.wallMs, 4);
  lines.push(line);
  console.log(`${n} entities: full ${line.full.wallMs} ms (internal ${line.full.internalMs} ms), no-op ${line.noop.wallMs} ms (internal ${line.noop.internalMs} ms; ${line.noopVsNodeStart}× \`node -e 0\`, ${line.nodeStartMs} ms)`);
}

// Growth: the marginal cost per entity between consecutive sizes, and whether the largest size grows
// no faster than linearly from the one before (time ratio ≤ size ratio).
for (let k = 1; k < lines.length; k++) {
  const [a, b] = [lines[k - 1], lines[k]];
  b.marginalMsPerEntity = c.round((b.full.wallMs - a.full.wallMs) / (b.entities - a.entities), 2);
  b.growthVsPrevious = { sizeRatio: c.round(b.entities / a.entities, 2), timeRatio: c.round(b.full.wallMs / a.full.wallMs, 2) };
}

console.log(`\ngenerate: CLI wall time (ms), the tool's default output (${lines[0]?.layout})\n`);
const rows = [['entities', 'full', 'full (internal)', 'ms / entity', 'marginal ms / entity', 'size ×', 'time ×', 'no-op', 'no-op ÷ full', 'node -e 0', 'no-op ÷ node -e 0']];
for (const l of lines) {
  rows.push([l.entities, l.full.wallMs, l.full.internalMs, l.fullMsPerEntity, l.marginalMsPerEntity ?? '', l.growthVsPrevious?.sizeRatio ?? '', l.growthVsPrevious?.timeRatio ?? '', l.noop.wallMs, `${(l.noopShareOfFull * 100).toFixed(1)}%`, l.nodeStartMs, l.noopVsNodeStart]);
}
c.printTable(rows);
const at300 = lines.find((l) => l.entities === 300);
if (at300) {
  console.log(`\n300 entities: full ${at300.full.wallMs} ms (target < 1000 ms on an idle machine: ${at300.full.wallMs < 1000 ? 'met' : 'MISSED'}); no-op ${at300.noop.wallMs} ms = ${(at300.noopShareOfFull * 100).toFixed(1)}% of a full run (${c.times(at300.full.wallMs, at300.noop.wallMs)} faster)`);
  console.log(`no-op ÷ \`node -e 0\`: ${at300.noopVsNodeStart} (target ≤ 2: ${at300.noopVsNodeStart <= 2 ? 'met' : 'MISSED'})`);
}
const last = lines.at(-1);
if (last?.growthVsPrevious) {
  const linear = last.growthVsPrevious.timeRatio <= last.growthVsPrevious.sizeRatio;
  console.log(`growth ${lines.at(-2).entities} → ${last.entities} entities: time ×${last.growthVsPrevious.timeRatio} for size ×${last.growthVsPrevious.sizeRatio} (${linear ? 'linear or better' : 'WORSE than linear'})`);
}
c.writeResults('generate', lines);
