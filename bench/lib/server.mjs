// Starts bench/lib/server-process.mjs (needs `npm run build`) and talks to it.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './common.mjs';

export async function startServerProcess(schemaFile) {
  if (!fs.existsSync(path.join(ROOT, 'dist/server/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const { loadSchema } = await import(path.join(ROOT, 'dist/schema/loadSchema.js'));
  const { ir } = await loadSchema(schemaFile);
  const child = fork(path.join(ROOT, 'bench/lib/server-process.mjs'), [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`server process exited (${code})`)));
    child.send({ type: 'start', schema: ir });
  });
  let seq = 0;
  const waiting = new Map();
  child.on('message', (m) => waiting.get(m.id)?.(m));
  const headers = { 'content-type': 'application/json', 'app-id': ready.appId, authorization: `Bearer ${ready.adminToken}` };
  return {
    ...ready,
    pid: child.pid,
    headers,
    /** Resident set size of the server process, in bytes (after a full GC with `gc`). */
    rss(gc = false) {
      const id = ++seq;
      return new Promise((resolve) => {
        waiting.set(id, (m) => (waiting.delete(id), resolve(m.rss)));
        child.send({ type: 'rss', id, gc });
      });
    },
    /** POST a JSON body to an admin endpoint the way the clients do; resolves to the parsed answer. */
    async post(endpoint, body) {
      const res = await fetch(`${ready.url}${endpoint}?app_id=${ready.appId}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const json = await res.json();
      if (res.status !== 200) throw new Error(`${endpoint} ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
      return json;
    },
    close() {
      return new Promise((resolve) => {
        child.once('exit', resolve);
        child.send({ type: 'close' });
      });
    },
  };
}
