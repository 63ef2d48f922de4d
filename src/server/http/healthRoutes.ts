// GET /health/system (instant/health.clj): whether the server can serve. Instant reports the state of its
// write-ahead log; the local server has none to lose track of, so it is always `ok`. It reads no data,
// which also makes it the floor the server benchmark measures queries against.

import type { Json } from '../json.js';

export function healthGet(): Json {
  return { wal: 'ok' };
}
