// Hostile connections against a server with tight limits (64 KiB bodies, 0.7 s for headers, 1.5 s for a
// whole request, 400 ms per query): slow-loris clients (silent, partial headers, partial bodies, bodies
// dripped byte by byte), protocol junk, queries whose result explodes, and hundreds of concurrent hostile
// requests. Each gets a clear 4xx (408 / 400 / 404 / 413 / 429 / 431), normal requests keep being served
// while it happens, and nothing is written.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { i } from '@instantdb/admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { schemaIR } from '../../support/localServer.js';
import { adminHeaders, query, rawExchange, rowCounts, send, transact, type Reply, type Target } from './helpers.js';

const schema = i.schema({
  entities: {
    goals: i.entity({ title: i.string().indexed() }),
    todos: i.entity({ title: i.string().indexed() }),
  },
  links: {
    goalsTodos: { forward: { on: 'goals', has: 'many', label: 'todos' }, reverse: { on: 'todos', has: 'many', label: 'goals' } },
  },
});

const LIMITS = { maxBodyBytes: 64 * 1024, headersTimeoutMs: 700, requestTimeoutMs: 1500, queryTimeoutMs: 400 };
const dir = mkdtempSync(join(tmpdir(), 'instant-codegen-connections-'));
const dataFile = join(dir, 'local.db');
let server: RunningServer;
let T: Target;
let baseline: Record<string, number>;
let refusedCount = 0;

beforeAll(async () => {
  server = await startServer({ schema: schemaIR(schema), dataFile, log: () => undefined, limits: LIMITS });
  T = { url: server.url, appId: server.appId, adminToken: server.adminToken };
  // Two goals and two todos, every goal linked to every todo: a query going back and forth doubles at each level.
  const [g1, g2, t1, t2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const r = await transact(T, [
    ['update', 'goals', g1, { title: 'g1' }],
    ['update', 'goals', g2, { title: 'g2' }],
    ['update', 'todos', t1, { title: 't1' }],
    ['update', 'todos', t2, { title: 't2' }],
    ['link', 'goals', g1, { todos: [t1, t2] }],
    ['link', 'goals', g2, { todos: [t1, t2] }],
  ]);
  expect(r.status).toBe(200);
  baseline = rowCounts(dataFile);
});
afterAll(async () => {
  console.log(`[hostile connections] ${refusedCount} hostile connections/requests answered with a 4xx, nothing written`);
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function normalQuery(): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  const r = await query(T, { goals: { todos: {} } });
  if (r.status === 200) expect(r.body.goals).toHaveLength(2);
  return { status: r.status, ms: Date.now() - started };
}

async function stillServingUnchanged(): Promise<void> {
  expect((await normalQuery()).status).toBe(200);
  expect(rowCounts(dataFile)).toEqual(baseline);
}

const head = (method: string, path: string, extra = '') =>
  `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\napp-id: ${T.appId}\r\nauthorization: Bearer ${T.adminToken}\r\ncontent-type: application/json\r\n${extra}`;
const writeSteps = () => JSON.stringify({ steps: [['update', 'goals', randomUUID(), { title: 'slow write' }]] });

describe('slow clients', () => {
  it('answers 408 and hangs up on slow-loris clients, while serving everyone else', async () => {
    const body = writeSteps();
    const kinds: [string, () => (string | number)[]][] = [
      ['silent', () => []],
      ['partial headers', () => ['POST /admin/transact HTTP/1.1\r\nhost: 127.0.0.1\r\n']],
      ['headers dripped', () => [head('POST', '/admin/transact'), ...Array.from({ length: 40 }, (_, k) => [`x-drip-${k}: 1\r\n`, 100]).flat()]],
      ['partial body', () => [head('POST', '/admin/transact', `content-length: ${body.length}\r\n\r\n`), body.slice(0, 20)]],
      ['body dripped', () => [head('POST', '/admin/transact', `content-length: ${body.length}\r\n\r\n`), ...[...body.slice(0, -1)].flatMap((c) => [c, 60])]],
      ['partial chunked body', () => [head('POST', '/admin/transact', 'transfer-encoding: chunked\r\n\r\n'), `${(20).toString(16)}\r\n${body.slice(0, 20)}\r\n`]],
    ];
    const PER_KIND = 8;
    const slow = kinds.flatMap(([kind, chunks]) =>
      Array.from({ length: PER_KIND }, () => rawExchange(T.url, chunks(), LIMITS.requestTimeoutMs + 5_000).then((x) => ({ kind, ...x }))),
    );
    // Everyone else is served promptly while the slow clients hang on.
    const normal: { status: number; ms: number }[] = [];
    for (let k = 0; k < 8; k++) {
      normal.push(await normalQuery());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const results = await Promise.all(slow);
    refusedCount += results.length;
    for (const n of normal) expect(n).toMatchObject({ status: 200 });
    expect(Math.max(...normal.map((n) => n.ms))).toBeLessThan(1_000);
    for (const r of results) {
      expect({ kind: r.kind, status: r.status, closed: r.closed }).toEqual({ kind: r.kind, status: 408, closed: true });
      expect(r.response).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(r.elapsedMs).toBeLessThan(LIMITS.requestTimeoutMs + 1_500);
    }
    await stillServingUnchanged();
  });
});

describe('protocol junk', () => {
  it('answers garbage, oversized headers, unknown routes and oversized bodies with a 4xx', async () => {
    const junk: [string, (string | number)[], number][] = [
      ['a garbage request line', ['GARBAGE\r\n\r\n'], 400],
      ['a bad header line', ['POST /admin/query HTTP/1.1\r\nno colon here\r\n\r\n'], 400],
      ['a negative content-length', [head('POST', '/admin/query', 'content-length: -5\r\n\r\n')], 400],
      ['two content-lengths', [head('POST', '/admin/query', 'content-length: 5\r\ncontent-length: 6\r\n\r\n')], 400],
      ['a 100 KB header', [head('POST', '/admin/query', `x-big: ${'a'.repeat(100_000)}\r\n\r\n`)], 431],
      ['an HTTP/0.9 request (waits for headers that never come)', ['GET /\r\n'], 408],
    ];
    for (const [what, chunks, status] of junk) {
      const r = await rawExchange(T.url, chunks, 5_000);
      refusedCount++;
      expect({ what, status: r.status }).toEqual({ what, status });
      await stillServingUnchanged();
    }
    const routes: [string, string, number][] = [
      ['GET', '/admin/transact', 404],
      ['PUT', '/admin/query', 404],
      ['POST', "/admin/query'%20OR%201=1", 404],
      ['POST', '/admin/../etc/passwd', 404],
      ['DELETE', '/', 404],
    ];
    for (const [method, path, status] of routes) {
      const r = await send(T.url, method, path, { headers: adminHeaders(T), raw: method === 'GET' ? undefined : writeSteps() });
      refusedCount++;
      expect(r.status).toBe(status);
      expect(r.body).toEqual({ message: "Oops! We couldn't match this route." });
      await stillServingUnchanged();
    }
    // The body limit is an option (64 KiB here).
    const big = JSON.stringify({ steps: [['update', 'goals', randomUUID(), { title: 'x'.repeat(LIMITS.maxBodyBytes) }]] });
    const r = await send(T.url, 'POST', '/admin/transact', { headers: adminHeaders(T), raw: big });
    refusedCount++;
    expect(r.status).toBe(413);
    expect(r.body.hint).toEqual({ 'limit-bytes': LIMITS.maxBodyBytes });
    await stillServingUnchanged();
  });
});

describe('queries that explode', () => {
  // goals → todos → goals → ...: 2^depth entities.
  const backAndForth = (depth: number): object => {
    let q: object = {};
    for (let k = depth; k > 0; k--) q = { [k % 2 ? 'todos' : 'goals']: q };
    return { goals: q };
  };

  it('stops a query past its time limit with Instant’s 429 timeout, for admins and guests', async () => {
    for (const extra of [{}, { 'as-guest': 'true' }] as Record<string, string>[]) {
      const started = Date.now();
      const r = await query(T, backAndForth(40), extra);
      refusedCount++;
      expect(r.status).toBe(429);
      expect(r.body).toEqual({ type: 'timeout', message: 'The query took too long to complete.', hint: { 'timeout-ms': LIMITS.queryTimeoutMs } });
      expect(Date.now() - started).toBeLessThan(LIMITS.queryTimeoutMs + 2_500);
      await stillServingUnchanged();
    }
    // A moderate one is still answered in full.
    const ok = await query(T, backAndForth(8));
    expect(ok.status).toBe(200);
    expect(JSON.stringify(ok.body).match(/"title"/g)).toHaveLength(2 + 4 + 8 + 16 + 32 + 64 + 128 + 256 + 512);
  });

  it('walks long where paths through links that fan out and meet again in linear time', async () => {
    for (const hops of [30, 2_000]) {
      const path = Array.from({ length: hops }, (_, k) => (k % 2 ? 'goals' : 'todos')).join('.');
      const started = Date.now();
      const hit = await query(T, { goals: { $: { where: { [`${path}.title`]: hops % 2 ? 't1' : 'g1' } } } });
      expect(hit.status).toBe(200);
      expect(hit.body.goals).toHaveLength(2);
      const miss = await query(T, { goals: { $: { where: { [`${path}.title`]: 'nowhere' } } } });
      expect(miss.status).toBe(200);
      expect(miss.body.goals).toEqual([]);
      expect(Date.now() - started).toBeLessThan(2_000);
    }
  });
});

describe('many concurrent connections', () => {
  it('gives each of hundreds of concurrent hostile requests its 4xx and keeps serving', async () => {
    const h = adminHeaders(T);
    const kinds: [string, () => Promise<Reply>, number][] = [
      ['malformed JSON', () => send(T.url, 'POST', '/admin/transact', { headers: h, raw: '{"steps":[' }), 400],
      ['wrong token', () => send(T.url, 'POST', '/admin/transact', { headers: { ...h, authorization: `Bearer ${randomUUID()}` }, raw: writeSteps() }), 400],
      ['no app id', () => send(T.url, 'POST', '/admin/transact', { headers: { authorization: h.authorization, 'content-type': 'application/json' }, raw: writeSteps() }), 400],
      ['unknown step', () => transact(T, [['explode', 'goals', randomUUID(), {}]]), 400],
      ['id not a uuid', () => transact(T, [['update', 'goals', "1' OR 1=1", { title: 'x' }]]), 400],
      ['too deep', () => send(T.url, 'POST', '/admin/query', { headers: h, raw: '{"query":' + '['.repeat(5_000) + ']'.repeat(5_000) + '}' }), 400],
      ['too large', () => send(T.url, 'POST', '/admin/transact', { headers: h, raw: JSON.stringify({ steps: [['update', 'goals', randomUUID(), { title: 'x'.repeat(70_000) }]] }) }), 413],
      ['unknown route', () => send(T.url, 'POST', '/admin/transact2', { headers: h, raw: writeSteps() }), 404],
      ['missing steps', () => send(T.url, 'POST', '/admin/transact', { headers: h, raw: '{}' }), 400],
      ['unknown as-email', () => query(T, { goals: {} }, { 'as-email': "x'--@example.com" }), 400],
    ];
    const COUNT = 400;
    const hostile = Array.from({ length: COUNT }, (_, k) => {
      const [kind, run, status] = kinds[k % kinds.length];
      return run().then(
        (r) => ({ kind, expected: status, status: r.status }),
        (e: Error) => ({ kind, expected: status, status: `error ${e.message}` }),
      );
    });
    const normal = Array.from({ length: 40 }, () => normalQuery());
    const [answers, served] = await Promise.all([Promise.all(hostile), Promise.all(normal)]);
    refusedCount += answers.length;
    const wrong = answers.filter((a) => a.status !== a.expected);
    expect(wrong).toEqual([]);
    expect(served.every((s) => s.status === 200)).toBe(true);
    await stillServingUnchanged();
  });
});
