// A subscription must not keep Node alive once it is closed (close(), break, abort, one-shot reads): each
// script below runs in its own `node` against a fake SSE server in this process, and must exit by itself.
// The control: a script that leaves its subscription open keeps running (so the check can fail).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { fixtureSchema, scratchDir } from './support/paths.js';
import { addQueryOk, startSseServer, type FakeSseServer } from './support/sseServer.js';

let dir: string;
let server: FakeSseServer;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = scratchDir('live-exit');
  await generate({ schemaFile: fixtureSchema('todo'), outDir: path.join(dir, 'gen'), output: 'dts' });
  server = await startSseServer();
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const PRELUDE = `import { createClient } from './gen/index.js';
const db = createClient({ appId: '11111111-2222-4333-8444-555555555555', adminToken: 't', apiURI: process.env.API });
`;

function start(name: string, body: string): { child: ChildProcess; exited: Promise<{ code: number | null; out: string }> } {
  const file = path.join(dir, `${name}.mjs`);
  fs.writeFileSync(file, PRELUDE + body);
  const child = spawn(process.execPath, [file], { env: { ...process.env, API: server.url }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; out: string }>((resolve) => child.on('exit', (code) => resolve({ code, out })));
  return { child, exited };
}

/** Answers every connection from `from` on with a first result, as the server would. */
async function answer(from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) (await server.connection(i)).send(addQueryOk({}, { goals: [] }, { 'page-info': {}, aggregate: { goals: { count: 3 } } }));
}

describe('process exit', () => {
  it('exits after break, close(), a one-shot count and an abort', { timeout: 120_000 }, async () => {
    const base = server.connections.length;
    const { exited } = start(
      'closed',
      `for await (const payload of db.goals.subscribe()) break;
const sub = db.goals.subscribe({}, () => sub.close());
const n = await db.goals.count();
const controller = new AbortController();
db.goals.subscribe({}, () => controller.abort(), { signal: controller.signal });
console.log('done', n);
`,
    );
    await answer(base, 4);
    const { code, out } = await exited;
    expect(out.trim()).toBe('done 3');
    expect(code).toBe(0);
  });

  it('exits after close() while waiting to reconnect', { timeout: 120_000 }, async () => {
    const base = server.connections.length;
    const { exited } = start(
      'reconnecting',
      `const sub = db.goals.subscribe({}, (p) => {
  if (p.type === 'error') setTimeout(() => { console.log('closed', p.error.status, sub.readyState); sub.close(); }, 50);
});
`,
    );
    // An hour's Retry-After: only close() ending the wait lets the process exit.
    server.refuse({ status: 503, body: '{"message":"busy"}', headers: { 'retry-after': '3600' } });
    await server.connection(base);
    const { code, out } = await exited;
    expect(out.trim()).toBe('closed 503 connecting');
    expect(code).toBe(0);
  });

  it('control: an open subscription keeps the process running', { timeout: 120_000 }, async () => {
    const base = server.connections.length;
    const { child, exited } = start('open', `db.goals.subscribe({}, () => console.log('ready'));\n`);
    await answer(base, 1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(child.exitCode).toBe(null);
    child.kill();
    await exited;
  });
});
