// The local Instant-compatible server (dist/server, in memory) in its own process, driven over IPC. The
// parent sends the schema IR ({ type: 'start', schema }) so that this process loads the server only, not
// the schema loader: its memory is the server's.
// Sends { type: 'ready', url, appId, adminToken }; answers { type: 'rss', gc? } and { type: 'close' }.
import { startServer } from '../../dist/server/index.js';

let server;
process.on('message', async (m) => {
  if (m.type === 'start') {
    server = await startServer({ schema: m.schema, memory: true, log: () => {} });
    process.send({ type: 'ready', url: server.url, appId: server.appId, adminToken: server.adminToken });
  } else if (m.type === 'rss') {
    if (m.gc && globalThis.gc) globalThis.gc();
    const { rss, heapUsed } = process.memoryUsage();
    process.send({ type: 'rss', id: m.id, rss, heapUsed });
  } else if (m.type === 'close') {
    await server?.close();
    process.exit(0);
  }
});
// The parent went away (finished or crashed): don't linger.
process.on('disconnect', () => process.exit(0));
