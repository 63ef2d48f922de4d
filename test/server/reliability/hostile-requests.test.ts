// Hostile request bodies against one server (default limits but a generous query time limit, on a data
// file; timing claims are ratios of two measurements under the same load): malformed JSON, wrong
// content types, bodies over the size limit, nesting deeper than the limit, huge `$in` lists, unknown
// step kinds, ids that are not uuids, bad query options, and SQL-looking (or JavaScript-special) strings
// in every position. Each refused request gets a clear 4xx, the server keeps serving (a normal query
// after every case), and nothing is written (row counts of every table of the data file, read through a
// second connection, are unchanged). What is accepted is stored and returned verbatim.

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { i } from '@instantdb/admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { DEFAULT_LIMITS } from '../../../src/server/limits.js';
import { schemaIR } from '../../support/localServer.js';
import { adminHeaders, GENEROUS_QUERY_TIMEOUT_MS, query, queryOk, rowCounts, send, transact, type Reply, type Target } from './helpers.js';

const schema = i.schema({
  entities: {
    notes: i.entity({
      title: i.string().unique().indexed(),
      n: i.number().indexed().optional(),
      at: i.date().indexed().optional(),
      body: i.string().optional(),
      meta: i.json().optional(),
    }),
    tags: i.entity({ name: i.string().unique().indexed() }),
  },
  links: {
    noteTags: { forward: { on: 'notes', has: 'many', label: 'tags' }, reverse: { on: 'tags', has: 'many', label: 'notes' } },
  },
});

const NOTES = 2000;
const TAGS = 50;
const BASE_TIME = Date.UTC(2025, 0, 1);
const dir = mkdtempSync(join(tmpdir(), 'instant-codegen-hostile-'));
const dataFile = join(dir, 'local.db');
let server: RunningServer;
let T: Target;
const noteIds: string[] = [];
const tagIds: string[] = [];
let baseline: Record<string, number>;
let cases = 0;

beforeAll(async () => {
  // Reading back 2 000 notes (nested to the depth limit) must not trip the 5 s default on a busy machine.
  server = await startServer({ schema: schemaIR(schema), dataFile, log: () => undefined, limits: { queryTimeoutMs: GENEROUS_QUERY_TIMEOUT_MS } });
  T = { url: server.url, appId: server.appId, adminToken: server.adminToken };
  for (let k = 0; k < TAGS; k++) tagIds.push(randomUUID());
  for (let k = 0; k < NOTES; k++) noteIds.push(randomUUID());
  const seed: unknown[] = tagIds.map((id, k) => ['update', 'tags', id, { name: `tag-${k}` }]);
  noteIds.forEach((id, k) => {
    seed.push(['update', 'notes', id, { title: `note-${k}`, n: k, at: BASE_TIME + k * 1000 }]);
    if (k < 2 * TAGS) seed.push(['link', 'notes', id, { tags: tagIds[k % TAGS] }]);
  });
  const r = await transact(T, seed);
  expect(r.status).toBe(200);
  baseline = rowCounts(dataFile);
});
afterAll(async () => {
  console.log(`[hostile requests] ${cases} hostile requests refused with a 4xx, nothing written, server serving after each`);
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** After a hostile request: the server still answers a normal query, and nothing was written. */
async function stillServingUnchanged(): Promise<void> {
  const r = await query(T, { tags: { $: { limit: 1 } } });
  expect(r.status).toBe(200);
  expect(r.body.tags).toHaveLength(1);
  expect(rowCounts(dataFile)).toEqual(baseline);
}

/** One hostile request: the expected refusal, then the health and no-write checks. */
async function refused(reply: Promise<Reply>, status: number, check: (r: Reply) => void = () => undefined): Promise<Reply> {
  const r = await reply;
  cases++;
  expect({ status: r.status, body: r.text.slice(0, 300) }).toMatchObject({ status });
  check(r);
  await stillServingUnchanged();
  return r;
}

const post = (path: string, raw: string, headers: Record<string, string> = adminHeaders(T)) => send(T.url, 'POST', path, { headers, raw });

/** A JSON text `depth` levels deep in total, made of `open` … `inner` … `close`. */
function nested(prefix: string, open: string, inner: string, close: string, suffix: string, depth: number): string {
  return prefix + open.repeat(depth) + inner + close.repeat(depth) + suffix;
}

/** Nesting depth of a JSON text without brackets inside strings (checks the generators below). */
function depthOf(text: string): number {
  let depth = 0;
  let max = 0;
  for (const c of text) {
    if (c === '{' || c === '[') max = Math.max(max, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return max;
}

/** Sends a raw body in chunks without content-length (chunked transfer encoding). */
function sendChunked(path: string, chunk: string, count: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(T.url + path, { method: 'POST', headers: adminHeaders(T) }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    let sent = 0;
    const write = () => {
      while (sent < count) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

describe('malformed bodies and content types', () => {
  const MALFORMED = [
    '{',
    '{"query":{"notes":{}}',
    '{"query": {notes: {}}}',
    "{'query': {}}",
    '{"query":{}} trailing',
    'NaN',
    '[1,]',
    '{"steps":[["update","notes","' + randomUUID() + '",{"title":"x"}]]',
    '\u0000',
  ];
  const ROUTES = ['/admin/query', '/admin/transact', '/admin/refresh_tokens', '/admin/sign_out', '/runtime/auth/verify_refresh_token'];

  it('answers malformed JSON with the plain-text 400 of ring-json', async () => {
    for (const route of ROUTES) {
      for (const body of MALFORMED) {
        await refused(post(route, body), 400, (r) => {
          expect(r.text).toBe('Malformed JSON in request body.');
          expect(r.contentType).toMatch(/^text\/plain/);
        });
      }
    }
  });

  it('ignores bodies that are not JSON-typed: the parameters are missing', async () => {
    const steps = JSON.stringify({ steps: [['update', 'notes', randomUUID(), { title: 'should not be written' }]] });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'json']) {
      await refused(post('/admin/transact', steps, { ...adminHeaders(T), 'content-type': type }), 400, (r) =>
        expect(r.body).toEqual({ type: 'param-missing', message: 'Missing parameter: ["body" "steps"]', hint: { in: ['body', 'steps'] } }),
      );
    }
    // No content type at all (raw request: fetch would add text/plain).
    const headers = adminHeaders(T);
    delete headers['content-type'];
    await refused(
      new Promise<Reply>((resolve, reject) => {
        const req = http.request(T.url + '/admin/transact', { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(steps) } }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, text, body: JSON.parse(text), contentType: res.headers['content-type'] ?? null }));
        });
        req.on('error', reject);
        req.end(steps);
      }),
      400,
      (r) => expect(r.body.type).toBe('param-missing'),
    );
    // A structured JSON type is JSON (as ring-json's `application/(.+\+)?json`).
    const vnd = await post('/admin/query', JSON.stringify({ query: { tags: { $: { limit: 1 } } } }), { ...adminHeaders(T), 'content-type': 'application/vnd.api+json' });
    expect(vnd.status).toBe(200);
  });

  it('treats JSON bodies that are not objects as having no parameters', async () => {
    for (const body of ['[]', '"steps"', '42', 'null', 'true', '[["update","notes","' + randomUUID() + '",{"title":"x"}]]']) {
      await refused(post('/admin/transact', body), 400, (r) => expect(r.body.type).toBe('param-missing'));
    }
  });
});

describe('body size limit (default 10 MiB)', () => {
  const limit = DEFAULT_LIMITS.maxBodyBytes;

  it('refuses a larger body with 413 before parsing it, declared or chunked', async () => {
    const over = JSON.stringify({ steps: [['update', 'notes', randomUUID(), { title: 'big', body: 'x'.repeat(limit) }]] });
    const expected = { type: 'payload-too-large', message: `The request body is larger than the server's limit of ${limit} bytes.`, hint: { 'limit-bytes': limit } };
    await refused(post('/admin/transact', over), 413, (r) => expect(r.body).toEqual(expected));
    const chunked = await sendChunked('/admin/transact', '{"steps":[' + ' '.repeat(64 * 1024), 2 + limit / (64 * 1024));
    cases++;
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.text)).toEqual(expected);
    await stillServingUnchanged();
  });

  it('accepts a body of exactly the limit', async () => {
    const head = JSON.stringify({ query: { tags: { $: { limit: 1 } } } }).slice(0, -1) + ',"pad":"';
    const body = head + 'p'.repeat(limit - head.length - 2) + '"}';
    expect(Buffer.byteLength(body)).toBe(limit);
    const r = await post('/admin/query', body);
    expect(r.status).toBe(200);
    expect(r.body.tags).toHaveLength(1);
  });
});

describe('nesting', () => {
  const limit = DEFAULT_LIMITS.maxJsonDepth;
  const tooDeep = `Validation failed for body: JSON nesting is deeper than the server's limit of ${limit} levels`;
  // Bodies whose total depth is `d`: {"query":{"notes":{"tags":{"notes": ... }}}}
  const deepQuery = (d: number) => nested('{"query":', '{"notes":', '{}', '}', '}', d - 2);
  // {"query":{"notes":{"$":{"where":{"or":[{"or":[ ... {"title":"note-1"} ... ]}]}}}}}
  const deepWhere = (d: number) => {
    const pairs = Math.floor((d - 5) / 2);
    const odd = d - 5 - pairs * 2 === 1;
    return nested('{"query":{"notes":{"$":{"where":', '{"or":[', '{"title":' + (odd ? '{"$like":"note-1"}' : '"note-1"') + '}', ']}', '}}}}', pairs);
  };
  const deepValue = (d: number) => nested(`{"steps":[["update","notes","${randomUUID()}",{"title":"deep","meta":`, '{"a":', '1', '}', '}]]}', d - 4);

  it('builds bodies of the intended depth', () => {
    for (const make of [deepQuery, deepWhere, deepValue]) {
      for (const d of [limit - 1, limit, limit + 1, limit + 2]) expect(depthOf(make(d))).toBe(d);
    }
  });

  it('refuses bodies deeper than the limit with a clear 400, in linear time', async () => {
    for (const make of [deepQuery, deepWhere, deepValue]) {
      const ms: Record<number, number> = {};
      for (const d of [limit + 1, 50_000, 500_000]) {
        const body = make(d);
        const started = Date.now();
        await refused(post(make === deepValue ? '/admin/transact' : '/admin/query', body), 400, (r) => {
          expect(r.body).toMatchObject({ type: 'validation-failed', message: tooDeep });
        });
        ms[d] = Date.now() - started;
      }
      // Linear: 10× the depth takes about 10× as long (quadratic would be 100×); 250 ms absorb scheduling noise.
      expect(ms[500_000], `50 000 deep: ${ms[50_000]} ms, 500 000 deep: ${ms[500_000]} ms`).toBeLessThan(30 * ms[50_000] + 250);
    }
    for (const d of [limit + 1, 1_000_000]) {
      await refused(post('/admin/transact', nested('{"steps":', '[', '', ']', '}', d - 1)), 400, (r) => expect(r.body.message).toBe(tooDeep));
    }
  });

  it('handles bodies right at the limit without overflowing anything', async () => {
    // A query nested to the limit is planned level by level (`notes` is no link of notes: [] below).
    const q = await post('/admin/query', deepQuery(limit));
    expect(q.status).toBe(200);
    expect(q.body.notes).toHaveLength(NOTES);
    expect(q.body.notes[0].notes).toEqual([]);
    const w = await post('/admin/query', deepWhere(limit));
    expect(w.status).toBe(200);
    expect(w.body.notes.map((n: any) => n.title)).toEqual(['note-1']);
    // A value nested to the limit is stored and read back as it was (in a scratch app).
    const scratch = { url: T.url, ...server.addApp() };
    const eid = randomUUID();
    const body = nested(`{"steps":[["update","notes","${eid}",{"title":"deep","meta":`, '[', '"bottom"', ']', '}]]}', limit - 4);
    const stored = await send(T.url, 'POST', '/admin/transact', { headers: adminHeaders(scratch), raw: body });
    expect(stored.status).toBe(200);
    const merged = await send(T.url, 'POST', '/admin/transact', {
      headers: adminHeaders(scratch),
      raw: nested(`{"steps":[["merge","notes","${eid}",{"meta":`, '{"m":', '1', '}', '}]]}', limit - 4),
    });
    expect(merged.status).toBe(200);
    const back = await queryOk(scratch, { notes: {} });
    let depth = 0;
    for (let v = back.notes[0].meta; typeof v === 'object' && v !== null; v = v.m) depth++;
    expect(depth).toBe(limit - 4);
    baseline = rowCounts(dataFile); // the scratch app's writes were meant
  });
});

describe('huge $in lists (100 000 values)', () => {
  const HUGE = 100_000;
  const timed = async (q: object) => {
    const started = Date.now();
    const r = await query(T, q);
    return { r, ms: Date.now() - started };
  };

  it('answers correctly in linear time on ids, strings, numbers, dates and links', async () => {
    const pick = (k: number) => k % 7 === 0;
    const realIds = noteIds.filter((_, k) => pick(k));
    const expectedTitles = noteIds.map((_, k) => `note-${k}`).filter((_, k) => pick(k)).sort();
    // `size` values in all, the real ones last (so that nothing can stop early).
    const lists = (size: number) => {
      const numbers = Array.from({ length: size }, (_, k) => (k < NOTES && pick(k) ? k : NOTES + k));
      return [
        ['id', { id: { $in: [...Array.from({ length: size - realIds.length }, () => randomUUID()), ...realIds] } }, expectedTitles],
        ['title', { title: { $in: [...Array.from({ length: size }, (_, k) => `no-such-${k}`), ...expectedTitles] } }, expectedTitles],
        ['n', { n: { $in: numbers } }, expectedTitles],
        ['at (indexed date)', { at: { $in: numbers.map((k) => new Date(BASE_TIME + k * 1000).toISOString()) } }, expectedTitles],
        ['tags (link)', { tags: { $in: [...Array.from({ length: size }, () => randomUUID()), tagIds[3]] } }, ['note-3', 'note-53']],
      ] as [string, object, string[]][];
    };
    const [small, huge] = [lists(HUGE / 10), lists(HUGE)];
    for (const [k, [what, where, titlesWanted]] of huge.entries()) {
      const { r, ms } = await timed({ notes: { $: { where, fields: ['title'] } } });
      expect({ what, status: r.status }).toEqual({ what, status: 200 });
      expect(r.body.notes.map((n: any) => n.title).sort()).toEqual([...titlesWanted].sort());
      const tenth = await timed({ notes: { $: { where: small[k][1], fields: ['title'] } } });
      expect(tenth.r.status).toBe(200);
      // Linear in the list: 10× the values take about 10× as long (a quadratic pass would be 100×).
      expect(ms, `${what}: ${HUGE / 10} values ${tenth.ms} ms, ${HUGE} values ${ms} ms`).toBeLessThan(30 * tenth.ms + 250);
    }
  });

  it('refuses a huge $in with a bad value with a clear 400', async () => {
    const bad = [...Array.from({ length: HUGE }, () => randomUUID()), 'not-a-uuid'];
    await refused(query(T, { notes: { $: { where: { tags: { $in: bad } } } } }), 400, (r) =>
      expect(r.body).toMatchObject({ type: 'validation-failed', hint: { errors: [{ expected: 'uuid?' }] } }),
    );
    await refused(query(T, { notes: { $: { where: { title: { $in: [...Array(HUGE).fill('x'), { nested: true }] } } } } }), 400, (r) =>
      expect(r.body).toMatchObject({ type: 'validation-failed', hint: { errors: [{ expected: 'in-value-valid?' }] } }),
    );
  });
});

describe('large transactions within the body limit', () => {
  const bulk = (n: number, prefix: string) => {
    const tag = randomUUID();
    const ids = Array.from({ length: n }, () => randomUUID());
    const steps = [
      ['update', 'tags', tag, { name: `many ${prefix}` }],
      ...ids.map((id, k) => ['update', 'notes', id, { title: `${prefix}-${k}`, n: k }]),
      ['link', 'tags', tag, { notes: ids }],
    ];
    return { ids, steps };
  };

  it('run in linear time: 4× the steps take about 4× as long (not 16×), and a late failure rolls them back', async () => {
    const S: Target = { url: T.url, ...server.addApp() };
    const timed = async (steps: unknown[]) => {
      const started = Date.now();
      const r = await transact(S, steps);
      return { r, ms: Date.now() - started };
    };
    const small = await timed(bulk(7_500, 'small').steps);
    expect(small.r.status).toBe(200);
    const { ids, steps } = bulk(30_000, 'bulk');
    const large = await timed(steps);
    expect(large.r.status).toBe(200);
    expect(large.ms, `7 500 steps: ${small.ms} ms, 30 000 steps: ${large.ms} ms`).toBeLessThan(8 * small.ms + 1_000);
    const failing = [...ids.map((_, k) => ['update', 'notes', randomUUID(), { title: `again-${k}` }]), ['update', 'notes', randomUUID(), { title: 'bulk-0' }]];
    const refusedLate = await timed(failing);
    expect(refusedLate.r.status).toBe(400);
    expect(refusedLate.r.body.type).toBe('record-not-unique');
    expect(refusedLate.ms).toBeLessThan(8 * small.ms + 1_000);
    const back = await queryOk(S, { tags: { $: { where: { name: 'many bulk' } }, notes: { $: { fields: ['n'] } } } });
    expect(back.tags[0].notes).toHaveLength(ids.length);
    expect((await queryOk(S, { notes: { $: { where: { title: { $like: 'again-%' } } } } })).notes).toEqual([]);
    baseline = rowCounts(dataFile);
    // Only a guard against a hang: 67 500 steps and their checks take minutes on a fully loaded machine.
  }, 600_000);
});

describe('steps and ids', () => {
  const id = randomUUID();
  it('refuses unknown step kinds and malformed steps with validation-failed', async () => {
    const STEPS: [unknown, object][] = [
      [[['explode', 'notes', id, {}]], { hint: { errors: [{ expected: '#{"delete-attr"}', in: [0, 0] }] } }],
      [[['DROP TABLE triples', 'notes', id, {}]], { hint: { errors: [{ in: [0, 0] }] } }],
      [[[]], {}],
      [[null], { hint: { errors: [{ expected: 'sequential?', in: [0] }] } }],
      [[{ op: 'update' }], { hint: { errors: [{ expected: 'sequential?', in: [0] }] } }],
      [[['update']], {}],
      [[['update', 'notes']], {}],
      [[['update', 'notes', id]], {}],
      [[['update', 'notes', id, 'not a map']], { hint: { errors: [{ expected: 'map?', in: [0, 3] }] } }],
      [[['update', 'notes', id, { title: 'x' }, { upsert: 'yes' }]], { hint: { errors: [{ expected: 'boolean?', in: [0, 4] }] } }],
      [[['update', 'notes', id, { title: 'x' }, {}, 'extra']], {}],
      [[['link', 'notes', id, { tags: 123 }]], { hint: { errors: [{ expected: 'lookup?', in: [0, 3] }] } }],
      [[['delete-attr', 'not-a-uuid']], { hint: { errors: [{ expected: 'coercible-uuid?' }] } }],
      [[['update', 42, id, {}]], { hint: { errors: [{ expected: 'string?', in: [0, 1] }] } }],
      [[['update', 'notes', id, { title: 'fine' }], ['explode']], {}],
    ];
    for (const [steps, body] of STEPS) {
      await refused(send(T.url, 'POST', '/admin/transact', { headers: adminHeaders(T), body: { steps } }), 400, (r) =>
        expect(r.body).toMatchObject({ type: 'validation-failed', message: expect.stringMatching(/^Validation failed for steps/), ...body }),
      );
    }
    await refused(send(T.url, 'POST', '/admin/transact', { headers: adminHeaders(T), body: { steps: 'DROP TABLE triples' } }), 400, (r) =>
      expect(r.body.type).toBe('param-malformed'),
    );
    await refused(send(T.url, 'POST', '/admin/transact', { headers: adminHeaders(T), body: { steps: { 0: ['update'] } } }), 400, (r) =>
      expect(r.body.type).toBe('validation-failed'),
    );
  });

  it('refuses entity ids and link targets that are not uuids or lookups', async () => {
    for (const bad of ['12345', '', "1' OR '1'='1", 'x'.repeat(10_000), 42, true, null, '00000000-0000-0000-0000-00000000000g']) {
      await refused(transact(T, [['update', 'notes', bad, { title: 'bad id' }]]), 400, (r) => {
        expect(r.body.type).toBe('validation-failed');
        expect(r.body.message).toMatch(/Invalid entity ID|Validation failed for steps/);
      });
    }
    for (const bad of ['not-a-uuid', "'; DELETE FROM triples; --", 'lookup__name__{not json', 'lookup__nosuch__"x"', 'lookup__name__"no such tag"']) {
      await refused(transact(T, [['link', 'notes', noteIds[0], { tags: bad }]]), 400, (r) => expect(r.body.type).toBe('validation-failed'));
    }
    await refused(transact(T, [['update', 'notes', ['title', "' OR 1=1 --"], { n: 1 }], ['link', 'notes', noteIds[1], { tags: ['name', 'nope'] }]]), 400);
    for (const [path, what] of [
      ['/admin/users?id=not-a-uuid', 'id'],
      ['/admin/users?refresh_token=1%27%20OR%201%3D1', 'refresh_token'],
      ["/admin/users?email=x'%20OR%201=1", 'email'],
    ]) {
      await refused(send(T.url, 'GET', path, { headers: adminHeaders(T) }), 400, (r) =>
        expect(r.body).toMatchObject({ type: 'param-malformed', hint: { in: ['params', what] } }),
      );
    }
  });

  it('refuses bad query options with validation-failed', async () => {
    const OPTIONS: object[] = [
      { limit: -1 },
      { limit: '10; DROP TABLE triples' },
      { offset: "1' OR '1'='1" },
      { order: { title: 'sideways' } },
      { order: { "title DESC; DROP TABLE triples; --": 'asc' } },
      { order: { title: 'asc', n: 'desc' } },
      { fields: 'title' },
      { before: 'x' },
      { after: [1, 2] },
      { aggregate: 'sum' },
      { where: { title: { $like: 42 } } },
      { where: { n: { $gt: "0 OR 1=1" } } },
      { where: { title: { $regex: '.*' } } },
      { where: { or: [] } },
      { unknown: true },
    ];
    for (const $ of OPTIONS) {
      await refused(query(T, { notes: { $ } }), 400, (r) => expect({ $, type: r.body.type }).toEqual({ $, type: 'validation-failed' }));
    }
    // Harmless oddities are answered, not interpreted: a huge integer limit, `or` naming an attribute.
    for (const $ of [{ limit: 1e308 }, { where: { or: "x' OR 1=1" } }]) {
      const r = await query(T, { tags: { $ } });
      expect(r.status).toBe(200);
      expect(r.body.tags).toHaveLength(typeof $.limit === 'number' ? TAGS : 0);
      await stillServingUnchanged();
    }
    await refused(query(T, 'SELECT * FROM triples' as never), 400, (r) => expect(r.body.type).toBe('param-malformed'));
    await refused(query(T, { notes: "' OR 1=1" } as never), 400, (r) => expect(r.body.type).toBe('validation-failed'));
  });
});

describe('SQL-looking and JavaScript-special names and values', () => {
  const HOSTILE = [
    "x'; DROP TABLE triples; --",
    '" OR 1=1 --',
    'notes) UNION SELECT * FROM apps --',
    "Robert'); DELETE FROM attrs WHERE ('1'='1",
    '%_\\%',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'ünïcödé 😀',
    // Each name is also stored as a value and a unique lookup value, so it stays within Instant's 1 KB
    // limit for those; values over it and values with U+0000 are refused as Instant refuses them
    // (test/server/cases/values.ts).
    'n'.repeat(1_000),
  ];

  it('stores and returns them verbatim in every position (names, values, lookups, links, where, order, fields)', async () => {
    const app = server.addApp();
    const S: Target = { url: T.url, ...app };
    const before = rowCounts(dataFile).apps;
    for (const [k, name] of HOSTILE.entries()) {
      const etype = name;
      const label = `link ${name}`;
      const [eid, target] = [randomUUID(), randomUUID()];
      const write = await send(S.url, 'POST', '/admin/transact', {
        headers: adminHeaders(S),
        body: {
          steps: [
            ['update', etype, eid, { [name]: name, plain: `${name} ${k}` }],
            ['update', label, target, { v: name }],
            ['link', etype, eid, { [label]: target }],
            ['update', etype, [`key ${name}`, name], { plain: 'through a lookup' }],
          ],
          'throw-on-missing-attrs?': false,
        },
      });
      expect({ name, status: write.status, body: write.body }).toMatchObject({ name, status: 200 });
      const q = async (where: object) => (await queryOk(S, { [etype]: { $: { where }, [label]: {} } }))[etype];
      const all = await queryOk(S, { [etype]: { [label]: {} } });
      expect(Object.keys(all)).toEqual([etype]);
      const rows = all[etype];
      expect(rows).toHaveLength(2);
      const main = rows.find((r: any) => r.id === eid);
      expect(Object.getPrototypeOf(main)).toBe(Object.prototype);
      expect(Object.hasOwn(main, name)).toBe(true);
      expect(main[name]).toBe(name);
      expect(main.plain).toBe(`${name} ${k}`);
      expect(main[label]).toEqual([{ id: target, v: name }]);
      const viaLookup = rows.find((r: any) => r.id !== eid);
      expect(viaLookup).toMatchObject({ [`key ${name}`]: name, plain: 'through a lookup' });
      expect((await q({ [name]: name })).map((r: any) => r.id)).toEqual([eid]);
      expect((await q({ [`${label}.v`]: name })).map((r: any) => r.id)).toEqual([eid]);
      expect((await q({ plain: { $in: [`${name} ${k}`, "' OR '1'='1"] } })).map((r: any) => r.id)).toEqual([eid]);
      expect(await q({ [name]: "' OR '1'='1" })).toEqual([]);
      const picked = await queryOk(S, { [etype]: { $: { where: { id: eid }, fields: [name] } } });
      expect(picked[etype]).toEqual([{ id: eid, [name]: name }].map((o) => Object.fromEntries(Object.entries(o))));
      // Ordering on an attr that is not indexed is refused, not interpreted.
      const ordered = await query(S, { [etype]: { $: { order: { [name]: 'desc' } } } });
      expect(ordered.status).toBe(400);
      expect(ordered.body.type).toBe('validation-failed');
    }
    // The catalog lists every name as it was given, and nothing leaked into Object.prototype.
    const catalog = await send(S.url, 'GET', '/admin/schema', { headers: adminHeaders(S) });
    expect(catalog.status).toBe(200);
    for (const name of HOSTILE) {
      expect(Object.hasOwn(catalog.body.schema.blobs, name)).toBe(true);
      expect(Object.keys(catalog.body.schema.blobs[name]).sort()).toEqual(['id', name, `key ${name}`, 'plain'].sort());
    }
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as any).id).toBeUndefined();
    // Other apps and the tables are intact.
    expect(rowCounts(dataFile).apps).toBe(before);
    expect((await queryOk(T, { tags: {} })).tags).toHaveLength(TAGS);
    const db = new Database(dataFile, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    baseline = rowCounts(dataFile);
  });

  it('keeps `__proto__` keys inside JSON values, also through merge', async () => {
    const S: Target = { url: T.url, ...server.addApp() };
    const eid = randomUUID();
    const raw = `{"steps":[["update","notes","${eid}",{"title":"p","meta":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}}]]}`;
    expect((await send(S.url, 'POST', '/admin/transact', { headers: adminHeaders(S), raw })).status).toBe(200);
    const merge = `{"steps":[["merge","notes","${eid}",{"meta":{"__proto__":{"more":1},"toString":"s"}}]]}`;
    expect((await send(S.url, 'POST', '/admin/transact', { headers: adminHeaders(S), raw: merge })).status).toBe(200);
    const back = await query(S, { notes: {} });
    expect(back.text).toContain('"meta":{"__proto__":{"polluted":true,"more":1},"constructor":{"prototype":{"x":1}},"toString":"s"}');
    expect(({} as any).polluted).toBeUndefined();
    expect(({} as any).more).toBeUndefined();
    baseline = rowCounts(dataFile);
  });
});
