// backup: restoring a 100,000-entity Instant backup (10,000 goals with 9 todos each, linked) into the local
// server on a data file, against the raw bulk-load floor (the same triples inserted with one prepared
// better-sqlite3 statement, 2,000 entities a transaction, no zip, JSON or checks).
//
//   npm run build && node bench/backup.mjs [--entities 100000]
//
// Prints the import time, the process's peak RSS during the import above its RSS before it (sampled every
// 20 ms), and the export time of the same data back to a zip.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import yazl from 'yazl';
import * as c from './lib/common.mjs';

const opts = c.parseArgs(process.argv.slice(2), { entities: 100_000 });
const dir = c.mkdirp(path.join(c.WORK, 'backup'));
const MB = (b) => c.round(b / 2 ** 20, 1);
const T0 = 1_700_000_000_000;
const goals = Math.ceil(opts.entities / 10);
const uuid = (k, kind) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${k.toString(16).padStart(12, '0')}`;

const schema = {
  entities: {
    goals: { attrs: { title: { valueType: 'string', config: { unique: false, indexed: true } }, priority: { valueType: 'number', config: { unique: false, indexed: true } } } },
    todos: { attrs: { title: { valueType: 'string', config: { unique: true, indexed: true } }, done: { valueType: 'boolean', config: { unique: false, indexed: false } }, createdAt: { valueType: 'number', config: { unique: false, indexed: true } } } },
  },
  links: { goalsTodos: { forward: { on: 'goals', label: 'todos', has: 'many' }, reverse: { on: 'todos', label: 'goal', has: 'one' } } },
};

function* goalLines() {
  for (let g = 0; g < goals; g++) {
    const todos = Array.from({ length: 9 }, (_, k) => uuid(9 * g + k, 2));
    yield `${JSON.stringify({ entity: { id: uuid(g, 1), title: `goal ${g}`, priority: g % 100, todos }, createdAt: T0 + g })}\n`;
  }
}
function* todoLines() {
  for (let t = 0; t < goals * 9; t++) yield `${JSON.stringify({ entity: { id: uuid(t, 2), title: `todo ${t}`, done: t % 2 === 0, createdAt: T0 + t }, createdAt: T0 + t })}\n`;
}

async function writeZip(file) {
  const zip = new yazl.ZipFile();
  const done = new Promise((resolve) => zip.outputStream.pipe(fs.createWriteStream(file)).on('close', resolve));
  zip.addBuffer(Buffer.from(JSON.stringify({ counts: { goals, todos: goals * 9 }, schema, rules: null, webhooks: [], emailTemplates: [] })), 'config.json');
  zip.addReadStream(Readable.from(goalLines()), 'entities/goals.jsonl');
  zip.addReadStream(Readable.from(todoLines()), 'entities/todos.jsonl');
  zip.end();
  await done;
}

/** Peak RSS while `fn` runs, sampled every 20 ms. */
async function withPeakRss(fn) {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const start = performance.now();
  const result = await fn();
  const seconds = (performance.now() - start) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { result, seconds, before, peak };
}

async function rawFloor(file) {
  const { openDatabase } = await import(path.join(c.ROOT, 'dist/server/storage/db.js'));
  fs.rmSync(file, { force: true });
  const db = openDatabase({ file });
  db.prepare("INSERT INTO apps (id, admin_token_hash, created_at) VALUES ('app', '', 0)").run();
  const app = db.prepare("SELECT key FROM apps WHERE id = 'app'").pluck().get();
  const key = (name) => db.prepare('INSERT INTO attr_keys (app, attr_id) VALUES (?, ?)').run(app, name).lastInsertRowid;
  const [gid, gtitle, gprio, glink, tid, ttitle, tdone, tcreated] = ['gid', 'gtitle', 'gprio', 'glink', 'tid', 'ttitle', 'tdone', 'tcreated'].map(key);
  const insert = db.prepare('INSERT INTO triples (app, entity_id, attr, value, created_at, sort_value) VALUES (?, ?, ?, ?, ?, ?)');
  const start = performance.now();
  const batch = db.transaction((from, to) => {
    for (let g = from; g < to; g++) {
      const e = uuid(g, 1);
      insert.run(app, e, gid, JSON.stringify(e), T0 + g, T0 + g);
      insert.run(app, e, gtitle, JSON.stringify(`goal ${g}`), T0 + g, `goal ${g}`);
      insert.run(app, e, gprio, String(g % 100), T0 + g, g % 100);
      for (let k = 0; k < 9; k++) insert.run(app, e, glink, JSON.stringify(uuid(9 * g + k, 2)), T0 + g, null);
      for (let k = 0; k < 9; k++) {
        const t = 9 * g + k;
        const te = uuid(t, 2);
        insert.run(app, te, tid, JSON.stringify(te), T0 + t, T0 + t);
        insert.run(app, te, ttitle, JSON.stringify(`todo ${t}`), T0 + t, `todo ${t}`);
        insert.run(app, te, tdone, String(t % 2 === 0), T0 + t, null);
        insert.run(app, te, tcreated, String(T0 + t), T0 + t, T0 + t);
      }
    }
  });
  for (let g = 0; g < goals; g += 200) batch.immediate(g, Math.min(goals, g + 200));
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return seconds;
}

const zipFile = path.join(dir, 'backup.zip');
await writeZip(zipFile);
const { startServer } = await import(path.join(c.ROOT, 'dist/server/index.js'));
const { buildIR } = await import(path.join(c.ROOT, 'dist/ir/buildIR.js'));
const dataFile = path.join(dir, 'import.db');
for (const f of [dataFile, `${dataFile}-wal`, `${dataFile}-shm`]) fs.rmSync(f, { force: true });
const server = await startServer({ schema: buildIR({ entities: {} }, 'empty'), dataFile, log: () => {} });
const imported = await withPeakRss(() => server.importBackup(zipFile));
const exported = await withPeakRss(() => server.exportBackup(path.join(dir, 'export.zip')));
await server.close();
const floor = await rawFloor(path.join(dir, 'floor.db'));
const entities = goals * 10;
const line = {
  entities,
  zipMB: MB(fs.statSync(zipFile).size),
  importSeconds: c.round(imported.seconds, 2),
  importRssMB: { before: MB(imported.before), peak: MB(imported.peak), growth: MB(imported.peak - imported.before) },
  rawFloorSeconds: c.round(floor, 2),
  importOverFloor: c.round(imported.seconds / floor, 2),
  exportSeconds: c.round(exported.seconds, 2),
  exportRssGrowthMB: MB(exported.peak - exported.before),
  triples: imported.result.triples,
};
console.log(`${entities} entities (${line.triples} triples, zip ${line.zipMB} MB): import ${line.importSeconds} s, RSS ${line.importRssMB.before} → peak ${line.importRssMB.peak} MB (+${line.importRssMB.growth}); raw bulk-load floor ${line.rawFloorSeconds} s (import = ${line.importOverFloor}× floor); export ${line.exportSeconds} s (RSS +${line.exportRssGrowthMB} MB)`);
c.mkdirp(c.RESULTS);
fs.writeFileSync(path.join(c.RESULTS, 'backup.json'), `${JSON.stringify(line, null, 2)}\n`);
