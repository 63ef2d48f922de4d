// Shared by the reliability suite: a scale knob for the heavy tests, raw HTTP against the admin API,
// and the built CLI's `serve` run as a separate process that can be SIGKILLed.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { GENEROUS_QUERY_TIMEOUT_MS } from '../../support/limits.js';
import { ROOT } from '../../support/paths.js';

export { GENEROUS_QUERY_TIMEOUT_MS };

/**
 * RELIABILITY_SCALE=4 multiplies the work of the heavy tests (transactions, kill points, clients' rounds).
 * The default (1) keeps the whole suite well under three minutes on two cores.
 */
export const SCALE = Math.max(1, Number(process.env.RELIABILITY_SCALE ?? '1') || 1);

export interface Reply {
  status: number;
  /** Parsed JSON when the body is JSON, else the text. */
  body: any;
  text: string;
  contentType: string | null;
}

export interface Target {
  url: string;
  appId: string;
  adminToken: string;
}

export function adminHeaders(t: Target, extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/json', 'app-id': t.appId, authorization: `Bearer ${t.adminToken}`, ...extra };
}

export async function send(
  url: string,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: unknown; raw?: string; signal?: AbortSignal } = {},
): Promise<Reply> {
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const res = await fetch(url + path, { method, headers: init.headers, body, signal: init.signal });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain-text bodies stay text
  }
  return { status: res.status, body: parsed, text, contentType: res.headers.get('content-type') };
}

export function transact(t: Target, steps: unknown[], extra: Record<string, string> = {}): Promise<Reply> {
  return send(t.url, 'POST', '/admin/transact', {
    headers: adminHeaders(t, extra),
    body: { steps, 'throw-on-missing-attrs?': true },
  });
}

export function query(t: Target, q: object, extra: Record<string, string> = {}): Promise<Reply> {
  return send(t.url, 'POST', '/admin/query', { headers: adminHeaders(t, extra), body: { query: q, 'inference?': true } });
}

/** Queries as admin and fails loudly on anything but 200. */
export async function queryOk(t: Target, q: object): Promise<any> {
  const reply = await query(t, q);
  if (reply.status !== 200) throw new Error(`query failed: ${reply.status} ${reply.text.slice(0, 500)}`);
  return reply.body;
}

export function lookupString(attr: string, value: unknown): string {
  return `lookup__${attr}__${JSON.stringify(value)}`;
}

// ---- the CLI's `serve` in its own process ----

export const CLI = join(ROOT, 'bin', 'instant-codegen.js');

export function cliIsBuilt(): boolean {
  return existsSync(join(ROOT, 'dist', 'cli', 'main.js'));
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  /** SIGKILL, then wait for the process to be gone. */
  kill(): Promise<void>;
  /** SIGTERM (the CLI closes the server and exits 0), then wait. */
  stop(): Promise<number | null>;
}

/**
 * `instant-codegen serve --schema S (--data D | --memory) --port 0 --app-id A --admin-token T
 * --query-timeout-ms Q` (Q generous unless given: verification queries read back thousands of entities with
 * their links); resolves once it listens (or fails after `timeoutMs`, generous: the CLI loads
 * ts-morph to read the schema, slow on a busy machine).
 */
export function spawnServe(opts: {
  schema: string;
  data?: string;
  appId: string;
  adminToken: string;
  timeoutMs?: number;
  queryTimeoutMs?: number;
}): Promise<ServerProcess> {
  const storage = opts.data ? ['--data', opts.data] : ['--memory'];
  const limit = String(opts.queryTimeoutMs ?? GENEROUS_QUERY_TIMEOUT_MS);
  const args = [CLI, 'serve', '--schema', opts.schema, ...storage, '--port', '0', '--app-id', opts.appId, '--admin-token', opts.adminToken, '--query-timeout-ms', limit];
  const startMs = opts.timeoutMs ?? 120_000;
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const gone = () => exited.then(() => undefined);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start within ${startMs} ms:\n${out}`));
    }, startMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        child,
        output: () => out,
        kill: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await gone();
        },
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve exited early (${code ?? signal}):\n${out}`));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- below HTTP: raw sockets, and what a refused request must not have written ----

export interface RawExchange {
  /** Everything the server sent before closing (or before `maxMs`). */
  response: string;
  /** Status code of the first response line, if any. */
  status?: number;
  closed: boolean;
  elapsedMs: number;
}

/** Opens a socket, writes the chunks (a number is a pause in ms), and reads until the server closes it. */
export function rawExchange(url: string, chunks: (string | number)[], maxMs = 10_000): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(Number(port), hostname);
    let response = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(response)?.[1];
      resolve({ response, status: status ? Number(status) : undefined, closed, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), maxMs);
    socket.on('data', (d) => (response += d.toString('utf8')));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', async () => {
      for (const c of chunks) {
        // Stop dripping once the exchange is over (long drips outlive the server's time limits).
        if (done || socket.destroyed) return;
        if (typeof c === 'number') await sleep(c);
        else socket.write(c);
      }
    });
  });
}

/** Row counts of every table of a data file (read through a separate read-only connection). */
export function rowCounts(dataFile: string): Record<string, number> {
  const db = new Database(dataFile, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}
