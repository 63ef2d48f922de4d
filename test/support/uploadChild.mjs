// A client process for test/server/storage.test.ts: uploads `MiB` MiB from a Node Readable through the
// built runtime of generated clients (dist/templates/runtime, `npm run build`) or through @instantdb/admin,
// and prints how much its RSS grew (sampled after forced GCs: run with --expose-gc).
import { Readable } from 'node:stream';

const [, , client, apiURI, appId, adminToken, mib] = process.argv;
const MB = 1024 * 1024;
const total = Number(mib) * MB;
const chunk = Buffer.alloc(MB, 7);
const source = Readable.from((function* () {
  for (let k = 0; k < total / MB; k++) yield chunk;
})());
const db =
  client === 'sdk'
    ? (await import('@instantdb/admin')).init({ appId, adminToken, apiURI })
    : (await import('../../dist/templates/runtime/index.js')).createClientCore({ appId, adminToken, apiURI }, {});
const before = process.memoryUsage().rss;
let peak = before;
const timer = setInterval(() => {
  globalThis.gc?.();
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
const outcome = await db.storage.uploadFile(`${client}.bin`, source, { fileSize: total }).then(
  () => ({ ok: true }),
  (e) => ({ ok: false, status: e.status, type: e.body?.type ?? e.type }),
);
clearInterval(timer);
console.log(JSON.stringify({ ...outcome, growthMiB: Math.round((peak - before) / MB) }));
