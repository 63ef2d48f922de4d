// testing: what an isolated test app costs with instant-codegen/testing. 100 apps (--apps) are created in
// sequence, each used for one transaction and one query through the generated client, then closed (and
// again through instant.gen/testing, with a factory writing a goal and two todos); the
// first app (evaluating the schema, starting the server) is reported apart. For comparison, the same loop with a new
// in-memory server per app (startServer), which is what the kit spares each test.
//
//   npm run build && node bench/testing.mjs [--apps 100]
//
// Prints figures only; nothing asserts a time.
import { performance } from 'node:perf_hooks';
import * as c from './lib/common.mjs';

const opts = c.parseArgs(process.argv.slice(2), { apps: 100 });
const importStart = performance.now();
const { createTestApp, closeTestServer } = await import(`${c.ROOT}dist/testing/index.js`);
const importMs = performance.now() - importStart;
const { startServer } = await import(`${c.ROOT}dist/server/index.js`);
const { loadSchema } = await import(`${c.ROOT}dist/schema/loadSchema.js`);
const { createClient, id } = await import(`${c.ROOT}fixtures/todo/instant.gen/index.js`);
// The generated entry: the same kit, with the client, the schema and the factories bound.
const generated = await import(`${c.ROOT}fixtures/todo/instant.gen/testing.js`);
const schema = `${c.ROOT}fixtures/todo/instant.schema.ts`;

async function use(db) {
  await db.transact(db.todos.tx(id()).create({ title: 'bench', done: false, createdAt: new Date(0) }));
  const rows = await db.todos.query();
  if (rows.length !== 1) throw new Error(`expected one todo, got ${rows.length}`);
}

async function timed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Pushes createTestApp's own time to `creates`; returns the whole app's. */
const creates = [];
const kitApp = () => timed(async () => {
  let t;
  creates.push(await timed(async () => (t = await createTestApp({ schema, createClient }))));
  await use(t.db);
  await t.close();
});

/** The generated entry's app, used through a factory: a goal with two todos (one transaction), then a query. */
const factoryApp = () => timed(async () => {
  const t = await generated.createTestApp({ factory: { seed: 1 } });
  await t.factory.goals.create({}, { with: { todos: 2 } });
  if ((await t.db.todos.query()).length !== 2) throw new Error('expected two todos');
  await t.close();
});

let ir;
const serverPerApp = () => timed(async () => {
  const server = await startServer({ schema: ir, memory: true, log: () => undefined });
  await use(createClient({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url }));
  await server.close();
});

const stats = (ms) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { mean: ms.reduce((s, x) => s + x, 0) / ms.length, median: at(0.5), p95: at(0.95), max: sorted.at(-1) };
};
const fmt = (s) => `mean ${s.mean.toFixed(2)} ms, median ${s.median.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, max ${s.max.toFixed(2)} ms`;

const first = await kitApp();
const kit = [];
for (let n = 0; n < opts.apps; n++) kit.push(await kitApp());
const factories = [];
for (let n = 0; n < opts.apps; n++) factories.push(await factoryApp());
await closeTestServer();
ir = (await loadSchema(schema)).ir;
await serverPerApp(); // warm-up
const fresh = [];
for (let n = 0; n < opts.apps; n++) fresh.push(await serverPerApp());

console.log(`testing: ${opts.apps} test apps in sequence (create, one transact, one query, close), node ${process.version}`);
console.log(`  importing the kit (ts-morph, the schema loader, the server): ${importMs.toFixed(0)} ms`);
console.log(`  first app (evaluates the schema, starts the shared server): ${first.toFixed(1)} ms`);
console.log(`  createTestApp, per app:        ${fmt(stats(kit))}; ${kit.reduce((s, x) => s + x, 0).toFixed(0)} ms in all`);
console.log(`  of which createTestApp itself:  ${fmt(stats(creates.slice(1)))}`);
console.log(`  instant.gen/testing + t.factory (goal with 2 todos, query), per app: ${fmt(stats(factories))}`);
console.log(`  a new server per app, per app: ${fmt(stats(fresh))}; ${fresh.reduce((s, x) => s + x, 0).toFixed(0)} ms in all`);
