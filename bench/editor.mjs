// editor: how long an editor (tsserver, typescript 5.9) takes to offer completions with the generated
// client vs with @instantdb/admin, in the typecheck benchmark's usage file (100 call sites).
//
//   node bench/editor.mjs [--entities 300] [--sites 100] [--repeats 5] [--modes dts,ts] [--reuse] [--quick]
//
// Positions in the first call site: inside `where: {` (attribute names), inside a nested link
// (`children: { ..., | }`: the linked entity's links), and inside a where of the multi-entity form
// `db.query({ eK: { $: { where: { | } } } })` (the official SDK's only form; an alternative for the client). For each side and position, a fresh tsserver opens
// the file: `load` is the time until the project is ready (projectInfo answered), `first` the first
// completionInfo after it, `afterEdit` the median over --repeats requests each made after an edit at the
// end of the file (a new program and checker, as on every keystroke). Load and first completion are also
// measured as the tsserver process's CPU time (/proc), which a busy machine does not inflate as it does wall
// time. A third side, "floor", opens a file that imports nothing in the same kind of project (lib and
// @types/node only): what no client can go below.
import fs from 'node:fs';
import path from 'node:path';
import * as c from './lib/common.mjs';
import { TsServer, lineOffset } from './lib/tsserver.mjs';
import { usageGenerated, usageOfficial } from './lib/usage.mjs';

const opts = c.parseArgs(process.argv.slice(2), { entities: 300, sites: 100, repeats: 5, modes: 'dts,ts', reuse: false, quick: false });
if (opts.quick) Object.assign(opts, { repeats: 3 });
const n = opts.entities;
const dir = path.join(c.WORK, 'editor', `n${n}`);
const schema = c.largeSchema(dir, n);

// `expect`: names a complete list must hold there (keys already written in that object are left out by tsserver).
const POSITIONS = {
  where: { marker: '/*where*/', expect: ['slug', 'note', 'score', 'createdAt'] },
  nested: { marker: '/*nested*/', expect: ['children', 'parent', 'relatedFrom'] },
  // The same where as the first, in the multi-entity form (`db.query({ eK: { $: { where } } })`).
  whereQuery: { marker: '/*whereQuery*/', expect: ['slug', 'note', 'score', 'createdAt', 'active'] },
};

async function measure(file, position, floor = false) {
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf(POSITIONS[position].marker) + POSITIONS[position].marker.length;
  const loc = { file, ...lineOffset(text, at), triggerKind: 1, includeExternalModuleExports: false };
  const server = new TsServer();
  try {
    const t0 = performance.now();
    await server.send('open', { file, fileContent: text, scriptKindName: 'TS' }, { response: false });
    await server.send('projectInfo', { file, needFileNameList: false });
    const loadMs = performance.now() - t0;
    const loadCpu = server.cpuMs();
    const first = await server.timed('completionInfo', loc);
    const firstCpu = server.cpuMs();
    const names = new Set(first.body?.entries?.map((e) => e.name) ?? []);
    const missing = floor ? [] : POSITIONS[position].expect.filter((name) => !names.has(name));
    const after = [];
    const end = lineOffset(text, text.length);
    for (let k = 0; k < opts.repeats; k++) {
      // An edit at the end of the file: positions above are unchanged, the checker starts afresh.
      await server.send('change', { file, line: end.line, offset: end.offset, endLine: end.line, endOffset: end.offset, insertString: ' ' }, { response: false });
      after.push((await server.timed('completionInfo', loc)).ms);
    }
    return {
      loadMs: c.round(loadMs, 0),
      firstMs: c.round(first.ms, 0),
      loadCpuMs: c.round(loadCpu, 0),
      firstCpuMs: c.round(firstCpu - loadCpu, 0),
      afterEditMs: c.round(c.median(after), 0),
      entries: names.size,
      ...(missing.length ? { missing } : {}),
    };
  } finally {
    server.close();
  }
}

const result = { entities: n, callSites: opts.sites };
// Result keys as in typecheck: `generated` is the default "dts" layout, `generatedTs` the "ts" layout.
const sides = [['official', null], ...c.list(opts.modes).map((m) => [m === 'dts' ? 'generated' : 'generatedTs', m]), ['floor', 'floor']];
const FLOOR_SOURCE = `${Object.values(POSITIONS).map((p, k) => `const probe${k} = { ${p.marker} };`).join('\n')}\nexport {};\n`;
for (const [key, mode] of sides) {
  const sideDir = c.mkdirp(path.join(dir, `editor-${key}`));
  let source;
  if (!mode) source = usageOfficial(n, opts.sites, { schemaPath: '../instant.schema.js', markers: true });
  else if (mode === 'floor') source = FLOOR_SOURCE;
  else {
    const out = path.join(dir, `gen-${mode}`);
    if (!(opts.reuse && fs.existsSync(path.join(out, 'manifest.json')))) {
      process.stdout.write(`generating the ${mode} client (${n} entities)... `);
      console.log(`${Math.round(c.generateClient(schema, out, { output: mode }).ms)} ms`);
    }
    if (c.layoutOf(out) !== mode) {
      result[key] = { skipped: `\`--output ${mode}\` wrote the ${c.layoutOf(out)} layout (not supported by this build)` };
      continue;
    }
    source = usageGenerated(n, opts.sites, { importPath: `../gen-${mode}/index.js`, markers: true });
  }
  const file = path.join(sideDir, 'usage.ts');
  fs.writeFileSync(file, source);
  c.writeTsconfig(sideDir, ['usage.ts']);
  result[key] = {};
  for (const position of Object.keys(POSITIONS)) {
    process.stdout.write(`${key}, completions at ${position}... `);
    result[key][position] = await measure(file, position, key === 'floor');
    const r = result[key][position];
    console.log(`load ${r.loadMs} ms, first ${r.firstMs} ms, after an edit ${r.afterEditMs} ms (${r.entries} entries${r.missing ? `, MISSING ${r.missing}` : ''})`);
  }
}

console.log(`\neditor: tsserver 5.9, ${n} entities, ${opts.sites} call sites; ms\n`);
const rows = [['side', 'position', 'load', 'first completion', 'load + first', 'CPU: load + first', `after edit (median of ${opts.repeats})`, 'entries']];
for (const [key] of sides) {
  if (!result[key] || result[key].skipped) continue;
  for (const [position, r] of Object.entries(result[key])) rows.push([key, position, r.loadMs, r.firstMs, r.loadMs + r.firstMs, r.loadCpuMs + r.firstCpuMs, r.afterEditMs, r.entries]);
}
c.printTable(rows);
console.log('\nratios (official ÷ generated):');
for (const [key] of sides.slice(1, -1)) {
  if (!result[key] || result[key].skipped) continue;
  for (const position of Object.keys(POSITIONS)) {
    const o = result.official[position];
    const g = result[key][position];
    const f = result.floor[position];
    const cpu = (r) => r.loadCpuMs + r.firstCpuMs;
    console.log(`  ${key} ${position}: first completion ${c.times(o.firstMs, g.firstMs)}, load + first ${c.times(o.loadMs + o.firstMs, g.loadMs + g.firstMs)} (CPU ${c.times(cpu(o), cpu(g))}; with no client at all ${c.times(cpu(o), cpu(f))}), after an edit ${c.times(o.afterEditMs, g.afterEditMs)}`);
  }
}
c.writeResults('editor', [result]);
