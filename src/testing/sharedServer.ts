// One local server per process, shared by every test app: started on first use (in memory, on a free
// port), unref'd so it never keeps the process alive, and closed once no app has been open for a moment
// (tests that create and close an app each reuse it instead of starting a server per test).
//
// The state sits on globalThis, not in this module: test runners that evaluate modules afresh for each
// test file (vitest's isolation) still share one server per worker process.

import type { SchemaIR } from '../ir/types.js';
import { startServer, type RunningServer } from '../server/server.js';
import type { OutgoingEmail } from '../server/auth/email.js';

/** How long an idle server (no open app) stays up, for the next test's app. */
const IDLE_CLOSE_MS = 1000;

interface SharedState {
  server?: Promise<RunningServer>;
  open: number;
  idleTimer?: NodeJS.Timeout;
  /** Emails by app id, routed to that app's mailbox. */
  inboxes: Map<string, (email: OutgoingEmail) => void>;
}

const KEY = Symbol.for('instant-codegen/testing/server');

function state(): SharedState {
  const g = globalThis as { [KEY]?: SharedState };
  return (g[KEY] ??= { open: 0, inboxes: new Map() });
}

/** The shared server, started with `schema` as its (unused) default app's schema if none is running. */
export function acquireServer(schema: SchemaIR): Promise<RunningServer> {
  const s = state();
  clearTimeout(s.idleTimer);
  s.open++;
  s.server ??= startServer({
    schema,
    memory: true,
    port: 0,
    unref: true,
    onEmail: (email) => s.inboxes.get(email.appId)?.(email),
    // Live-query errors still reach stderr; magic codes go to mailboxes (onEmail), not here.
    log: (line) => process.stderr.write(`${line}\n`),
  });
  return s.server.catch((error: unknown) => {
    s.server = undefined;
    s.open--;
    throw error;
  });
}

export function routeEmails(appId: string, deliver: (email: OutgoingEmail) => void): () => void {
  const { inboxes } = state();
  inboxes.set(appId, deliver);
  return () => inboxes.delete(appId);
}

export function releaseServer(): void {
  const s = state();
  s.open--;
  if (s.open > 0) return;
  s.idleTimer = setTimeout(() => void closeIdle(s), IDLE_CLOSE_MS);
  s.idleTimer.unref();
}

async function closeIdle(s: SharedState): Promise<void> {
  const server = s.server;
  if (s.open > 0 || !server) return;
  s.server = undefined;
  await (await server).close();
}

/**
 * Closes the shared server now (e.g. in a global teardown), whatever apps are still open. Never needed
 * for the process to exit; the next `createTestApp` starts a new one.
 */
export async function closeTestServer(): Promise<void> {
  const s = state();
  clearTimeout(s.idleTimer);
  const server = s.server;
  s.server = undefined;
  s.open = 0;
  s.inboxes.clear();
  if (server) await (await server.catch(() => undefined))?.close();
}
