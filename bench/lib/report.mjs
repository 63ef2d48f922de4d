// Renders bench/results/*.json as Markdown (tables, ratios, targets) and writes it into bench/README.md
// between the `results:start` / `results:end` markers.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, readResults, round } from './common.mjs';

const x = (a, b) => (Number.isFinite(a / b) ? `${round(a / b, a / b >= 10 ? 0 : 1)}×` : 'n/a');
const pct = (a, b) => `${Math.round((a / b) * 100)}%`;
const mark = (ok) => (ok ? '**met**' : '**missed**');
const table = (rows) => [`| ${rows[0].join(' | ')} |`, `|${rows[0].map(() => ' --- ').join('|')}|`, ...rows.slice(1).map((r) => `| ${r.join(' | ')} |`)].join('\n');
const errs = (m) => (m?.errors ? Object.entries(m.errors).map(([k, v]) => `${k} ×${v}`).join(', ') : 'none');

function typecheck(lines, targets) {
  const rows = [['entities', 'side', 'instantiations', 'types', 'check s', 'memory MB', 'TS7 check s', 'TS7 MB', 'errors']];
  for (const l of lines) {
    for (const [key, label] of [['official', '@instantdb/admin'], ['generated', 'generated (dts)'], ['generatedTs', 'generated (ts)']]) {
      const m = l[key];
      if (!m || m.skipped) continue;
      rows.push([l.entities, label, m.instantiations?.toLocaleString('en-US'), m.types?.toLocaleString('en-US'), m.checkSeconds, m.memoryMB, l.ts7?.[key]?.checkSeconds, l.ts7?.[key]?.memoryMB, errs(m)]);
    }
  }
  const ratios = [['entities', 'client', 'instantiations ÷', 'check time ÷', 'memory ÷', 'TS7 check ÷']];
  for (const l of lines) {
    for (const [key, label] of [['generated', 'dts'], ['generatedTs', 'ts']]) {
      if (!l[key] || l[key].skipped) continue;
      ratios.push([l.entities, label, x(l.official.instantiations, l[key].instantiations), x(l.official.checkSeconds, l[key].checkSeconds), x(l.official.memoryMB, l[key].memoryMB), x(l.ts7?.official?.checkSeconds, l.ts7?.[key]?.checkSeconds)]);
    }
  }
  const at300 = lines.find((l) => l.entities === 300);
  for (const key of ['generated', 'generatedTs']) {
    const g = at300?.[key];
    if (!g || g.skipped) continue;
    const i = at300.official.instantiations / g.instantiations;
    const t = at300.official.checkSeconds / g.checkSeconds;
    const mode = key === 'generated' ? 'dts' : 'ts';
    targets.push([`typecheck, 300 entities (${mode}): ≥50× fewer instantiations`, `${round(i, 0)}×`, mark(i >= 50)]);
    targets.push([`typecheck, 300 entities (${mode}): ≥5× less check time`, `${round(t, 1)}×`, mark(t >= 5)]);
  }
  const at1000 = lines.find((l) => l.entities === 1000);
  if (at1000) {
    const deep = (m) => Boolean(m?.errors?.TS2589);
    targets.push([
      'typecheck, 1000 entities: no "excessively deep" error in the generated client',
      `generated: ${errs(at1000.generated)} (${at1000.generated.checkSeconds} s); SDK: ${errs(at1000.official)} (${at1000.official.checkSeconds} s, ${at1000.official.memoryMB} MB)`,
      mark(!at1000.generated.errors && !deep(at1000.generated)),
    ]);
  }
  return `### typecheck (${lines[0]?.callSites} call sites; tsc --extendedDiagnostics, strict, skipLibCheck)\n\n${table(rows)}\n\nOfficial ÷ generated:\n\n${table(ratios)}`;
}

function callSites([r], targets) {
  const num = (v) => v?.toLocaleString('en-US');
  const rows = [['shape', 'instantiations / site (ours)', 'instantiations / site (SDK)', '÷', 'whole file: instantiations (ours / SDK)', '÷', 'whole file: check s (ours / SDK)', '÷', 'SDK errors']];
  for (const [shape, { official: o, generated: g }] of Object.entries(r.shapes)) {
    rows.push([shape, num(g.perSite.instantiations), num(o.perSite.instantiations), x(o.perSite.instantiations, g.perSite.instantiations), `${num(g.instantiations)} / ${num(o.instantiations)}`, x(o.instantiations, g.instantiations), `${g.checkSeconds} / ${o.checkSeconds}`, x(o.checkSeconds, g.checkSeconds), errs(o)]);
  }
  const first = (key) => r.baseline[key].instantiations - r.empty[key].instantiations;
  const mixed = r.shapes.mixed;
  if (mixed) {
    const i = mixed.official.instantiations / mixed.generated.instantiations;
    const t = mixed.official.checkSeconds / mixed.generated.checkSeconds;
    targets.push([`call sites, ${r.entities} entities, ${r.sites} sites of issue 15's shape: ≥100× fewer instantiations`, `${num(mixed.generated.instantiations)} vs ${num(mixed.official.instantiations)} (${x(mixed.official.instantiations, mixed.generated.instantiations)})`, mark(i >= 100)]);
    targets.push([`call sites, same file: ≥5× less check time`, `${mixed.generated.checkSeconds} s vs ${mixed.official.checkSeconds} s (${x(mixed.official.checkSeconds, mixed.generated.checkSeconds)})`, mark(t >= 5)]);
  }
  if (mixed) targets.push([`call sites: ≤150 instantiations per nested-query site (issue 15's shape, with its transaction)`, `${mixed.generated.perSite.instantiations}`, mark(mixed.generated.perSite.instantiations <= 150)]);
  const over = Object.entries(r.shapes).filter(([, m]) => m.generated.perSite.instantiations > 150);
  targets.push(['call sites: other shapes, instantiations per site', Object.entries(r.shapes).map(([shape, m]) => `${shape} ${m.generated.perSite.instantiations}`).join(', '), over.length ? `(reported; over 150: ${over.map(([shape]) => shape).join(', ')})` : '(reported)']);
  return `### call sites (${r.entities} entities, ${r.sites} sites per shape, bench/lib/shapes.mjs; tsc 5.9)\n\nPer site: (file - the same file with only its first query) / sites; check time only for whole files (differences of a few ms are noise on a busy machine). The first query of a file costs ${num(first('generated'))} instantiations with the generated client and ${num(first('official'))} with the SDK, which resolves its schema-wide types there; the whole-file ratios include it.\n\n${table(rows)}`;
}

function editor([r], targets) {
  const rows = [['side', 'position', 'project load ms', 'first completion ms', 'CPU ms: load + first', 'after an edit ms', 'entries']];
  const sides = [['official', '@instantdb/admin'], ['generated', 'generated (dts)'], ['generatedTs', 'generated (ts)'], ['floor', 'no client (lib + @types/node)']];
  const cpu = (m) => (m.loadCpuMs === undefined ? undefined : m.loadCpuMs + m.firstCpuMs);
  for (const [key, label] of sides) {
    for (const [pos, m] of Object.entries(r[key] ?? {})) {
      if (pos === 'skipped') continue;
      rows.push([label, pos, m.loadMs, m.firstMs, cpu(m) ?? '', m.afterEditMs, `${m.entries}${m.missing ? ` (missing ${m.missing.join(', ')})` : ''}`]);
    }
  }
  for (const [key, label] of sides.slice(1, 3)) {
    if (!r[key] || r[key].skipped || !r.floor) continue;
    const at = (side) => cpu(r[side].where);
    targets.push([`editor (${label}), open to first completion (CPU, at where): ≥5× faster`, `${x(at('official'), at(key))} (with no client at all: ${x(at('official'), at('floor'))})`, mark(at('official') >= 5 * at(key))]);
  }
  for (const [key, label] of sides.slice(1, 3)) {
    if (!r[key] || r[key].skipped) continue;
    for (const pos of Object.keys(r[key])) {
      const o = r.official[pos];
      const g = r[key][pos];
      if (!o || !g) continue;
      const ok = o.firstMs / g.firstMs >= 5 && !g.missing;
      targets.push([`editor (${label}), completions at ${pos}: ≥5× faster`, `first ${x(o.firstMs, g.firstMs)}, after an edit ${x(o.afterEditMs, g.afterEditMs)}${g.missing ? `; but only ${g.entries} entr${g.entries === 1 ? 'y' : 'ies'} (missing ${g.missing.join(', ')})` : ''}`, g.missing ? '**missed** (incomplete completions)' : mark(ok)]);
    }
  }
  return `### editor (tsserver 5.9, ${r.entities} entities, ${r.callSites} call sites)\n\n${table(rows)}`;
}

function generate(lines, targets) {
  const rows = [['entities', 'full ms', 'full, internal ms', 'ms / entity', 'marginal ms / entity', 'no-op ms', 'no-op ÷ full', 'no-op ÷ node -e 0']];
  for (const l of lines) rows.push([l.entities, l.full.wallMs, l.full.internalMs, l.fullMsPerEntity, l.marginalMsPerEntity ?? '', l.noop.wallMs, pct(l.noop.wallMs, l.full.wallMs), l.noopVsNodeStart ?? '']);
  const at300 = lines.find((l) => l.entities === 300);
  if (at300) {
    targets.push(['generate, 300 entities: full run < 1 s (idle machine)', `${at300.full.wallMs} ms`, mark(at300.full.wallMs < 1000)]);
    if (at300.noopVsNodeStart !== undefined) targets.push(['generate: no-op within 2× of `node -e 0`', `${at300.noop.wallMs} ms vs ${at300.nodeStartMs} ms (${at300.noopVsNodeStart}×, median of pairs)`, mark(at300.noopVsNodeStart <= 2)]);
    targets.push(['generate, 300 entities: no-op vs full (issue 5)', `${at300.noop.wallMs} ms vs ${at300.full.wallMs} ms (${pct(at300.noop.wallMs, at300.full.wallMs)})`, '(reported)']);
  }
  const last = lines.at(-1);
  if (last?.growthVsPrevious) {
    const g = last.growthVsPrevious;
    targets.push([`generate: growth no worse than linear (${lines.at(-2).entities} → ${last.entities})`, `time ×${g.timeRatio} for size ×${g.sizeRatio}`, mark(g.timeRatio <= g.sizeRatio)]);
  }
  return `### generate (CLI wall time, fresh process; ${lines[0]?.layout ?? 'default'} output)\n\n${table(rows)}`;
}

function runtimeWeight([r], targets) {
  const rows = [['side', 'minified KB', 'gzip KB', 'import ms (bundle)', 'import ms (node_modules)', 'largest parts (minified)']];
  for (const [key, label] of [['generated', 'generated'], ['official', '@instantdb/admin']]) {
    const m = r[key];
    const parts = Object.entries(m.byPackage ?? {}).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([p, b]) => `${p} ${round(b / 1024, 1)}`).join(', ');
    rows.push([label, round(m.bundleBytes / 1024, 1), round(m.gzipBytes / 1024, 1), m.bundleImportMs, m.externalImportMs, parts]);
  }
  const g = r.generated;
  const o = r.official;
  targets.push(['runtime-weight: bundle ≤ 1/3 of the SDK (gzip)', pct(g.gzipBytes, o.gzipBytes), mark(g.gzipBytes * 3 <= o.gzipBytes)]);
  targets.push(['runtime-weight: cold import ≤ 1/3 of the SDK (bundle / node_modules)', `${pct(g.bundleImportMs, o.bundleImportMs)} / ${pct(g.externalImportMs, o.externalImportMs)}`, mark(g.bundleImportMs * 3 <= o.bundleImportMs && g.externalImportMs * 3 <= o.externalImportMs)]);
  return `### runtime-weight (one query + one transaction, fixtures/todo; ${r.layout ?? 'default'} output; medians of ${r.runs} fresh processes)\n\n${table(rows)}`;
}

function requestOverhead([r], targets) {
  const rows = [['client', 'query CPU µs', 'query wall µs', 'transact CPU µs', 'transact wall µs', 'no network: CPU µs (query / transact)', 'same body']];
  for (const [name, m] of Object.entries(r.clients)) {
    rows.push([name, m.query.cpuUsPerRequest, m.query.wallUsPerRequest, m.transact.cpuUsPerRequest, m.transact.wallUsPerRequest, m.noNetwork ? `${m.noNetwork.queryCpuUs} / ${m.noNetwork.transactCpuUs}` : '', r.sameBodies?.[name] ? 'yes' : 'NO']);
  }
  const b = r.generatedVsBare;
  const s = r.generatedVsSdk;
  const pair = (x) => `${x.query} / ${x.transact}`;
  const within = (x, limit) => x.query <= limit && x.transact <= limit;
  // Before rounds were interleaved (bench/request-overhead.mjs), the default client was compared with bare fetch.
  const timeoutOff = r.generatedVsBareWithTimeout ? ', both without a timeout' : '';
  targets.push([`request-overhead: CPU within 10% of bare fetch (query / transact${timeoutOff})`, pair(b), mark(within(b, 1.1))]);
  if (r.generatedVsBareWithTimeout) {
    const t = r.generatedVsBareWithTimeout;
    targets.push(['request-overhead: default client (30 s timeout) within 10% of bare fetch with the same timeout', pair(t), mark(within(t, 1.1))]);
    targets.push(['request-overhead: default client ÷ bare fetch without a timeout', pair(r.defaultVsBare), '(reported)']);
  }
  targets.push(['request-overhead: CPU no more than the SDK (query / transact)', pair(s), mark(within(s, 1))]);
  return `### request-overhead (${r.queries} queries + ${r.transactions} transactions per client, sequential; client CPU per request)\n\n${table(rows)}`;
}

function server([head, ...datasets], targets) {
  const first = datasets[0];
  const last = datasets[datasets.length - 1];
  const workloads = Object.keys(last.workloads);
  const rows = [['workload', ...datasets.map((d) => `p50 ms @ ${d.entities.toLocaleString('en-US')}`), `p99 ms @ ${last.entities.toLocaleString('en-US')}`, '× HTTP floor', `growth ×${round(last.entities / first.entities, 0)} entities`]];
  for (const w of workloads) {
    rows.push([w, ...datasets.map((d) => d.workloads[w].p50ms), last.workloads[w].p99ms, x(last.workloads[w].p50ms, last.workloads.floor.p50ms), x(last.workloads[w].p50ms, first.workloads[w].p50ms)]);
  }
  const sizes = [['entities', 'load s', 'batch ms (first → last)', 'RSS at rest MB', 'unique lookups, 4 clients, req/s', 'raw SQLite seek ms']];
  for (const d of datasets) sizes.push([d.entities.toLocaleString('en-US'), d.loadSeconds, `${d.batchMs?.first} → ${d.batchMs?.last}`, d.rssMB.rest, d.uniqueFourClients.throughput, d.rawLookupP50ms]);
  const p = (w) => last.workloads[w].p50ms;
  const floor = p('floor');
  targets.push([`server @ ${last.entities}: unique lookup within 3× the HTTP floor, 1.5× its own latency @ ${first.entities}`, `${x(p('unique'), floor)} / ${x(p('unique'), first.workloads.unique.p50ms)}`, mark(p('unique') <= 3 * floor && p('unique') <= 1.5 * first.workloads.unique.p50ms)]);
  targets.push([`server @ ${last.entities}: range + order + limit 10 within 5× the floor`, x(p('range+order+limit'), floor), mark(p('range+order+limit') <= 5 * floor)]);
  targets.push([`server @ ${last.entities}: nested (5 goals + todos) within 10× the floor`, x(p('nested'), floor), mark(p('nested') <= 10 * floor)]);
  targets.push([`server @ ${last.entities}: ≥ 2,000 simple queries/s from 4 clients`, last.uniqueFourClients.throughput, mark(last.uniqueFourClients.throughput >= 2000)]);
  targets.push([`server @ ${last.entities}: RSS at rest under 300 MB`, `${last.rssMB.rest} MB`, mark(last.rssMB.rest < 300)]);
  targets.push([`server: load ${last.entities} entities in under 60 s`, `${last.loadSeconds} s`, mark(last.loadSeconds < 60)]);
  return `### server (fixtures/todo, loopback, one client per workload, ${head.requests} requests each)\n\n${table(rows)}\n\n${table(sizes)}`;
}

function live([r], targets) {
  const rows = [
    ['subscriptions', 'transactions (writers)', 'tx/s', 'commit → delivery p50 / p99 ms', 'send → delivery p50 / p99 ms', 'messages', 'final state'],
    [r.subscriptions, `${r.transactions} (${r.writers})`, r.txPerSecond, `${r.commitToDeliveryMs.p50} / ${r.commitToDeliveryMs.p99}`, `${r.sendToDeliveryMs.p50} / ${r.sendToDeliveryMs.p99}`, r.messages, r.finalStateMismatches ? `${r.finalStateMismatches} WRONG` : 'all right'],
  ];
  targets.push([`live: ${r.subscriptions} subscriptions all end on the final state`, `${r.subscriptions - r.finalStateMismatches}/${r.subscriptions}`, mark(!r.finalStateMismatches)]);
  const m = r.rssMB;
  return `### live (distinct subscriptions on one app, one goal updated per transaction, fixtures/todo, loopback)\n\n${table(rows)}\n\nServer RSS: ${m.before} MB before, ${m.open} MB with the subscriptions open, ${m.after} MB after the run, ${m.closed} MB once they are closed (GC each time).`;
}

const SECTIONS = { typecheck, 'call-sites': callSites, editor, generate, 'runtime-weight': runtimeWeight, 'request-overhead': requestOverhead, server, live };

export function renderReport() {
  const run = readResults('run')?.[0];
  const targets = [['target', 'measured', '']];
  const parts = [];
  for (const [name, render] of Object.entries(SECTIONS)) {
    const lines = readResults(name);
    if (lines?.length) parts.push(render(lines, targets));
  }
  const m = run?.machine;
  const head = m
    ? `Last run: ${run.finishedAt} (${run.args.join(' ') || 'all, default sizes'}), ${round(run.seconds / 60, 1)} min. Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGB} GB, Node ${m.node}, ${m.platform}; load average at start ${m.loadavg.join(' / ')}.`
    : '';
  return [head, '### Targets', table(targets), ...parts].filter(Boolean).join('\n\n');
}

export function writeReport() {
  const file = path.join(ROOT, 'bench', 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const [before, rest] = text.split(start);
  if (rest === undefined || !rest.includes(end)) throw new Error(`bench/README.md has no ${start} … ${end} section`);
  fs.writeFileSync(file, `${before}${start}\n${renderReport()}\n${end}${rest.split(end)[1]}`);
}
