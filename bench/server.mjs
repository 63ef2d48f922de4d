// server: the local server (dist/server, in memory, its own process) on datasets of growing size
// (fixtures/todo: goals with 9 todos each), against two floors measured in the same run.
//
//   node bench/server.mjs [--datasets 1000,10000,100000] [--requests 300] [--seconds 3] [--quick]
//
// For each dataset: the load through /admin/transact (batches of ~500 steps), the server's RSS at rest,
// then one client at a time sending each workload `--requests` times (after a warm-up): a unique lookup,
// an indexed equality (limit 10), a range with order and limit 10, a `$like 'prefix%'` (limit 10), a link
// path condition, a nested query (5 goals with their todos) and a one-step transaction; and 4 concurrent
// clients sending unique lookups for `--seconds`.
// Floors: the same server answering GET /health/system (HTTP, routing, JSON, no data work), and
// better-sqlite3 doing the unique lookup's index seek in this process on a database of the same layout
// and size. Ratios are p50 against the HTTP floor's p50, and growth is p50 at the largest dataset against
// p50 at the smallest.
import path from 'node:path';
import fs from 'node:fs';
import * as c from './lib/common.mjs';
import { startServerProcess } from './lib/server.mjs';

const opts = c.parseArgs(process.argv.slice(2), { datasets: [1000, 10_000, 100_000], requests: 300, seconds: 3, quick: false });
if (opts.quick) Object.assign(opts, { datasets: [1000, 10_000], requests: 100, seconds: 1 });
const datasets = c.list(opts.datasets);
const dir = c.mkdirp(path.join(c.WORK, 'server'));
const schemaFile = path.join(dir, 'instant.schema.ts');
fs.copyFileSync(path.join(c.ROOT, 'fixtures/todo/instant.schema.ts'), schemaFile);
const MB = (bytes) => c.round(bytes / 2 ** 20, 1);
const rand = (n) => Math.floor(Math.random() * n);
const T0 = 1_700_000_000_000;

const WORKLOADS = {
  floor: (d) => ['GET', '/health/system'],
  unique: (d) => query({ todos: { $: { where: { title: `todo ${rand(d.todos)}` } } } }),
  equality: (d) => query({ goals: { $: { where: { priority: rand(100) }, limit: 10 } } }),
  'range+order+limit': (d) => query({ todos: { $: { where: { createdAt: { $gt: T0 + rand(d.todos) } }, order: { createdAt: 'asc' }, limit: 10 } } }),
  'like prefix': (d) => query({ todos: { $: { where: { title: { $like: `todo ${rand(d.todos)}%` } }, limit: 10 } } }),
  'link path': (d) => query({ todos: { $: { where: { 'goal.title': `goal ${rand(d.goals)}` } } } }),
  nested: (d) => query({ goals: { $: { where: { priority: rand(100) }, limit: 5 }, todos: {} } }),
  transact: (d) => ['POST', '/admin/transact', { steps: [['update', 'todos', d.todoIds[rand(d.todoIds.length)], { position: rand(1000) }]], 'throw-on-missing-attrs?': true }],
};

function query(q) {
  return ['POST', '/admin/query', { query: q, 'inference?': true }];
}

/** G goals with 9 todos each, 45 goals (495 steps) per transaction. */
async function seed(server, entities) {
  const goalCount = Math.ceil(entities / 10);
  const todoIds = [];
  const batchMs = [];
  const start = performance.now();
  for (let g0 = 0; g0 < goalCount; g0 += 45) {
    const steps = [];
    for (let g = g0; g < Math.min(goalCount, g0 + 45); g++) {
      const goal = crypto.randomUUID();
      const mine = Array.from({ length: 9 }, () => crypto.randomUUID());
      todoIds.push(...mine);
      steps.push(['update', 'goals', goal, { title: `goal ${g}`, priority: g % 100, done: g % 3 === 0 }]);
      mine.forEach((t, k) => steps.push(['update', 'todos', t, { title: `todo ${9 * g + k}`, done: k % 2 === 0, createdAt: T0 + 9 * g + k, position: k }]));
      steps.push(['link', 'goals', goal, { todos: mine }]);
    }
    const t = performance.now();
    await server.post('/admin/transact', { steps, 'throw-on-missing-attrs?': true });
    batchMs.push(performance.now() - t);
  }
  // Linear loading: the last batches cost what the first ones did (means of a tenth of the batches each).
  const tenth = Math.max(1, Math.floor(batchMs.length / 10));
  const mean = (xs) => c.round(xs.reduce((a, b) => a + b, 0) / xs.length, 1);
  return { goals: goalCount, todos: todoIds.length, todoIds, loadSeconds: (performance.now() - start) / 1000, batchMs: { first: mean(batchMs.slice(0, tenth)), last: mean(batchMs.slice(-tenth)) } };
}

async function send(server, [method, endpoint, body]) {
  const res = await fetch(`${server.url}${endpoint}?app_id=${server.appId}`, { method, headers: server.headers, body: body && JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

/** `count` requests one after the other; latencies in ms. */
async function sequential(server, data, workload, count) {
  const latencies = [];
  let errors = 0;
  for (let k = 0; k < count; k++) {
    const request = WORKLOADS[workload](data);
    const t = performance.now();
    if ((await send(server, request)) !== 200) errors++;
    latencies.push(performance.now() - t);
  }
  return { latencies, errors };
}

/** `clients` loops for `ms`; requests per second. */
async function concurrent(server, data, workload, clients, ms) {
  let done = 0;
  let errors = 0;
  const deadline = performance.now() + ms;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        if ((await send(server, WORKLOADS[workload](data))) !== 200) errors++;
        done++;
      }
    }),
  );
  return { throughput: done / ((performance.now() - start) / 1000), errors };
}

/** The unique lookup as better-sqlite3 does it in-process: one seek on triples_by_attr_value. */
async function rawLookupFloor(entities, count) {
  const { openDatabase } = await import(path.join(c.ROOT, 'dist/server/storage/db.js'));
  const db = openDatabase({});
  db.prepare("INSERT INTO apps (id, admin_token_hash, created_at) VALUES ('app', '', 0)").run();
  const app = db.prepare("SELECT key FROM apps WHERE id = 'app'").pluck().get();
  const attrKey = (name) => db.prepare('INSERT INTO attr_keys (app, attr_id) VALUES (?, ?)').run(app, name).lastInsertRowid;
  const [title, done, createdAt, position, id] = ['title', 'done', 'createdAt', 'position', 'id'].map(attrKey);
  const insert = db.prepare('INSERT INTO triples (app, entity_id, attr, value, created_at, sort_value) VALUES (?, ?, ?, ?, ?, ?)');
  const todos = Math.ceil(entities / 10) * 9;
  db.transaction(() => {
    for (let k = 0; k < todos; k++) {
      const e = crypto.randomUUID();
      insert.run(app, e, id, JSON.stringify(e), T0, T0);
      insert.run(app, e, title, JSON.stringify(`todo ${k}`), T0, `todo ${k}`);
      insert.run(app, e, done, String(k % 2 === 0), T0, k % 2);
      insert.run(app, e, createdAt, String(T0 + k), T0, T0 + k);
      insert.run(app, e, position, String(k % 9), T0, k % 9);
    }
  })();
  const seek = db.prepare('SELECT entity_id FROM triples INDEXED BY triples_by_attr_value WHERE app = ? AND attr = ? AND value = ?');
  const latencies = [];
  for (let k = 0; k < count * 10; k++) {
    const value = JSON.stringify(`todo ${rand(todos)}`);
    const t = performance.now();
    if (!seek.get(app, title, value)) throw new Error('raw lookup found nothing');
    latencies.push(performance.now() - t);
  }
  db.close();
  return latencies;
}

const results = [];
for (const entities of datasets) {
  const server = await startServerProcess(schemaFile);
  try {
    const rssEmpty = await server.rss(true);
    const data = await seed(server, entities);
    const rssRest = await server.rss(true);
    const line = { entities: data.goals + data.todos, loadSeconds: c.round(data.loadSeconds, 2), batchMs: data.batchMs, rssMB: { empty: MB(rssEmpty), rest: MB(rssRest) }, workloads: {} };
    console.log(`\n${line.entities} entities: loaded in ${line.loadSeconds} s (batches ${data.batchMs.first} ms first, ${data.batchMs.last} ms last); server RSS ${line.rssMB.empty} MB empty, ${line.rssMB.rest} MB at rest`);
    for (const workload of Object.keys(WORKLOADS)) {
      await sequential(server, data, workload, Math.min(30, opts.requests)); // warm-up
      const r = await sequential(server, data, workload, opts.requests);
      line.workloads[workload] = { p50ms: c.round(c.percentile(r.latencies, 50), 3), p99ms: c.round(c.percentile(r.latencies, 99), 3), errors: r.errors };
      console.log(`  ${workload.padEnd(18)} p50 ${line.workloads[workload].p50ms} ms, p99 ${line.workloads[workload].p99ms} ms${r.errors ? `, ${r.errors} ERRORS` : ''}`);
    }
    const conc = await concurrent(server, data, 'unique', 4, opts.seconds * 1000);
    line.uniqueFourClients = { throughput: c.round(conc.throughput, 0), errors: conc.errors };
    line.rssMB.afterLoad = MB(await server.rss(true));
    line.rawLookupP50ms = c.round(c.percentile(await rawLookupFloor(entities, opts.requests), 50), 4);
    console.log(`  unique × 4 clients  ${line.uniqueFourClients.throughput} req/s; raw better-sqlite3 seek p50 ${line.rawLookupP50ms} ms`);
    results.push(line);
  } finally {
    await server.close();
  }
}

const first = results[0];
const last = results[results.length - 1];
const rows = [['workload', ...results.map((r) => `p50 ms @ ${r.entities}`), `× floor @ ${last.entities}`, `growth ${first.entities} → ${last.entities}`]];
for (const workload of Object.keys(WORKLOADS)) {
  const floor = last.workloads.floor.p50ms;
  rows.push([workload, ...results.map((r) => r.workloads[workload].p50ms), c.round(last.workloads[workload].p50ms / floor, 2), c.round(last.workloads[workload].p50ms / first.workloads[workload].p50ms, 2)]);
}
console.log('\n');
c.printTable(rows);
for (const r of results) console.log(`${r.entities} entities: load ${r.loadSeconds} s, RSS at rest ${r.rssMB.rest} MB, unique × 4 clients ${r.uniqueFourClients.throughput} req/s, raw seek ${r.rawLookupP50ms} ms`);
c.writeResults('server', [{ datasets, requests: opts.requests, seconds: opts.seconds }, ...results]);
