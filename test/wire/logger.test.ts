// `createClient({ verbose, logger })`: as `@instantdb/admin`'s `init` (client/packages/admin/src/index.ts
// `createLogger`: silent unless `verbose`, to `logger` or else `console`), and the generated client logs
// each request it sends, and never a credential (admin token, impersonation token, refresh tokens).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../support/captureServer.js';
import { ADMIN_TOKEN, APP_ID, generateTodoClient, removeDir, type GeneratedModule } from './harness.js';

let server: CaptureServer;
let mod: GeneratedModule;
let dir: string | undefined;

beforeAll(async () => {
  server = await startCaptureServer();
  ({ mod, dir } = await generateTodoClient('logger'));
}, 120_000);

afterAll(async () => {
  await server?.close();
  removeDir(dir);
});

const USER_TOKEN = 'deadbeef-1111-4222-8333-444455556666';
const REFRESH = 'feedface-7777-4888-8999-aaaabbbbcccc';

/** A logger that keeps every argument of every call, as text. */
function capturingLogger() {
  const lines: string[] = [];
  const keep = (...args: unknown[]) => lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  return { lines, logger: { info: keep, debug: keep, error: keep } };
}

/** Every 8-character window of a secret: none may appear in a log, not even a prefix (errors mask tokens as `abcd…`). */
const windows = (secret: string) => Array.from({ length: secret.length - 7 }, (_, i) => secret.slice(i, i + 8));

async function exercise(db: ReturnType<GeneratedModule['createClient']>) {
  await db.goals.query();
  await db.asUser({ token: USER_TOKEN }).query({ goals: {} });
  await db.auth.getUser({ refresh_token: REFRESH });
  await db.auth.verifyToken(REFRESH);
  const cookie = `instant_user_${APP_ID}=${encodeURIComponent(JSON.stringify({ refresh_token: REFRESH }))}`;
  await db.auth.getUserFromRequest(new Request('https://app.example/', { headers: { cookie } }));
  // A rate-limited read, retried: the error and the retry are logged too.
  server.script({ status: 429, body: { type: 'rate-limited', message: `limit for ${ADMIN_TOKEN}`, hint: { 'retry-after': 0 } } });
  await db.goals.query();
  server.script({ status: 400, body: { type: 'record-not-found', message: 'Record not found: app-user', hint: { args: [{ 'refresh-token': REFRESH }] } } });
  await db.auth.verifyToken(REFRESH).catch(() => undefined);
}

describe('verbose logging', () => {
  it('logs each request and outcome, and no part of any token', async () => {
    server.reset();
    const { lines, logger } = capturingLogger();
    await exercise(mod.createClient({ appId: APP_ID, adminToken: ADMIN_TOKEN, apiURI: server.url, verbose: true, logger, retry: { baseMs: 1 } }));
    expect(lines).toContain('[instant] POST /admin/query as token');
    expect(lines.some((l) => /^\[instant\] POST \/admin\/query 429 rate-limited in \d+ ms$/.test(l))).toBe(true);
    expect(lines.some((l) => /^\[instant\] POST \/admin\/query: retrying in \d+ ms$/.test(l))).toBe(true);
    expect(lines.some((l) => /^\[instant\] POST \/runtime\/auth\/verify_refresh_token 400 record-not-found in \d+ ms$/.test(l))).toBe(true);
    expect(lines.filter((l) => /^\[instant\] GET \/admin\/users 200 in \d+ ms$/.test(l))).toHaveLength(1);
    const text = lines.join('\n');
    for (const secret of [ADMIN_TOKEN, USER_TOKEN, REFRESH]) for (const part of windows(secret)) expect(text).not.toContain(part);
  });

  it('is silent without verbose, even with a logger (as the SDK)', async () => {
    server.reset();
    const { lines, logger } = capturingLogger();
    await exercise(mod.createClient({ appId: APP_ID, adminToken: ADMIN_TOKEN, apiURI: server.url, logger, retry: { baseMs: 1 } }));
    expect(lines).toEqual([]);
  });

  it('goes to console without a logger', async () => {
    server.reset();
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    try {
      await mod.createClient({ appId: APP_ID, adminToken: ADMIN_TOKEN, apiURI: server.url, verbose: true }).goals.query();
      expect(debug.mock.calls).toEqual([['[instant] POST /admin/query']]);
      expect(info.mock.calls.map(([line]) => String(line).replace(/\d+ ms/, 'N ms'))).toEqual(['[instant] POST /admin/query 200 in N ms']);
    } finally {
      info.mockRestore();
      debug.mockRestore();
    }
  });
});
