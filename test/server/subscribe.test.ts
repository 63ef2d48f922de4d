// Live queries against the local server, what needs a server of its own: limits, slow consumers, rules and
// schema changes, shutdown. The conformance cases of cases/subscribe.ts run in sdk-conformance.test.ts and
// generated-conformance.test.ts. Timeouts are generous on purpose (a busy machine); no assertion is about time.

import { beforeAll, describe, expect, it } from 'vitest';
import { i, id, init, setInstantWarningsEnabled } from '@instantdb/admin';
import { startServer } from '../../src/server/index.js';
import { schemaIR } from '../support/localServer.js';
import { eventually, openStream, subscribe } from '../support/live.js';

const TIMEOUT = { timeout: 60_000 };

beforeAll(() => setInstantWarningsEnabled(false));

const schema = i.schema({ entities: { notes: i.entity({ text: i.string(), public: i.boolean().optional() }) } });

async function ownServer(limits: Parameters<typeof startServer>[0]['limits'] = {}) {
  const s = await startServer({ schema: schemaIR(schema), memory: true, log: () => undefined, limits });
  const db = init({ appId: s.appId, adminToken: s.adminToken, apiURI: s.url, schema });
  const headers = { 'content-type': 'application/json', 'app-id': s.appId, authorization: `Bearer ${s.adminToken}` };
  return { s, db, headers };
}

describe('server-level behaviour', () => {
  it('per-app and per-server subscription limits answer 429 rate-limited before the stream opens', TIMEOUT, async () => {
    const { s, headers } = await ownServer({ maxSubscriptionsPerApp: 2, maxSubscriptions: 3 });
    try {
      const other = s.addApp();
      const otherHeaders = { ...headers, 'app-id': other.appId, authorization: `Bearer ${other.adminToken}` };
      const open = [await openStream(s.url, { query: { notes: {} } }, headers), await openStream(s.url, { query: { notes: {} } }, headers)];
      const perApp = await openStream(s.url, { query: { notes: {} } }, headers);
      expect(perApp.status).toBe(429);
      expect(perApp.body).toMatchObject({ type: 'rate-limited', hint: { limit: 2, scope: 'app' } });
      open.push(await openStream(s.url, { query: { notes: {} } }, otherHeaders));
      const perServer = await openStream(s.url, { query: { notes: {} } }, otherHeaders);
      expect(perServer.body).toMatchObject({ type: 'rate-limited', hint: { limit: 3, scope: 'server' } });
      expect(s.subscriptionCount()).toBe(3);
      // A closed one makes room again.
      open[0].close();
      await eventually(() => s.subscriptionCount(s.appId) === 1);
      const again = await openStream(s.url, { query: { notes: {} } }, headers);
      expect(again.status).toBe(200);
      for (const st of [...open, again]) st.close();
    } finally {
      await s.close();
    }
  });

  it('a client that does not read is disconnected once its unsent data passes the limit, and freed', TIMEOUT, async () => {
    const { s, db, headers } = await ownServer({ maxSubscriptionBufferBytes: 64 * 1024 });
    try {
      // A raw request whose body is never read: the server's writes pile up in the socket buffers.
      const res = await fetch(`${s.url}/admin/subscribe-query`, { method: 'POST', headers, body: JSON.stringify({ query: { notes: {} } }) });
      expect(res.status).toBe(200);
      await eventually(() => s.subscriptionCount() === 1);
      const big = 'x'.repeat(256 * 1024);
      const noteId = id();
      for (let n = 0; s.subscriptionCount() > 0; n++) {
        await db.transact(db.tx.notes[noteId].update({ text: `${n}${big}` }));
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(s.subscriptionCount()).toBe(0);
      // A reading client is not affected by the same writes.
      const { feed, sub } = subscribe(db as any, { notes: {} });
      await feed.next();
      await db.transact(db.tx.notes[noteId].update({ text: 'small' }));
      const { item } = await feed.until((p) => p.data?.notes[0]?.text === 'small');
      expect(item.type).toBe('ok');
      sub.close();
    } finally {
      await s.close();
    }
  });

  it('new rules (setRules) refresh impersonated subscriptions', TIMEOUT, async () => {
    const { s, db } = await ownServer();
    try {
      s.setRules({ notes: { allow: { view: 'data.public == true' } } });
      await db.transact([db.tx.notes[id()].update({ text: 'open', public: true }), db.tx.notes[id()].update({ text: 'closed', public: false })]);
      const { feed, sub } = subscribe(db.asUser({ guest: true }) as any, { notes: {} });
      const first = await feed.next();
      s.setRules({ notes: { allow: { view: 'true' } } });
      const next = await feed.next();
      sub.close();
      expect(first.data.notes.map((n: any) => n.text)).toEqual(['open']);
      expect(next.data.notes.map((n: any) => n.text).sort()).toEqual(['closed', 'open']);
    } finally {
      await s.close();
    }
  });

  it('a schema change (updateSchema) recomputes subscriptions: a query on a new namespace starts answering', TIMEOUT, async () => {
    const { s } = await ownServer();
    try {
      const { feed, sub } = subscribe(init({ appId: s.appId, adminToken: s.adminToken, apiURI: s.url }) as any, { tags: {} });
      expect((await feed.next()).data).toEqual({ tags: [] });
      const wider = i.schema({ entities: { notes: i.entity({ text: i.string() }), tags: i.entity({ name: i.string() }) } });
      s.updateSchema(schemaIR(wider));
      // Attrs exist now, no data yet: the result is unchanged, nothing is pushed; the first tag is.
      const tagDb = init({ appId: s.appId, adminToken: s.adminToken, apiURI: s.url, schema: wider });
      await tagDb.transact(tagDb.tx.tags[id()].update({ name: 'red' }));
      const next = await feed.next();
      sub.close();
      expect(next.data.tags.map((t: any) => t.name)).toEqual(['red']);
    } finally {
      await s.close();
    }
  });

  it('closing the server ends every stream and frees every subscription', TIMEOUT, async () => {
    const { s, headers } = await ownServer();
    const stream = await openStream(s.url, { query: { notes: {} } }, headers);
    await stream.messages.next();
    expect(s.subscriptionCount()).toBe(1);
    await s.close();
    expect(s.subscriptionCount()).toBe(0);
  });
});
