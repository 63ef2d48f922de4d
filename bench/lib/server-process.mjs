// The local Instant-compatible server (dist/server, in memory) in its own process, driven over IPC:
//   node --expose-gc bench/lib/server-process.mjs <instant.schema.ts>
// Sends { type: 'ready', url, appId, adminToken }; answers { type: 'rss', gc? } and { type: 'close' }.
import { loadSchema } from '../../dist/schema/loadSchema.js';
import { startServer } from '../../dist/server/index.js';

const { ir } = await loadSchema(process.argv[2]);
const server = await startServer({ schema: ir, memory: true, log: () => {} });
process.on('message', async (m) => {
  if (m.type === 'rss') {
    if (m.gc && globalThis.gc) globalThis.gc();
    const { rss, heapUsed } = process.memoryUsage();
    process.send({ type: 'rss', id: m.id, rss, heapUsed });
  } else if (m.type === 'close') {
    await server.close();
    process.exit(0);
  }
});
// The parent went away (finished or crashed): don't linger.
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', url: server.url, appId: server.appId, adminToken: server.adminToken });
