// npm run bench [-- <benchmark>...] [--quick] [--no-build] [other flags passed to each benchmark]
//
// Builds the tool (npm run build), runs the named benchmarks (default: all) one after the other, each in
// its own node process, then writes bench/results/run.json and the results section of bench/README.md.
// `npm run bench -- report` only re-renders the README from the results files.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, machine, mkdirp, RESULTS, round } from './lib/common.mjs';
import { writeReport } from './lib/report.mjs';

const ALL = ['typecheck', 'call-sites', 'editor', 'generate', 'runtime-weight', 'request-overhead', 'server', 'live'];
const argv = process.argv.slice(2);
const names = argv.filter((a) => ALL.includes(a) || a === 'report');
const unknown = argv.filter((a) => !a.startsWith('--') && !names.includes(a) && !/^[\d.,]+$/.test(a) && !argv[argv.indexOf(a) - 1]?.startsWith('--'));
if (unknown.length) {
  console.error(`unknown benchmark: ${unknown.join(', ')}; choose from ${ALL.join(', ')}, report`);
  process.exit(2);
}
const flags = argv.filter((a) => !names.includes(a) && a !== '--no-build');

if (names.includes('report')) {
  writeReport();
  console.log('bench/README.md: results section rewritten from bench/results/*.json');
  process.exit(0);
}

const started = performance.now();
const info = { machine: machine(), startedAt: new Date().toISOString(), args: argv, benchmarks: {} };
if (!argv.includes('--no-build')) {
  console.log('> npm run build');
  const b = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) {
    if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js'))) process.exit(1);
    console.log('build reported errors; continuing with what dist/ holds');
  }
}

let failed = 0;
for (const name of names.length ? names : ALL) {
  console.log(`\n=== ${name} ${'='.repeat(60 - name.length)}`);
  const t = performance.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bench', `${name}.mjs`), ...flags], { cwd: ROOT, stdio: 'inherit' });
  const seconds = round((performance.now() - t) / 1000, 1);
  info.benchmarks[name] = { seconds, exitCode: r.status };
  console.log(`=== ${name}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status ?? r.signal})`} in ${seconds} s`);
  if (r.status !== 0) failed++;
}

info.finishedAt = new Date().toISOString();
info.seconds = round((performance.now() - started) / 1000, 1);
mkdirp(RESULTS);
fs.writeFileSync(path.join(RESULTS, 'run.json'), JSON.stringify(info) + '\n');
writeReport();
console.log(`\nall done in ${round(info.seconds / 60, 1)} min; bench/README.md results section updated${failed ? `; ${failed} benchmark(s) FAILED` : ''}`);
process.exit(failed ? 1 : 0);
