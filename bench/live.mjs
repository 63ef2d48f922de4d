// live: live queries (POST /admin/subscribe-query) on the local server (dist/server, in memory, its own
// process), fixtures/todo.
//
//   node bench/live.mjs [--subscriptions 200] [--transactions 1000] [--writers 4] [--quick]
//
// One app with `--subscriptions` goals, each watched by its own subscription (`goals where priority = k`,
// all distinct queries, so every write to goals recomputes all of them), then `--transactions` updates
// of one goal each (goal i % N gets title `v<i>`), sent by `--writers` concurrent clients. Each update
// is delivered to one subscription; latency is measured per update, in the client, from the moment its
// transaction is acknowledged (`tx-id` received: committed) to the moment the subscription receives a
// result showing it, and, as an upper bound, from the moment the request was sent. At the end every
// subscription must hold the same result as a fresh /admin/query. Server RSS is reported before the
// subscriptions, with them open, after the run and after they are closed (each after a full GC).
import path from 'node:path';
import * as c from './lib/common.mjs';
import { startServerProcess } from './lib/server.mjs';

const opts = c.parseArgs(process.argv.slice(2), { subscriptions: 200, transactions: 1000, writers: 4, quick: false });
if (opts.quick) Object.assign(opts, { subscriptions: 50, transactions: 200 });
const N = Number(opts.subscriptions);
const TX = Number(opts.transactions);
const MB = (bytes) => c.round(bytes / 2 ** 20, 1);

/** One raw SSE subscription: the last result, and a callback per message. */
async function subscribe(server, query, onResult) {
  const controller = new AbortController();
  const res = await fetch(`${server.url}/admin/subscribe-query`, {
    method: 'POST',
    headers: server.headers,
    body: JSON.stringify({ query, 'inference?': true }),
    signal: controller.signal,
  });
  if (res.status !== 200) throw new Error(`subscribe ${res.status}: ${await res.text()}`);
  const sub = { last: undefined, messages: 0, close: () => controller.abort() };
  let ready;
  const first = new Promise((resolve) => (ready = resolve));
  (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!event.startsWith('data: ')) continue;
        const msg = JSON.parse(event.slice(6));
        const result = msg.op === 'add-query-ok' ? msg.result : msg.op === 'refresh-ok' ? msg.computations[0]['instaql-result'] : undefined;
        if (msg.op === 'error') throw new Error(`subscription error: ${msg.message}`);
        if (!result) continue;
        sub.last = result;
        sub.messages++;
        onResult(result, performance.now());
        ready();
      }
    }
  })().catch((e) => {
    if (e.name !== 'AbortError') console.error(e);
  });
  await first;
  return sub;
}

const server = await startServerProcess(path.join(c.ROOT, 'fixtures/todo/instant.schema.ts'));
try {
  const goalIds = Array.from({ length: N }, () => crypto.randomUUID());
  for (let k0 = 0; k0 < N; k0 += 200) {
    const steps = goalIds.slice(k0, k0 + 200).map((g, j) => ['update', 'goals', g, { title: 'v-1', priority: k0 + j, done: false }]);
    await server.post('/admin/transact', { steps, 'throw-on-missing-attrs?': true });
  }
  const rssBefore = await server.rss(true);

  // Per update i: when it was sent, acknowledged and delivered.
  const sent = new Float64Array(TX);
  const acked = new Float64Array(TX);
  const delivered = new Float64Array(TX).fill(NaN);
  const subs = [];
  for (let k = 0; k < N; k++) {
    subs.push(
      await subscribe(server, { goals: { $: { where: { priority: k } } } }, (result, at) => {
        const title = result.goals[0]?.title;
        const i = Number(title?.slice(1));
        // A result shows every update of this goal up to i: the ones not seen yet are delivered now.
        for (let j = i; j >= 0 && Number.isNaN(delivered[j]); j -= N) delivered[j] = at;
      }),
    );
  }
  const rssOpen = await server.rss(true);

  const started = performance.now();
  let next = 0;
  const writer = async () => {
    while (next < TX) {
      const i = next++;
      sent[i] = performance.now();
      await server.post('/admin/transact', { steps: [['update', 'goals', goalIds[i % N], { title: `v${i}` }]], 'throw-on-missing-attrs?': true });
      acked[i] = performance.now();
    }
  };
  await Promise.all(Array.from({ length: Number(opts.writers) }, writer));
  const writeSeconds = (performance.now() - started) / 1000;
  // Wait (no clock) until every update has been delivered.
  while (delivered.some(Number.isNaN)) await new Promise((resolve) => setTimeout(resolve, 20));
  const deliverSeconds = (performance.now() - started) / 1000;
  const rssAfter = await server.rss(true);

  let mismatches = 0;
  for (let k = 0; k < N; k++) {
    const fresh = await server.post('/admin/query', { query: { goals: { $: { where: { priority: k } } } }, 'inference?': true });
    if (JSON.stringify(fresh) !== JSON.stringify(subs[k].last)) mismatches++;
  }
  const messages = subs.reduce((n, s) => n + s.messages, 0);
  for (const s of subs) s.close();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rssClosed = await server.rss(true);

  const fromAck = Array.from(delivered, (d, i) => Math.max(0, d - acked[i]));
  const fromSend = Array.from(delivered, (d, i) => d - sent[i]);
  const line = {
    subscriptions: N,
    transactions: TX,
    writers: Number(opts.writers),
    finalStateMismatches: mismatches,
    messages,
    writeSeconds: c.round(writeSeconds, 2),
    deliverSeconds: c.round(deliverSeconds, 2),
    txPerSecond: c.round(TX / writeSeconds, 0),
    commitToDeliveryMs: { p50: c.round(c.percentile(fromAck, 50), 2), p99: c.round(c.percentile(fromAck, 99), 2), max: c.round(Math.max(...fromAck), 2) },
    sendToDeliveryMs: { p50: c.round(c.percentile(fromSend, 50), 2), p99: c.round(c.percentile(fromSend, 99), 2) },
    rssMB: { before: MB(rssBefore), open: MB(rssOpen), after: MB(rssAfter), closed: MB(rssClosed) },
  };
  console.log(JSON.stringify(line, null, 2));
  if (mismatches) console.error(`${mismatches} subscription(s) did not end on the final state`);
  c.writeResults('live', [line]);
  process.exitCode = mismatches ? 1 : 0;
} finally {
  await server.close();
}
