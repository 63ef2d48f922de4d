// runtime-weight: what a program doing one query and one transaction (fixtures/todo) ships and loads,
// with the generated client vs with @instantdb/admin.
//
//   node bench/runtime-weight.mjs [--runs 9] [--quick]
//
// Size: esbuild bundle (everything included, minified, node platform), raw and gzipped (level 9).
// Cold import: a fresh `node` per run imports the program (which creates the client at top level; nothing
// is sent); median of --runs, alternating sides. Measured for the bundle, and for the program compiled
// with its packages left in node_modules (as a Node server runs it).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { build } from 'esbuild';
import * as c from './lib/common.mjs';

const opts = c.parseArgs(process.argv.slice(2), { runs: 9, quick: false });
if (opts.quick) opts.runs = 5;
const dir = c.mkdirp(path.join(c.WORK, 'weight'));
fs.copyFileSync(path.join(c.ROOT, 'fixtures/todo/instant.schema.ts'), path.join(dir, 'instant.schema.ts'));
const { layout } = c.generateClient(path.join(dir, 'instant.schema.ts'), path.join(dir, 'gen')); // the tool's default output

const config = `{ appId: '6f1f5bd5-3c7e-4a6e-9d5c-1b2a3c4d5e6f', adminToken: '0e7a8b9c-1d2e-4f30-8a1b-2c3d4e5f6a7b', apiURI: 'http://127.0.0.1:1' }`;
const PROGRAMS = {
  generated: `import { createClient, id } from './gen/index.js';
const db = createClient(${config});
export async function main() {
  const goals = await db.goals.query({ $: { where: { done: false }, limit: 10 }, todos: {} });
  await db.transact(db.goals.tx(id()).update({ title: 'Run', priority: 1, done: false }).link({ todos: id() }));
  return goals;
}
`,
  official: `import { init, id } from '@instantdb/admin';
import schema from './instant.schema.js';
const db = init({ ...${config}, schema });
export async function main() {
  const { goals } = await db.query({ goals: { $: { where: { done: false }, limit: 10 }, todos: {} } });
  await db.transact(db.tx.goals[id()].update({ title: 'Run', priority: 1, done: false }).link({ todos: id() }));
  return goals;
}
`,
};

// ESM bundles of CommonJS code need `require`.
const banner = { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" };

const result = {};
for (const [side, source] of Object.entries(PROGRAMS)) {
  const entry = path.join(dir, `${side}.ts`);
  fs.writeFileSync(entry, source);
  const common = { entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error', banner };
  const bundle = path.join(dir, `${side}.bundle.mjs`);
  const { metafile } = await build({ ...common, minify: true, outfile: bundle, metafile: true });
  await build({ ...common, packages: 'external', outfile: path.join(dir, `${side}.external.mjs`) });
  const bytes = fs.readFileSync(bundle);
  // Minified bytes by package (node_modules/<name>) or "app" (the program, schema and generated client).
  const byPackage = {};
  for (const [input, { bytesInOutput }] of Object.entries(Object.values(metafile.outputs)[0].inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? 'app';
    byPackage[pkg] = (byPackage[pkg] ?? 0) + bytesInOutput;
  }
  result[side] = { bundleBytes: bytes.length, gzipBytes: zlib.gzipSync(bytes, { level: 9 }).length, byPackage };
}

/** ms to import `file` in a fresh node (measured inside the process), and the whole process's wall time. */
function coldImport(file) {
  const code = 'const t = performance.now(); await import(process.env.TARGET); process.stdout.write(String(performance.now() - t));';
  const r = c.run(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, TARGET: new URL(`file://${file}`).href } });
  if (r.code !== 0) throw new Error(`importing ${file} failed: ${r.stderr}`);
  return { importMs: Number(r.stdout), processMs: r.ms };
}

for (const variant of ['bundle', 'external']) {
  const samples = { generated: [], official: [] };
  for (let k = 0; k < opts.runs; k++) {
    const order = k % 2 ? ['official', 'generated'] : ['generated', 'official'];
    for (const side of order) samples[side].push(coldImport(path.join(dir, `${side}.${variant}.mjs`)));
  }
  for (const side of Object.keys(samples)) {
    result[side][`${variant}ImportMs`] = c.round(c.median(samples[side].map((s) => s.importMs)), 1);
    result[side][`${variant}ProcessMs`] = c.round(c.median(samples[side].map((s) => s.processMs)), 1);
  }
}
result.runs = opts.runs;
result.layout = layout;

const g = result.generated;
const o = result.official;
console.log(`\nruntime-weight: one query + one transaction (fixtures/todo; generated client: ${layout} output); import times are medians of ${opts.runs} fresh processes\n`);
c.printTable([
  ['side', 'bundle KB', 'gzip KB', 'import ms (bundle)', 'process ms (bundle)', 'import ms (node_modules)', 'process ms (node_modules)'],
  ...[['generated', g], ['@instantdb/admin', o]].map(([name, r]) => [name, c.round(r.bundleBytes / 1024, 1), c.round(r.gzipBytes / 1024, 1), r.bundleImportMs, r.bundleProcessMs, r.externalImportMs, r.externalProcessMs]),
]);
for (const [name, r] of [['generated', g], ['@instantdb/admin', o]]) {
  const parts = Object.entries(r.byPackage).sort((a, b) => b[1] - a[1]).map(([p, b]) => `${p} ${c.round(b / 1024, 1)} KB`);
  console.log(`${name} bundle, minified, by package: ${parts.join(', ')}`);
}
const share = (a, b) => `${((a / b) * 100).toFixed(0)}%`;
console.log(`\ngenerated as a share of the SDK: gzip ${share(g.gzipBytes, o.gzipBytes)}, minified ${share(g.bundleBytes, o.bundleBytes)}, import (bundle) ${share(g.bundleImportMs, o.bundleImportMs)}, import (node_modules) ${share(g.externalImportMs, o.externalImportMs)} (target ≤ 33%)`);
c.writeResults('runtime-weight', [result]);
