// The generated client's one-shot live reads against the local server: `count` (aggregate: 'count' over
// /admin/subscribe-query), `paginate` and `pages` (page-info cursors), checked against what /admin/query
// answers for the same data. The SDK has no counterpart to compare with: it drops the count
// (wire-protocol.md §4.5) and has no paginate.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSchema } from '../../src/schema/loadSchema.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { importGeneratedClient } from '../support/generatedClient.js';
import { GENEROUS_LIMITS } from '../support/limits.js';
import { eventually } from '../support/live.js';
import { fixtureSchema } from '../support/paths.js';

let server: RunningServer;
let db: any;
let gen: any;

beforeAll(async () => {
  const { ir } = await loadSchema(fixtureSchema('todo'));
  server = await startServer({ schema: ir, memory: true, log: () => undefined, limits: GENEROUS_LIMITS });
  gen = await importGeneratedClient('todo');
  db = gen.createClient({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url });
  const chunks = Array.from({ length: 23 }, (_, k) => db.goals.tx(crypto.randomUUID()).update({ title: `goal ${k}`, priority: k % 5, done: k % 3 === 0 }));
  await db.transact(chunks);
});

afterAll(async () => {
  await server?.close();
});

describe('count, paginate and pages through the local server', () => {
  it('count matches the rows a query returns, with and without where', async () => {
    expect(await db.goals.count()).toBe(23);
    expect(await db.goals.count({ where: { done: true } })).toBe((await db.goals.query({ $: { where: { done: true } } })).length);
    expect(await db.goals.count({ where: { priority: { $gte: 3 } } })).toBe(8);
    expect(await db.goals.count({ where: { title: 'nobody' } })).toBe(0);
  });

  it('count as a user is refused before anything is sent', async () => {
    await expect(db.asUser({ guest: true }).goals.count()).rejects.toThrow(/Instant counts only for the admin/);
  });

  it('paginate walks forwards and backwards with the cursors it returns, as /admin/query orders them', async () => {
    const all = await db.goals.query({ $: { order: { priority: 'asc' } } });
    const first = await db.goals.paginate({ first: 10, order: { priority: 'asc' } });
    expect(first.rows.map((r: any) => r.id)).toEqual(all.slice(0, 10).map((r: any) => r.id));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await db.goals.paginate({ first: 10, after: first.pageInfo.endCursor, order: { priority: 'asc' } });
    expect(second.rows.map((r: any) => r.id)).toEqual(all.slice(10, 20).map((r: any) => r.id));
    expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const back = await db.goals.paginate({ last: 10, before: second.pageInfo.startCursor, order: { priority: 'asc' } });
    expect(back.rows.map((r: any) => r.id)).toEqual(first.rows.map((r: any) => r.id));
  });

  it('pages yields every row once, in order, and ends', async () => {
    const all = await db.goals.query({ $: { where: { done: false }, order: { priority: 'desc' } } });
    const seen: string[] = [];
    let pages = 0;
    for await (const page of db.goals.pages({ first: 4, where: { done: false }, order: { priority: 'desc' } })) {
      pages++;
      seen.push(...page.rows.map((r: any) => r.id));
    }
    expect(seen).toEqual(all.map((r: any) => r.id));
    expect(pages).toBe(Math.ceil(all.length / 4));
    // Each page was a one-shot subscription: the server lets go of all of them.
    await eventually(() => server.subscriptionCount(server.appId) === 0);
  });
});
