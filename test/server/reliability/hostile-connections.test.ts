// Hostile connections: slow-loris clients (silent, partial headers, partial bodies, bodies dripped byte by
// byte), protocol junk, queries whose result explodes, and hundreds of concurrent hostile requests. Each
// gets a clear 4xx (408 / 400 / 404 / 413 / 429 / 431), normal requests keep being served while it happens,
// and nothing is written. Two servers with 64 KiB bodies: `timed` has time limits that the slow clients and
// the exploding query must run into (5 s for headers, 10 s for a request, 5 s per query), `roomy` has
// generous ones (2 min), so that a busy machine cannot turn a normal request into a 408 or 429. A limit is
// shown to fire by a workload that would otherwise run far longer than the limit + 30 s.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { i } from '@instantdb/admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { schemaIR } from '../../support/localServer.js';
import { adminHeaders, GENEROUS_QUERY_TIMEOUT_MS, query, rawExchange, rowCounts, send, transact, type Reply, type Target } from './helpers.js';

const schema = i.schema({
  entities: {
    goals: i.entity({ title: i.string().indexed() }),
    todos: i.entity({ title: i.string().indexed() }),
  },
  links: {
    goalsTodos: { forward: { on: 'goals', has: 'many', label: 'todos' }, reverse: { on: 'todos', has: 'many', label: 'goals' } },
  },
});

const BODY = { maxBodyBytes: 64 * 1024 };
const LIMITS = { ...BODY, headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, queryTimeoutMs: 5_000 };
const ROOMY = { ...BODY, headersTimeoutMs: 120_000, requestTimeoutMs: 120_000, queryTimeoutMs: GENEROUS_QUERY_TIMEOUT_MS };
/** What "it stopped" may take beyond a limit on a fully loaded machine. */
const SLACK_MS = 30_000;
const dir = mkdtempSync(join(tmpdir(), 'instant-codegen-connections-'));

interface Served {
  server: RunningServer;
  target: Target;
  dataFile: string;
  baseline: Record<string, number>;
}
let timed: Served;
let roomy: Served;
let T: Target;
let refusedCount = 0;

/** Two goals and two todos, every goal linked to every todo: a query going back and forth doubles at each level. */
async function serve(name: string, limits: typeof LIMITS): Promise<Served> {
  const dataFile = join(dir, `${name}.db`);
  const server = await startServer({ schema: schemaIR(schema), dataFile, log: () => undefined, limits });
  const target = { url: server.url, appId: server.appId, adminToken: server.adminToken };
  const [g1, g2, t1, t2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const r = await transact(target, [
    ['update', 'goals', g1, { title: 'g1' }],
    ['update', 'goals', g2, { title: 'g2' }],
    ['update', 'todos', t1, { title: 't1' }],
    ['update', 'todos', t2, { title: 't2' }],
    ['link', 'goals', g1, { todos: [t1, t2] }],
    ['link', 'goals', g2, { todos: [t1, t2] }],
  ]);
  expect(r.status).toBe(200);
  return { server, target, dataFile, baseline: rowCounts(dataFile) };
}

beforeAll(async () => {
  timed = await serve('timed', LIMITS);
  roomy = await serve('roomy', ROOMY);
  T = roomy.target;
});
afterAll(async () => {
  console.log(`[hostile connections] ${refusedCount} hostile connections/requests answered with a 4xx, nothing written`);
  await timed?.server.close();
  await roomy?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function normalQuery(t: Target = T): Promise<{ status: number; at: number }> {
  const r = await query(t, { goals: { todos: {} } });
  if (r.status === 200) expect(r.body.goals).toHaveLength(2);
  return { status: r.status, at: Date.now() };
}

async function stillServingUnchanged(s: Served = roomy): Promise<void> {
  expect((await normalQuery(s.target)).status).toBe(200);
  expect(rowCounts(s.dataFile)).toEqual(s.baseline);
}

const head = (method: string, path: string, extra = '', t: Target = T) =>
  `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\napp-id: ${t.appId}\r\nauthorization: Bearer ${t.adminToken}\r\ncontent-type: application/json\r\n${extra}`;
const writeSteps = (title = 'slow write') => JSON.stringify({ steps: [['update', 'goals', randomUUID(), { title }]] });

describe('slow clients', () => {
  it('answers 408 and hangs up on slow-loris clients, while serving everyone else', async () => {
    const t = timed.target;
    // Each drip lasts far longer than the request limit + SLACK_MS: only the server can end it in time.
    const body = writeSteps('s'.repeat(600));
    const drip = (parts: string[], pauseMs: number) => parts.flatMap((p) => [p, pauseMs]);
    const kinds: [string, () => (string | number)[]][] = [
      ['silent', () => []],
      ['partial headers', () => ['POST /admin/transact HTTP/1.1\r\nhost: 127.0.0.1\r\n']],
      ['headers dripped', () => [head('POST', '/admin/transact', '', t), ...drip(Array.from({ length: 600 }, (_, k) => `x-drip-${k}: 1\r\n`), 100)]],
      ['partial body', () => [head('POST', '/admin/transact', `content-length: ${body.length}\r\n\r\n`, t), body.slice(0, 20)]],
      ['body dripped', () => [head('POST', '/admin/transact', `content-length: ${body.length}\r\n\r\n`, t), ...drip([...body.slice(0, -1)], 100)]],
      ['partial chunked body', () => [head('POST', '/admin/transact', 'transfer-encoding: chunked\r\n\r\n', t), `${(20).toString(16)}\r\n${body.slice(0, 20)}\r\n`]],
    ];
    const PER_KIND = 8;
    const maxMs = LIMITS.requestTimeoutMs + SLACK_MS;
    const slow = kinds.flatMap(([kind, chunks]) =>
      Array.from({ length: PER_KIND }, () => rawExchange(t.url, chunks(), maxMs).then((x) => ({ kind, ...x, at: Date.now() }))),
    );
    // Everyone else is served while the slow clients hang on: before the first of them is sent away.
    const normal: { status: number; at: number }[] = [];
    for (let k = 0; k < 8; k++) {
      normal.push(await normalQuery(t));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const results = await Promise.all(slow);
    refusedCount += results.length;
    for (const n of normal) expect(n).toMatchObject({ status: 200 });
    expect(Math.max(...normal.map((n) => n.at))).toBeLessThan(Math.min(...results.map((r) => r.at)));
    for (const r of results) {
      // closed within maxMs: the server hung up, the client did not give up.
      expect({ kind: r.kind, status: r.status, closed: r.closed }).toEqual({ kind: r.kind, status: 408, closed: true });
      expect(r.response).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(r.elapsedMs).toBeLessThan(maxMs);
    }
    await stillServingUnchanged(timed);
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
    ];
    for (const [what, chunks, status] of junk) {
      const r = await rawExchange(T.url, chunks, SLACK_MS);
      refusedCount++;
      expect({ what, status: r.status }).toEqual({ what, status });
      await stillServingUnchanged();
    }
    // The header limit fires for it (on the server with short limits; it would otherwise wait forever).
    const r09 = await rawExchange(timed.target.url, ['GET /\r\n'], LIMITS.headersTimeoutMs + SLACK_MS);
    refusedCount++;
    expect({ what: 'an HTTP/0.9 request (waits for headers that never come)', status: r09.status, closed: r09.closed }).toEqual({
      what: 'an HTTP/0.9 request (waits for headers that never come)',
      status: 408,
      closed: true,
    });
    await stillServingUnchanged(timed);
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
      // 2^40 entities: it would run for days.
      const r = await query(timed.target, backAndForth(40), extra);
      refusedCount++;
      expect(r.status).toBe(429);
      expect(r.body).toEqual({ type: 'timeout', message: 'The query took too long to complete.', hint: { 'timeout-ms': LIMITS.queryTimeoutMs } });
      expect(Date.now() - started).toBeLessThan(LIMITS.queryTimeoutMs + SLACK_MS);
      await stillServingUnchanged(timed);
    }
    // A moderate one (1 022 entities, far below the limit) is still answered in full.
    const ok = await query(timed.target, backAndForth(8));
    expect(ok.status).toBe(200);
    expect(JSON.stringify(ok.body).match(/"title"/g)).toHaveLength(2 + 4 + 8 + 16 + 32 + 64 + 128 + 256 + 512);
  });

  // Paths that fan out and meet again: without merging the sets at each hop, 2 000 hops are 2^2 000 walks,
  // which would neither be answered within the (generous) query limit nor within this test's time.
  it('walks long where paths through links that fan out and meet again in linear time', async () => {
    for (const hops of [30, 2_000]) {
      const path = Array.from({ length: hops }, (_, k) => (k % 2 ? 'goals' : 'todos')).join('.');
      const hit = await query(T, { goals: { $: { where: { [`${path}.title`]: hops % 2 ? 't1' : 'g1' } } } });
      expect(hit.status).toBe(200);
      expect(hit.body.goals).toHaveLength(2);
      const miss = await query(T, { goals: { $: { where: { [`${path}.title`]: 'nowhere' } } } });
      expect(miss.status).toBe(200);
      expect(miss.body.goals).toEqual([]);
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
