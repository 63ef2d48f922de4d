// `db.webhooks.manager` requests: the generated client must put on the wire what @instantdb/admin@1.0.67's
// `WebhooksManager` does (client/packages/webhooks/src/index.ts: `authorization: Bearer <admin token>`, JSON
// content type, no app-id header or app_id query parameter; paths of dash/routes.clj and webhook_routes.clj).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../support/captureServer.js';
import { generateTodoClient, makeGen, makeSdk, removeDir, wireView, type GeneratedModule } from './harness.js';

let server: CaptureServer;
let mod: GeneratedModule;
let dir: string | undefined;

beforeAll(async () => {
  server = await startCaptureServer();
  ({ mod, dir } = await generateTodoClient('webhooks'));
}, 120_000);

afterAll(async () => {
  await server?.close();
  removeDir(dir);
});

const HOOK = '3a1f2b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';
const ISN = '0/0/1A';
const webhook = { id: HOOK, sink: { url: 'https://example.com' }, namespaces: ['goals'], actions: ['create'], status: 'active', disabled_reason: null, created_at: '2026-05-01T00:00:00.000Z', updated_at: '2026-05-01T00:00:00.000Z' };
const event = { isn: ISN, status: 'success', attempts: null, next_attempt_after: null, created_at: '2026-05-01T00:00:00.000Z', updated_at: '2026-05-01T00:00:00.000Z' };
const answers: Record<string, unknown> = {
  list: { webhooks: [webhook] },
  events: { events: [event], pageInfo: { startCursor: 'a', endCursor: 'b', hasNextPage: true } },
  event: { event },
  payload: { data: [], idempotencyKey: '00000000-0000-4000-8000-000000000000' },
};

type Manager = ReturnType<typeof makeSdk>['webhooks']['manager'];
const CALLS: [string, string, (m: Manager) => Promise<unknown>][] = [
  ['list', 'list', (m) => m.list()],
  ['create', 'list', (m) => m.create({ url: 'https://example.com', namespaces: ['goals', 'todos'], actions: ['create', 'update'] })],
  ['update', 'list', (m) => m.update(HOOK, { url: 'https://example.com/b' })],
  ['delete', 'list', (m) => m.delete(HOOK)],
  ['enable', 'list', (m) => m.enable(HOOK)],
  ['disable', 'list', (m) => m.disable(HOOK)],
  ['disable with a reason', 'list', (m) => m.disable(HOOK, { reason: 'why' })],
  ['listEvents', 'events', (m) => m.listEvents(HOOK)],
  ['listEvents after a cursor', 'events', (m) => m.listEvents(HOOK, { after: 'ab/c+d=' })],
  ['getEvent', 'event', (m) => m.getEvent(HOOK, ISN)],
  ['getPayload', 'payload', (m) => m.getPayload(HOOK, ISN)],
  ['resendEvent', 'event', (m) => m.resendEvent(HOOK, ISN)],
];

describe('webhooks.manager requests match @instantdb/admin', { timeout: 60_000 }, () => {
  it.each(CALLS)('%s', async (_name, answer, call) => {
    const body = answer === 'list' && _name !== 'list' ? { webhook } : answers[answer];
    const sides = [makeSdk(server.url).webhooks.manager, makeGen(mod, server.url).webhooks.manager as unknown as Manager];
    const seen = [];
    for (const m of sides) {
      server.reset();
      server.script({ status: 200, body });
      const value = await call(m);
      seen.push({ request: wireView(server.take()[0]!), value });
    }
    expect(seen[1]).toStrictEqual(seen[0]);
    expect(seen[0]!.request.headers['app-id']).toBeUndefined();
    expect(seen[0]!.request.headers['authorization']).toMatch(/^Bearer /);
  });

  it('an error answer rejects both with the same InstantAPIError status and body', async () => {
    const errors = [];
    for (const m of [makeSdk(server.url).webhooks.manager, makeGen(mod, server.url).webhooks.manager as unknown as Manager]) {
      server.reset();
      server.script({ status: 400, body: { type: 'record-not-found', message: 'Record not found: webhook', hint: { 'record-type': 'webhook' } } });
      errors.push(await m.delete(HOOK).then(() => undefined, (e) => ({ name: e.constructor.name, status: e.status, body: e.body })));
    }
    expect(errors[1]).toStrictEqual(errors[0]);
  });
});
