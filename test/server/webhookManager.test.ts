// `db.webhooks.manager` against the local server, through the official SDK and through a generated client:
// the same calls give the same results and the same errors (dash/routes.clj `webhooks-get` …
// `webhook-event-resend-post`, model/webhook.clj `create!`/`update!`/`enable!` validation and messages,
// superadmin/routes.clj `req->superadmin-app!` for another app's admin token).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init } from '@instantdb/admin';
import schema from '../../fixtures/todo/instant.schema.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { importGeneratedClient } from '../support/generatedClient.js';
import { schemaIR } from '../support/localServer.js';
import { eventually } from '../support/webhookReceivers.js';

let server: RunningServer;
let gen: any;

beforeAll(async () => {
  gen = await importGeneratedClient('todo');
  server = await startServer({ schema: schemaIR(schema) });
}, 120_000);

afterAll(() => server?.close());

type Manager = ReturnType<typeof init>['webhooks']['manager'];


/** A fresh app and its two managers. */
function managers() {
  const app = server.addApp();
  const sdkDb = init({ ...app, apiURI: server.url, schema });
  const genDb = gen.createClient({ ...app, apiURI: server.url });
  return { app, sdkDb, sides: { sdk: sdkDb.webhooks.manager as Manager, gen: genDb.webhooks.manager as Manager } };
}

/** Ids and times differ between apps; everything else must not. */
const stable = (w: any) => ({ ...w, id: typeof w.id, createdAt: w.createdAt instanceof Date, updatedAt: w.updatedAt instanceof Date });

/** A port nothing listens on (fetch refuses some well-known ports outright). */
async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function error(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (e: any) {
    return { status: e.status, body: e.body };
  }
  throw new Error('expected a rejection');
}

describe('webhook manager parity (SDK and generated client, local server)', { timeout: 120_000 }, () => {
  it('create, list, update, disable (reason), enable, delete give the same results', async () => {
    const results: Record<string, unknown[]> = {};
    for (const [side, m] of Object.entries(managers().sides)) {
      const created = await m.create({ url: 'https://example.com/a', namespaces: ['goals', 'todos'], actions: ['create', 'delete'] });
      const listed = await m.list();
      const updated = await m.update(created.id, { actions: ['update'] });
      const disabled = await m.disable(created.id, { reason: 'maintenance' });
      const enabled = await m.enable(created.id);
      const deleted = await m.delete(created.id);
      const after = await m.list();
      results[side] = [created, ...listed, updated, disabled, enabled, deleted].map(stable).concat([after]);
    }
    expect(results['gen']).toStrictEqual(results['sdk']);
    expect(results['sdk']![0]).toMatchObject({ sink: { url: 'https://example.com/a' }, namespaces: ['goals', 'todos'], actions: ['create', 'delete'], status: 'active', disabledReason: null });
    expect(results['sdk']![3]).toMatchObject({ status: 'disabled', disabledReason: 'maintenance', actions: ['update'] });
    expect(results['sdk']![6]).toStrictEqual([]);
  });

  it.each([
    ['an unknown namespace', { url: 'https://example.com', namespaces: ['nope'], actions: ['create'] }, 'Validation failed for webhook: Could not find matching table for nope'],
    ['no actions', { url: 'https://example.com', namespaces: ['goals'], actions: [] }, 'Validation failed for webhook: Webhook must have at least one action.'],
    ['no namespaces', { url: 'https://example.com', namespaces: [], actions: ['create'] }, 'Validation failed for webhook: Webhook must have at least one table.'],
    ['a non-http url', { url: 'ftp://example.com', namespaces: ['goals'], actions: ['create'] }, 'Validation failed for webhook: The Webhook url must be https (the local server also accepts http).'],
  ])('create with %s is rejected the same way', async (_name, params, message) => {
    const { sides } = managers();
    const sdk = await error(() => sides.sdk.create(params as any));
    const genErr = await error(() => sides.gen.create(params as any));
    expect(genErr).toStrictEqual(sdk);
    expect(sdk).toMatchObject({ status: 400, body: { type: 'validation-failed', message } });
  });

  it('a duplicate active webhook, an unknown webhook and another app\'s admin token are rejected the same way', async () => {
    const { app, sides } = managers();
    const params = { url: 'https://example.com/dup', namespaces: ['goals'], actions: ['create'] } as const;
    const first = await sides.sdk.create({ ...params, namespaces: [...params.namespaces], actions: [...params.actions] });
    for (const m of [sides.sdk, sides.gen]) {
      const dup = await error(() => m.create({ ...params, namespaces: [...params.namespaces], actions: [...params.actions] }));
      expect(dup).toMatchObject({ status: 400, body: { message: 'Validation failed for webhooks: A webhook already exists with all of the same properties', hint: { errors: [{ hint: { 'webhook-id': first.id } }] } } });
      const missing = await error(() => m.delete(crypto.randomUUID()));
      expect(missing).toMatchObject({ status: 400, body: { type: 'record-not-found', message: 'Record not found: webhook' } });
    }
    const other = server.addApp();
    const foreign = [
      init({ appId: app.appId, adminToken: other.adminToken, apiURI: server.url, schema }).webhooks.manager,
      gen.createClient({ appId: app.appId, adminToken: other.adminToken, apiURI: server.url }).webhooks.manager,
    ];
    const [a, b] = await Promise.all(foreign.map((m) => error(() => m.list())));
    expect(b).toStrictEqual(a);
    expect(a).toMatchObject({ status: 400, body: { type: 'validation-failed', hint: { reason: 'admin-token-mismatch' } } });
  });

  it('events, one event and its payload read the same through both clients', async () => {
    const { sdkDb, sides } = managers();
    const hook = await sides.sdk.create({ url: `http://127.0.0.1:${await closedPort()}/unreachable`, namespaces: ['goals'], actions: ['create'] });
    const goal = crypto.randomUUID();
    await sdkDb.transact(sdkDb.tx.goals[goal]!.update({ title: 'g', priority: 2, done: true }));
    await eventually('one attempt made', async () => ((await sides.sdk.listEvents(hook.id)).events[0]?.attempts?.length ?? 0) >= 1);
    const read = async (m: Manager) => {
      const page = await m.listEvents(hook.id);
      const isn = page.events[0]!.isn;
      const event = await m.getEvent(hook.id, isn);
      const payload = await m.getPayload(hook.id, isn);
      return { page: { ...page, events: page.events.map((e) => ({ ...e, attempts: e.attempts?.length })) }, event: { isn: event.isn, attempts: event.attempts![0]!.errorType }, payload };
    };
    const [a, b] = [await read(sides.sdk), await read(sides.gen)];
    expect(b).toStrictEqual(a);
    expect(a.event.attempts).toBe('connect');
    expect(a.payload.data).toStrictEqual([
      { namespace: 'goals', id: goal, action: 'create', before: null, after: { id: goal, done: true, dueDate: null, priority: 2, title: 'g' }, idempotencyKey: expect.any(String) },
    ]);
    expect(a.page.pageInfo).toMatchObject({ hasNextPage: false, startCursor: expect.any(String) });
  });

  // model/webhook.clj: `get-events` lists the last 60 days (`events-max-age`); one event is read from the 3
  // most recent 30-day partitions (`get-event-by-isn`, `events-bucket-count`), older ones are truncated.
  it('events are listed for 60 days, kept for 90, then deleted with the changes only they needed', async () => {
    const DAY = 86_400_000;
    let clock = Date.now();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webhook-retention-'));
    const dataFile = path.join(dir, 'data.db');
    const aged = await startServer({ schema: schemaIR(schema), dataFile, webhooks: { retryDelaysMs: [], maxAttempts: 1, now: () => clock } });
    try {
      const sdkDb = init({ appId: aged.appId, adminToken: aged.adminToken, apiURI: aged.url, schema });
      const sides = { sdk: sdkDb.webhooks.manager as Manager, gen: gen.createClient({ appId: aged.appId, adminToken: aged.adminToken, apiURI: aged.url }).webhooks.manager as Manager };
      const hook = await sides.sdk.create({ url: `http://127.0.0.1:${await closedPort()}/unreachable`, namespaces: ['goals'], actions: ['create'] });
      const write = () => sdkDb.transact(sdkDb.tx.goals[crypto.randomUUID()]!.update({ title: 'g', priority: 1, done: false }));
      await write();
      await eventually('the first event', async () => (await sides.sdk.listEvents(hook.id)).events.length === 1);
      const old = (await sides.sdk.listEvents(hook.id)).events[0]!.isn;

      clock += 61 * DAY;
      for (const m of Object.values(sides)) {
        expect((await m.listEvents(hook.id)).events).toEqual([]);
        expect((await m.getEvent(hook.id, old)).isn).toBe(old);
      }

      clock += 30 * DAY;
      await write(); // the first commit in an hour prunes
      await eventually('the new event', async () => (await sides.sdk.listEvents(hook.id)).events.length === 1);
      for (const m of Object.values(sides)) {
        expect((await m.listEvents(hook.id)).events.map((e) => e.isn)).not.toContain(old);
        expect(await error(() => m.getEvent(hook.id, old))).toMatchObject({ status: 400, body: { type: 'record-not-found' } });
      }
      const count = (table: string) => {
        const db = new Database(dataFile, { readonly: true });
        try {
          return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
        } finally {
          db.close();
        }
      };
      expect([count('webhook_events'), count('webhook_changes')]).toEqual([1, 1]);

      await sides.gen.delete(hook.id);
      expect([count('webhook_events'), count('webhook_changes')]).toEqual([0, 0]);
    } finally {
      await aged.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
