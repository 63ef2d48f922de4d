// server: throughput and latency of the local server (dist/server, in memory, its own process) on a
// 10,000-entity dataset (fixtures/todo: goals with 9 todos each), with 1, 4 and 16 concurrent clients.
//
//   node bench/server.mjs [--dataset 10000] [--concurrency 1,4,16] [--seconds 3] [--max-requests 50000] [--quick]
//
// Workloads: "simple" (a todo by its unique title), "nested" (5 goals of a priority, with their todos),
// "transact" (update one todo). Each cell runs for --seconds or --max-requests, whichever comes first,
// after a short warm-up. Clients are async loops in this process sending bare fetch requests over
// loopback with keep-alive (client and server share the machine's cores). RSS is the server process's:
// at rest (after a GC) and the peak sampled every 100 ms under load.
import path from 'node:path';
import fs from 'node:fs';
import * as c from './lib/common.mjs';
import { startServerProcess } from './lib/server.mjs';

const opts = c.parseArgs(process.argv.slice(2), { dataset: 10_000, concurrency: [1, 4, 16], seconds: 3, maxRequests: 50_000, quick: false });
if (opts.quick) Object.assign(opts, { seconds: 1, maxRequests: 5000 });
const dir = c.mkdirp(path.join(c.WORK, 'server'));
const schemaFile = path.join(dir, 'instant.schema.ts');
fs.copyFileSync(path.join(c.ROOT, 'fixtures/todo/instant.schema.ts'), schemaFile);
const server = await startServerProcess(schemaFile);
const MB = (bytes) => c.round(bytes / 2 ** 20, 1);

try {
  const rssEmpty = await server.rss(true);
  // The dataset: G goals with 9 todos each (10 entities per goal), 25 goals per transaction.
  const goalCount = Math.ceil(opts.dataset / 10);
  const goals = Array.from({ length: goalCount }, () => crypto.randomUUID());
  const todos = Array.from({ length: goalCount * 9 }, () => crypto.randomUUID());
  const seedStart = performance.now();
  for (let g0 = 0; g0 < goalCount; g0 += 25) {
    const steps = [];
    for (let g = g0; g < Math.min(goalCount, g0 + 25); g++) {
      steps.push(['update', 'goals', goals[g], { title: `goal ${g}`, priority: g % 100, done: g % 3 === 0 }]);
      const mine = todos.slice(9 * g, 9 * g + 9);
      mine.forEach((t, k) => steps.push(['update', 'todos', t, { title: `todo ${9 * g + k}`, done: k % 2 === 0, createdAt: 1_700_000_000_000 + 9 * g + k, position: k }]));
      steps.push(['link', 'goals', goals[g], { todos: mine }]);
    }
    await server.post('/admin/transact', { steps, 'throw-on-missing-attrs?': true });
  }
  const seedSeconds = c.round((performance.now() - seedStart) / 1000, 2);
  const check = await server.post('/admin/query', { query: { goals: { $: { where: { priority: 7 }, limit: 5 }, todos: {} } }, 'inference?': true });
  if (check.goals?.length !== Math.min(5, Math.ceil(goalCount / 100)) || check.goals[0].todos.length !== 9) throw new Error(`unexpected dataset: ${JSON.stringify(check).slice(0, 300)}`);
  const rssRest = await server.rss(true);
  console.log(`seeded ${goalCount} goals + ${todos.length} todos in ${seedSeconds} s; server RSS ${MB(rssEmpty)} MB empty, ${MB(rssRest)} MB at rest with the dataset`);

  const rand = (n) => Math.floor(Math.random() * n);
  const WORKLOADS = {
    simple: () => ['/admin/query', { query: { todos: { $: { where: { title: `todo ${rand(todos.length)}` } } } }, 'inference?': true }],
    nested: () => ['/admin/query', { query: { goals: { $: { where: { priority: rand(100) }, limit: 5 }, todos: {} } }, 'inference?': true }],
    transact: () => ['/admin/transact', { steps: [['update', 'todos', todos[rand(todos.length)], { position: rand(1000), done: rand(2) === 1 }]], 'throw-on-missing-attrs?': true }],
  };

  async function load(workload, concurrency, ms, max) {
    const latencies = [];
    let errors = 0;
    let issued = 0;
    const deadline = performance.now() + ms;
    const client = async () => {
      while (issued < max && performance.now() < deadline) {
        issued++;
        const [endpoint, body] = WORKLOADS[workload]();
        const t = performance.now();
        const res = await fetch(`${server.url}${endpoint}?app_id=${server.appId}`, { method: 'POST', headers: server.headers, body: JSON.stringify(body) });
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
        if (res.status !== 200) errors++;
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: concurrency }, client));
    return { latencies, errors, seconds: (performance.now() - start) / 1000 };
  }

  const cells = [];
  let rssPeak = rssRest;
  for (const workload of Object.keys(WORKLOADS)) {
    for (const concurrency of c.list(opts.concurrency)) {
      await load(workload, concurrency, 300, 200); // warm-up
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          rssPeak = Math.max(rssPeak, await server.rss());
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const r = await load(workload, concurrency, opts.seconds * 1000, opts.maxRequests);
      sampling = false;
      await sampler;
      const cell = {
        workload,
        concurrency,
        requests: r.latencies.length,
        errors: r.errors,
        seconds: c.round(r.seconds, 2),
        throughput: c.round(r.latencies.length / r.seconds, 0),
        p50ms: c.round(c.percentile(r.latencies, 50), 2),
        p99ms: c.round(c.percentile(r.latencies, 99), 2),
      };
      cells.push(cell);
      console.log(`${workload.padEnd(8)} × ${String(concurrency).padStart(2)}: ${cell.throughput} req/s, p50 ${cell.p50ms} ms, p99 ${cell.p99ms} ms (${cell.requests} requests${cell.errors ? `, ${cell.errors} ERRORS` : ''})`);
    }
  }
  const rssAfter = await server.rss(true);

  console.log(`\nserver: ${goalCount + todos.length} entities (fixtures/todo), loopback, bare fetch clients in one process\n`);
  c.printTable([['workload', 'clients', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'errors'], ...cells.map((x) => [x.workload, x.concurrency, x.throughput, x.p50ms, x.p99ms, x.requests, x.errors])]);
  console.log(`\nserver RSS: ${MB(rssEmpty)} MB empty, ${MB(rssRest)} MB at rest with the dataset, ${MB(rssPeak)} MB peak under load, ${MB(rssAfter)} MB after (GC)`);
  c.writeResults('server', [
    { entities: goalCount + todos.length, seedSeconds, rssMB: { empty: MB(rssEmpty), rest: MB(rssRest), peakUnderLoad: MB(rssPeak), afterLoad: MB(rssAfter) }, seconds: opts.seconds, maxRequests: opts.maxRequests },
    ...cells,
  ]);
} finally {
  await server.close();
}
