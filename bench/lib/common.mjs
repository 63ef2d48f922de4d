// Shared helpers for the benchmarks: paths, arguments, child processes, statistics, results.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Scratch space (git-ignored, excluded from the repo's tsconfig). */
export const WORK = path.join(ROOT, '.tmp', 'bench');
export const RESULTS = path.join(ROOT, 'bench', 'results');
export const TSC5 = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
export const TSC7 = path.join(ROOT, 'node_modules', 'typescript7', 'bin', 'tsc');
export const CLI = path.join(ROOT, 'bin', 'instant-codegen.js');

/** `--key value`, `--key=value`, `--flag`, `--no-flag`; bare words go to `_`. Numbers and lists of numbers are parsed. */
export function parseArgs(argv = process.argv.slice(2), defaults = {}) {
  const opts = { ...defaults, _: [] };
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (!arg.startsWith('--')) {
      opts._.push(arg);
      continue;
    }
    let [key, value] = arg.slice(2).split(/=(.*)/s, 2);
    const camel = key.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (value === undefined && key.startsWith('no-')) {
      opts[camel.slice(2, 3).toLowerCase() + camel.slice(3)] = false;
      continue;
    }
    if (value === undefined) value = k + 1 < argv.length && !argv[k + 1].startsWith('--') && typeof defaults[camel] !== 'boolean' ? argv[++k] : 'true';
    opts[camel] = value === 'true' ? true : value === 'false' ? false : /^[\d.]+$/.test(value) ? Number(value) : /^[\d.]+(,[\d.]+)+$/.test(value) ? value.split(',').map(Number) : value;
  }
  return opts;
}

export const list = (v) => (Array.isArray(v) ? v : String(v).split(',')).map((x) => (/^\d+$/.test(String(x)) ? Number(x) : x));

/** spawnSync with the wall time; never throws on a non-zero exit. */
export function run(cmd, args, opts = {}) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, cwd: ROOT, ...opts });
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: performance.now() - t, error: r.error };
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile of a sorted or unsorted array (p in 0..100). */
export function percentile(values, p) {
  const s = Float64Array.from(values).sort();
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const round = (x, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
/** `a / b` as "12.3×" (how many times a is b). */
export const times = (a, b) => (Number.isFinite(a / b) ? `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}×` : 'n/a');

export function mkdirp(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes JSON lines to bench/results/<name>.json (the last run of that benchmark). */
export function writeResults(name, lines) {
  mkdirp(RESULTS);
  const file = path.join(RESULTS, `${name}.json`);
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  console.log(`\nwrote ${path.relative(ROOT, file)}`);
}

export function readResults(name) {
  const file = path.join(RESULTS, `${name}.json`);
  if (!fs.existsSync(file)) return undefined;
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Prints rows (arrays) as aligned columns; the first row is the header. */
export function printTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, c) => (c === 0 ? String(cell ?? '').padEnd(widths[c]) : String(cell ?? '').padStart(widths[c]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model?.trim(),
    memoryGB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadavg: os.loadavg().map((x) => round(x, 2)),
  };
}

/** The synthetic schema of N entities (fixtures/large/generate.mjs), at <dir>/instant.schema.ts. */
export function largeSchema(dir, entities) {
  const file = path.join(mkdirp(dir), 'instant.schema.ts');
  const r = run(process.execPath, [path.join(ROOT, 'fixtures/large/generate.mjs'), '--entities', String(entities), '--out', file]);
  if (r.code !== 0) throw new Error(`generate.mjs failed: ${r.stderr}`);
  return file;
}

/**
 * Runs the CLI (needs `npm run build`). `output`: "ts" or "dts" (passed as --output), or undefined for the
 * tool's default. `fresh` removes the output folder first, so nothing is reused. Returns the layout found.
 */
export function generateClient(schemaFile, outDir, { output, fresh = true, extra = [] } = {}) {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  if (fresh) fs.rmSync(outDir, { recursive: true, force: true });
  const args = [CLI, 'generate', '--schema', schemaFile, '--out', outDir, ...(output ? ['--output', output] : []), ...extra];
  const r = run(process.execPath, args);
  if (r.code !== 0) throw new Error(`instant-codegen generate failed (${r.code}):\n${r.stdout}${r.stderr}`);
  return { ...r, layout: layoutOf(outDir), internalMs: Number(/in (\d+) ms/.exec(r.stdout + r.stderr)?.[1] ?? NaN) };
}

/** "dts" (.js files with .d.ts types), "ts" (.ts files) or undefined, from what a generated folder holds. */
export function layoutOf(outDir) {
  if (fs.existsSync(path.join(outDir, 'index.d.ts')) && fs.existsSync(path.join(outDir, 'index.js'))) return 'dts';
  if (fs.existsSync(path.join(outDir, 'index.ts'))) return 'ts';
  return undefined;
}

/** The tsconfig of a user's project: strict, skipLibCheck, NodeNext, Node types; only `files` are roots. */
export function writeTsconfig(dir, files, name = 'tsconfig.json') {
  const compilerOptions = {
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    types: ['node'],
  };
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({ compilerOptions, files }, null, 2) + '\n');
  return file;
}
