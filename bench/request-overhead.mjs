// request-overhead: client-side CPU per request against the local server (another process), for the same
// query and transaction sent through the generated client, through @instantdb/admin, and through bare fetch.
//
//   node bench/request-overhead.mjs [--queries 10000] [--transactions 10000] [--rounds 20] [--quick]
//
// Requests are sequential (one in flight). CPU is process.cpuUsage() of this process only: building and
// validating the request, fetch (undici), and parsing the answer. Each client runs in --rounds short rounds
// (order rotated) after a warm-up; per-request figures are totals over the rounds, ratios are medians of the
// per-round ratios (clients compared within a round, where they ran back to back). "bare fetch" sends the same JSON bodies
// (JSON.stringify of the same objects) with the same headers and parses the answer with res.json().
// The same loops then run with fetch stubbed (a canned Response, no network): the clients' own CPU.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import * as c from './lib/common.mjs';
import { startServerProcess } from './lib/server.mjs';

const opts = c.parseArgs(process.argv.slice(2), { queries: 10_000, transactions: 10_000, rounds: 20, quick: false });
if (opts.quick) Object.assign(opts, { queries: 1000, transactions: 1000 });
const dir = c.mkdirp(path.join(c.WORK, 'requests'));
const schemaFile = path.join(dir, 'instant.schema.ts');
fs.copyFileSync(path.join(c.ROOT, 'fixtures/todo/instant.schema.ts'), schemaFile);
const { layout } = c.generateClient(schemaFile, path.join(dir, 'gen')); // the tool's default output
// The generated client (TypeScript) and the schema module compiled to JS; packages stay in node_modules.
fs.writeFileSync(path.join(dir, 'clients.ts'), "export { createClient } from './gen/index.js';\nexport { default as schema } from './instant.schema.js';\n");
await build({ entryPoints: [path.join(dir, 'clients.ts')], bundle: true, packages: 'external', platform: 'node', format: 'esm', outfile: path.join(dir, 'clients.mjs'), logLevel: 'error' });
const { createClient, schema } = await import(path.join(dir, 'clients.mjs'));
const { init } = await import('@instantdb/admin');

const server = await startServerProcess(schemaFile);
const config = { appId: server.appId, adminToken: server.adminToken, apiURI: server.url };
const generated = createClient(config);

// A small dataset: 20 goals with 3 todos each.
const goals = Array.from({ length: 20 }, () => crypto.randomUUID());
const todos = Array.from({ length: 60 }, () => crypto.randomUUID());
await generated.transact([
  ...goals.map((g, k) => generated.goals.tx(g).update({ title: `goal ${k}`, priority: k % 5, done: k % 2 === 0 })),
  ...todos.map((t, k) => generated.todos.tx(t).update({ title: `todo ${k}`, done: false, createdAt: 1_700_000_000_000 + k })),
  ...goals.map((g, k) => generated.goals.tx(g).link({ todos: todos.slice(3 * k, 3 * k + 3) })),
]);

const query = { goals: { $: { where: { done: true }, limit: 10 }, todos: {} } };
// A todo has one goal (re-linking it elsewhere is an error): each transaction re-links a todo to its own goal.
const txArgs = (k) => ({ goal: goals[Math.floor((k % todos.length) / 3)], todo: todos[k % todos.length], priority: k % 100 });
const bareSteps = ({ goal, todo, priority }) => [
  ['update', 'goals', goal, { priority }],
  ['link', 'goals', goal, { todos: todo }],
];

/** The four ways to send the query and the transaction; `fetchImpl` is what they send with. */
function makeClients(fetchImpl) {
  const bare = async (endpoint, body, timeoutMs) => {
    const signal = timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined;
    const res = await fetchImpl(`${server.url}${endpoint}?app_id=${server.appId}`, { method: 'POST', headers: server.headers, body: JSON.stringify(body), signal });
    if (res.status !== 200) throw new Error(`${endpoint}: ${res.status}`);
    return res.json();
  };
  const typed = (db) => ({
    query: () => db.goals.query(query.goals),
    transact: (k) => {
      const { goal, todo, priority } = txArgs(k);
      return db.transact(db.goals.tx(goal).update({ priority }).link({ todos: todo }));
    },
  });
  const sdk = init({ ...config, schema }); // @instantdb/admin always uses the global fetch
  return {
    'bare fetch': {
      query: () => bare('/admin/query', { query, 'inference?': true }),
      transact: (k) => bare('/admin/transact', { steps: bareSteps(txArgs(k)), 'throw-on-missing-attrs?': true }),
    },
    'bare fetch, 30 s timeout': {
      query: () => bare('/admin/query', { query, 'inference?': true }, 30_000),
      transact: (k) => bare('/admin/transact', { steps: bareSteps(txArgs(k)), 'throw-on-missing-attrs?': true }, 30_000),
    },
    generated: typed(createClient({ ...config, fetch: fetchImpl })),
    'generated, timeoutMs: 0': typed(createClient({ ...config, fetch: fetchImpl, timeoutMs: 0 })),
    'generated, validate: false': typed(createClient({ ...config, fetch: fetchImpl, validate: false })),
    '@instantdb/admin': {
      query: () => sdk.query(query),
      transact: (k) => {
        const { goal, todo, priority } = txArgs(k);
        return sdk.transact(sdk.tx.goals[goal].update({ priority }).link({ todos: todo }));
      },
    },
  };
}

// The four really send the same bodies: record one query and one transaction from each.
const realFetch = globalThis.fetch;
const sent = {};
let current;
const recorder = async (url, init) => {
  sent[current].push(JSON.parse(init.body));
  return new Response(String(url).includes('/admin/query') ? '{"goals":[]}' : '{"tx-id":1}', { status: 200, headers: { 'content-type': 'application/json' } });
};
globalThis.fetch = recorder;
const recording = makeClients(recorder);
for (const name of Object.keys(recording)) {
  current = name;
  sent[name] = [];
  await recording[name].query();
  await recording[name].transact(7);
}
globalThis.fetch = realFetch;
const reference = JSON.stringify(sent['bare fetch']);
const sameBodies = Object.fromEntries(Object.entries(sent).map(([name, bodies]) => [name, JSON.stringify(bodies) === reference]));
for (const [name, same] of Object.entries(sameBodies)) if (!same) console.log(`WARNING: ${name} sends different bodies:\n  ${JSON.stringify(sent[name])}\n  vs ${reference}`);
const CLIENTS = makeClients(realFetch);

async function measure(fn, count) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (let k = 0; k < count; k++) await fn(k);
  const used = process.cpuUsage(cpu);
  return { cpuUs: used.user + used.system, wallMs: performance.now() - t, count };
}

/**
 * Each client, each operation: warm-up, then `opts.rounds` short rounds, every client once per round in a
 * rotated order. A busy machine drifts over seconds (other processes, GC, CPU frequency), so the ratio of two
 * clients is taken within each round, where they ran back to back, and the median of those is reported.
 */
async function runAll(clients) {
  const names = Object.keys(clients);
  const totals = {};
  const rounds = {};
  for (const op of ['query', 'transact']) {
    const count = op === 'query' ? opts.queries : opts.transactions;
    const perRound = Math.max(1, Math.ceil(count / opts.rounds));
    for (const fn of Object.values(clients)) for (let k = 0; k < Math.min(500, count); k++) await fn[op](k); // warm-up
    for (let round = 0; round < opts.rounds; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length]);
      for (const name of round % 2 ? order.reverse() : order) {
        const r = await measure(clients[name][op], perRound);
        const t = ((totals[name] ??= {})[op] ??= { cpuUs: 0, wallMs: 0, count: 0 });
        t.cpuUs += r.cpuUs;
        t.wallMs += r.wallMs;
        t.count += r.count;
        (((rounds[name] ??= {})[op] ??= [])[round] = r.cpuUs / r.count);
      }
    }
  }
  return { totals, rounds };
}

/** Median over rounds of `name`'s CPU per request ÷ `base`'s in the same round. */
const roundRatio = (rounds, name, base, op) =>
  c.round(c.median(rounds[name][op].map((cpu, round) => cpu / rounds[base][op][round])), 3);

const { totals, rounds } = await runAll(CLIENTS);
// The clients' own work, without the network: fetch answers at once with a canned Response.
const stub = async (url) => new Response(String(url).includes('/admin/query') ? '{"goals":[]}' : '{"tx-id":1}', { status: 200, headers: { 'content-type': 'application/json' } });
globalThis.fetch = stub;
const { totals: stubbed } = await runAll(makeClients(stub));
globalThis.fetch = realFetch;
await server.close();

const result = { layout, queries: opts.queries, transactions: opts.transactions, sameBodies, clients: {} };
const rows = [['client', 'query CPU µs/req', 'query wall µs/req', 'tx CPU µs/req', 'tx wall µs/req', 'CPU vs bare (q / tx)', 'CPU vs SDK (q / tx)', 'no network: CPU µs (q / tx)']];
const per = (t, key) => c.round((key === 'cpuUs' ? t.cpuUs : t.wallMs * 1000) / t.count, 1);
for (const [name, t] of Object.entries(totals)) {
  result.clients[name] = {
    query: { cpuUsPerRequest: per(t.query, 'cpuUs'), wallUsPerRequest: per(t.query, 'wall') },
    transact: { cpuUsPerRequest: per(t.transact, 'cpuUs'), wallUsPerRequest: per(t.transact, 'wall') },
    noNetwork: { queryCpuUs: per(stubbed[name].query, 'cpuUs'), transactCpuUs: per(stubbed[name].transact, 'cpuUs') },
  };
}
const cl = result.clients;
const vs = (name, base) => `${roundRatio(rounds, name, base, 'query')} / ${roundRatio(rounds, name, base, 'transact')}`;
for (const name of Object.keys(cl)) rows.push([name, cl[name].query.cpuUsPerRequest, cl[name].query.wallUsPerRequest, cl[name].transact.cpuUsPerRequest, cl[name].transact.wallUsPerRequest, vs(name, 'bare fetch'), vs(name, '@instantdb/admin'), `${cl[name].noNetwork.queryCpuUs} / ${cl[name].noNetwork.transactCpuUs}`]);
console.log(`\nrequest-overhead: ${opts.queries} queries and ${opts.transactions} transactions per client, sequential, server in another process\n`);
c.printTable(rows);
const ratios = (name, base) => ({ query: roundRatio(rounds, name, base, 'query'), transact: roundRatio(rounds, name, base, 'transact') });
result.rounds = opts.rounds;
// A timeout costs a signal per request, which Node 20's fetch makes expensive: the default client is compared
// with bare fetch sending the same timeout, and the client without a timeout with bare fetch without one.
result.generatedVsBare = ratios('generated, timeoutMs: 0', 'bare fetch');
result.generatedVsBareWithTimeout = ratios('generated', 'bare fetch, 30 s timeout');
result.defaultVsBare = ratios('generated', 'bare fetch');
result.generatedVsSdk = ratios('generated, timeoutMs: 0', '@instantdb/admin');
const pair = (r) => `query ${r.query}, transact ${r.transact}`;
console.log(`\nCPU, medians of ${opts.rounds} per-round ratios (target ≤ 1.10 against bare fetch, ≤ 1.00 against the SDK):`);
console.log(`  generated, timeoutMs: 0 ÷ bare fetch: ${pair(result.generatedVsBare)}; ÷ @instantdb/admin (no timeout either): ${pair(result.generatedVsSdk)}`);
console.log(`  generated (30 s timeout) ÷ bare fetch with a 30 s timeout: ${pair(result.generatedVsBareWithTimeout)}; ÷ bare fetch without: ${pair(result.defaultVsBare)}`);
c.writeResults('request-overhead', [result]);
