// Webhooks end to end: the local server delivers to a receiver written with the official SDK's
// `processRequest` and to one written with a generated client's typed handlers. Both accept genuine
// deliveries and reject forged, stale and replayed ones and deliveries for another app, without calling a
// handler. Behaviour taken from Instant: server/src/instant/webhook_sender.clj (signature header, body),
// webhook_routes.clj (JWKS, payload route), webhook_jwt.clj (payload token), model/webhook.clj (records,
// idempotency keys, retries, 410), webhook_processor.clj (disabled webhooks), and the SDK's
// client/packages/webhooks/src/index.ts (what a receiver checks).
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init } from '@instantdb/admin';
import schema from '../../fixtures/todo/instant.schema.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { importGeneratedClient } from '../support/generatedClient.js';
import { schemaIR } from '../support/localServer.js';
import { eventually, generatedReceiver, sdkReceiver, type Receiver } from '../support/webhookReceivers.js';

const ir = schemaIR(schema);
const ALL = ['create', 'update', 'delete'] as const;
let server: RunningServer;
let gen: any;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  gen = await importGeneratedClient('todo');
  server = await startServer({ schema: ir, webhooks: { retryDelaysMs: [20], maxAttempts: 3 } });
}, 120_000);

afterAll(async () => {
  for (const close of closers) await close();
  await server?.close();
});

function clients(s: RunningServer, app = { appId: s.appId, adminToken: s.adminToken }) {
  return {
    sdk: init({ ...app, apiURI: s.url, schema }),
    gen: gen.createClient({ ...app, apiURI: s.url }),
  };
}

async function receivers(s: RunningServer, app: { appId: string; adminToken: string }, answer?: () => number | undefined) {
  const { gen: db } = clients(s, app);
  const both = { sdk: await sdkReceiver(s.url, app.appId, answer), gen: await generatedReceiver(db, answer) };
  closers.push(both.sdk.close, both.gen.close);
  return both;
}

const accepted = (r: Receiver) => r.deliveries.filter((d) => d.status === 200);

describe('delivery to receivers written with the SDK and with generated handlers', { timeout: 120_000 }, () => {
  let app: { appId: string; adminToken: string };
  let recv: { sdk: Receiver; gen: Receiver };
  const goal = crypto.randomUUID();

  beforeAll(async () => {
    app = server.addApp();
    recv = await receivers(server, app);
    const { sdk, gen: db } = clients(server, app);
    await sdk.webhooks.manager.create({ url: recv.sdk.url, namespaces: ['goals'], actions: [...ALL] });
    await db.webhooks.manager.create({ url: recv.gen.url, namespaces: ['goals'], actions: [...ALL] });
    await sdk.transact(sdk.tx.goals[goal]!.update({ title: 'first', priority: 1, done: false }));
    await eventually('the create is delivered', () => accepted(recv.sdk).length === 1 && accepted(recv.gen).length === 1);
    await sdk.transact(sdk.tx.goals[goal]!.update({ title: 'second' }));
    await eventually('the update is delivered', () => accepted(recv.sdk).length === 2 && accepted(recv.gen).length === 2);
    // A link-only change is no record (model/webhook.clj: "we currently don't support webhooks for linking").
    await sdk.transact(sdk.tx.todos[crypto.randomUUID()]!.update({ title: `t-${goal}`, done: false, createdAt: 1 }).link({ goal }));
    await sdk.transact(sdk.tx.goals[goal]!.delete());
    await eventually('the delete is delivered', () => accepted(recv.sdk).length === 3 && accepted(recv.gen).length === 3);
  });

  it('both receivers accept every genuine delivery; handlers see create, update and delete with before/after', () => {
    const base = { id: goal, done: false, dueDate: null, priority: 1 };
    const expected = [
      { namespace: 'goals', id: goal, action: 'create', before: null, after: { ...base, title: 'first' } },
      { namespace: 'goals', id: goal, action: 'update', before: { ...base, title: 'first' }, after: { ...base, title: 'second' } },
      { namespace: 'goals', id: goal, action: 'delete', before: { ...base, title: 'second' }, after: null },
    ];
    for (const r of [recv.sdk, recv.gen]) {
      expect(r.handled.map(({ idempotencyKey, ...rest }) => rest)).toStrictEqual(expected);
      expect(r.handled.every((h) => typeof h.idempotencyKey === 'string')).toBe(true);
    }
    // The same transaction gives the same record keys, whichever webhook delivered it.
    expect(recv.sdk.handled.map((h) => h.idempotencyKey)).toStrictEqual(recv.gen.handled.map((h) => h.idempotencyKey));
  });

  it('deliveries carry Instant-Signature (t, kid, v1 = 128 hex digits), Idempotency-Key and {payloadUrl, token}', () => {
    const d = recv.sdk.deliveries[0]!;
    expect(d.headers['instant-signature']).toMatch(/^t=\d+,kid=\d+,v1=[0-9a-f]{128}$/);
    expect(d.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.headers['user-agent']).toBe('InstantDB Webhook Sender');
    expect(Object.keys(JSON.parse(d.body))).toStrictEqual(['payloadUrl', 'token']);
    expect(JSON.parse(d.body).payloadUrl).toMatch(new RegExp(`^${server.url}/webhooks/payload/${app.appId}/[0-9a-f-]{36}/0/0/[0-9A-F]+$`));
  });

  it.each(['sdk', 'gen'] as const)('%s: a replayed delivery is rejected and no handler runs', async (side) => {
    const r = recv[side];
    const handled = r.handled.length;
    const original = r.deliveries[0]!;
    const replay = await r.send(original.headers, original.body);
    expect(replay.status).toBe(400);
    expect(replay.error).toMatch(/replay/i);
    expect(r.handled.length).toBe(handled);
  });

  it.each(['sdk', 'gen'] as const)('%s: a forged body (signature of another body) is rejected and no handler runs', async (side) => {
    const r = recv[side];
    const handled = r.handled.length;
    const genuine = r.deliveries[1]!;
    const other = JSON.parse(r.deliveries[0]!.body);
    const forged = await r.send(genuine.headers, JSON.stringify({ payloadUrl: other.payloadUrl, token: JSON.parse(genuine.body).token }));
    expect(forged.status).toBe(400);
    expect(forged.error).toMatch(/did not validate/i);
    expect(r.handled.length).toBe(handled);
  });

  it.each(['sdk', 'gen'] as const)('%s: a delivery signed with a key the server does not publish is rejected', async (side) => {
    const r = recv[side];
    const handled = r.handled.length;
    const genuine = r.deliveries[1]!;
    const { privateKey } = generateKeyPairSync('ed25519');
    const t = String(Math.floor(Date.now() / 1000));
    const v1 = sign(null, Buffer.from(`${t}.${genuine.body}`), privateKey).toString('hex');
    const forged = await r.send({ ...genuine.headers, 'instant-signature': `t=${t},kid=12345,v1=${v1}` }, genuine.body);
    expect(forged.status).toBe(400);
    expect(forged.error).toMatch(/signing key/i);
    expect(r.handled.length).toBe(handled);
  });

  it('the JWKS is Ed25519, and the payload route refuses a token for another event or none at all', async () => {
    const jwks = await (await fetch(`${server.url}/.well-known/webhooks/jwks.json`)).json();
    expect(jwks.keys).toStrictEqual([{ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: expect.stringMatching(/^\d+$/), x: expect.any(String) }]);
    const [first, second] = recv.sdk.deliveries.map((d) => JSON.parse(d.body));
    const swapped = await fetch(first.payloadUrl, { headers: { authorization: `Bearer ${second.token}` } });
    expect(swapped.status).toBe(400);
    expect((await swapped.json()).type).toBe('validation-failed');
    const bare = await fetch(first.payloadUrl);
    expect(bare.status).toBe(400);
    expect((await bare.json()).type).toBe('param-missing');
  });
});

describe('what receivers reject', { timeout: 120_000 }, () => {
  it('a delivery for another app (signed by the same server) is rejected by both receivers; no handler runs', async () => {
    const mine = server.addApp();
    const other = server.addApp();
    const recv = await receivers(server, mine);
    const { sdk } = clients(server, other);
    await sdk.webhooks.manager.create({ url: recv.sdk.url, namespaces: ['goals'], actions: ['create'] });
    await sdk.webhooks.manager.create({ url: recv.gen.url, namespaces: ['goals'], actions: ['create'] });
    await sdk.transact(sdk.tx.goals[crypto.randomUUID()]!.update({ title: 'x', priority: 1, done: false }));
    await eventually('both receivers answered', () => recv.sdk.deliveries.length >= 1 && recv.gen.deliveries.length >= 1);
    expect(recv.sdk.deliveries[0]!.status).toBe(400);
    expect(recv.sdk.deliveries[0]!.error).toMatch(/another app/);
    expect(recv.gen.deliveries[0]!.status).toBe(400);
    expect(recv.gen.deliveries[0]!.error).toMatch(/not this client's app/);
    expect([...recv.sdk.handled, ...recv.gen.handled]).toStrictEqual([]);
  });

  it('a stale signature (a server signing 10 minutes in the past) is rejected; the event is retried, then fails', async () => {
    const skewed = await startServer({ schema: ir, webhooks: { retryDelaysMs: [20], maxAttempts: 2, now: () => Date.now() - 600_000 } });
    closers.push(() => skewed.close());
    const app = { appId: skewed.appId, adminToken: skewed.adminToken };
    const recv = await receivers(skewed, app);
    const { sdk } = clients(skewed, app);
    const hook = await sdk.webhooks.manager.create({ url: recv.sdk.url, namespaces: ['goals'], actions: ['create'] });
    await sdk.webhooks.manager.create({ url: recv.gen.url, namespaces: ['goals'], actions: ['create'] });
    await sdk.transact(sdk.tx.goals[crypto.randomUUID()]!.update({ title: 'x', priority: 1, done: false }));
    await eventually('the event fails', async () => (await sdk.webhooks.manager.listEvents(hook.id)).events[0]?.status === 'failed');
    expect(recv.sdk.deliveries.map((d) => d.status)).toStrictEqual([400, 400]);
    expect(recv.sdk.deliveries[0]!.error).toMatch(/too old/);
    await eventually('the generated receiver answered twice', () => recv.gen.deliveries.length === 2);
    expect(recv.gen.deliveries.every((d) => d.status === 400 && /old; the tolerance is 300 s/.test(d.error!))).toBe(true);
    expect([...recv.sdk.handled, ...recv.gen.handled]).toStrictEqual([]);
    const [event] = (await sdk.webhooks.manager.listEvents(hook.id)).events;
    expect(event!.attempts!.map((a) => [a.success, a.statusCode])).toStrictEqual([[false, 400], [false, 400]]);
    expect(event!.nextAttemptAfter).toBe(null);
  });
});

describe('retries, resend, 410 and disabled webhooks (model/webhook.clj record-attempt!)', { timeout: 120_000 }, () => {
  it('a failed attempt is retried with backoff; a resend delivers again with the same Idempotency-Key', async () => {
    const app = server.addApp();
    const answers = [500];
    const recv = await receivers(server, app, () => answers.shift());
    const { sdk, gen: db } = clients(server, app);
    const hook = await db.webhooks.manager.create({ url: recv.gen.url, namespaces: ['goals'], actions: ['create'] });
    await sdk.transact(sdk.tx.goals[crypto.randomUUID()]!.update({ title: 'x', priority: 1, done: false }));
    await eventually('delivered on the second attempt', () => accepted(recv.gen).length === 1);
    const [event] = (await db.webhooks.manager.listEvents(hook.id)).events;
    expect(event.status).toBe('success');
    expect(event.attempts.map((a: any) => a.statusCode)).toStrictEqual([500, 200]);
    expect(recv.gen.handled).toHaveLength(1);
    const resent = await db.webhooks.manager.resendEvent(hook.id, event.isn);
    expect(resent.status).toBe('pending');
    await eventually('delivered again', () => recv.gen.deliveries.length === 3);
    const [first, , again] = recv.gen.deliveries;
    expect(again!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
    // The receiver already handled that payload: it refuses the resend as a replay.
    expect(again!.status).toBe(400);
    expect(recv.gen.handled).toHaveLength(1);
  });

  it('a 410 answer disables the webhook; a disabled webhook gets no new events', async () => {
    const app = server.addApp();
    const recv = await receivers(server, app, () => 410);
    const { sdk } = clients(server, app);
    const hook = await sdk.webhooks.manager.create({ url: recv.sdk.url, namespaces: ['goals'], actions: ['create'] });
    await sdk.transact(sdk.tx.goals[crypto.randomUUID()]!.update({ title: 'x', priority: 1, done: false }));
    await eventually('disabled', async () => (await sdk.webhooks.manager.list())[0]?.status === 'disabled');
    const [info] = await sdk.webhooks.manager.list();
    expect(info!.disabledReason).toBe('Endpoint returned 410 status code.');
    expect((await sdk.webhooks.manager.listEvents(hook.id)).events.map((e) => e.status)).toStrictEqual(['failed']);
    await sdk.transact(sdk.tx.goals[crypto.randomUUID()]!.update({ title: 'y', priority: 1, done: false }));
    expect((await sdk.webhooks.manager.listEvents(hook.id)).events).toHaveLength(1);
  });
});
