// Wire conformance: the generated client puts the same requests on the wire as `@instantdb/admin@1.0.67`
// for the equivalent operation (docs/wire-protocol.md), and resolves to the same values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer, type CapturedRequest } from '../support/captureServer.js';
import { CASES, G1, REFRESH, type WireCase } from './cases.js';
import {
  ADMIN_TOKEN,
  generateTodoClient,
  keyOrder,
  makeGen,
  makeSdk,
  removeDir,
  settle,
  wireView,
  type GeneratedModule,
} from './harness.js';

let server: CaptureServer;
let mod: GeneratedModule;
let dir: string | undefined;

beforeAll(async () => {
  server = await startCaptureServer();
  ({ mod, dir } = await generateTodoClient('conformance'));
});

afterAll(async () => {
  await server?.close();
  removeDir(dir);
});

/** Runs one side and returns what it resolved to and what it sent. */
async function capture(run: () => Promise<unknown>): Promise<{ value: unknown; requests: CapturedRequest[] }> {
  server.reset();
  const outcome = await settle(run);
  const requests = server.take();
  if (!outcome.ok) throw outcome.error;
  return { value: outcome.value, requests };
}

describe('wire conformance with @instantdb/admin@1.0.67', () => {
  it('has at least 40 cases, with unique names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const adminToken = c.noAdminToken ? null : ADMIN_TOKEN;
    const official = await capture(() => c.official(makeSdk(server.url, adminToken)));
    const generated = await capture(() => c.generated(makeGen(mod, server.url, adminToken)));

    expect(official.requests.length, 'the SDK sent no request').toBeGreaterThan(0);
    expect(generated.requests.map(wireView)).toStrictEqual(official.requests.map(wireView));
    for (const [i, req] of official.requests.entries()) {
      const gen = generated.requests[i];
      // Key order too: same JSON text, so `$$ruleParams` comes first wherever the SDK puts it.
      expect(keyOrder(gen.body)).toStrictEqual(keyOrder(req.body));
      expect(gen.rawBody).toBe(req.rawBody);
      const query = (req.body as { query?: object } | undefined)?.query;
      if (query && '$$ruleParams' in query) expect(Object.keys((gen.body as { query: object }).query)[0]).toBe('$$ruleParams');
    }
    expect(generated.value).toStrictEqual(official.value);
  });
});

// Without an admin token, both clients refuse before any request, with plain `Error`s worded alike
// (the generated one names `createClient` where the SDK names `init`).
const REFUSALS: (WireCase & { message: RegExp })[] = [
  {
    name: 'asUser({ email }) without an admin token',
    message: /impersonate users with an email you must pass `adminToken`/,
    official: (db) => db.asUser({ email: 'a@b.c' }).query({ goals: {} }),
    generated: (db) => db.asUser({ email: 'a@b.c' }).query({ goals: {} }),
  },
  {
    name: 'query as admin without an admin token',
    message: /Admin token required. To run this operation pass `adminToken`/,
    official: (db) => db.query({ goals: {} }),
    generated: (db) => db.query({ goals: {} }),
  },
  {
    name: 'transact as admin without an admin token',
    message: /Admin token required. To run this operation pass `adminToken`/,
    official: (db) => db.transact(db.tx.goals[G1].delete()),
    generated: (db) => db.transact(db.goals.tx(G1).delete()),
  },
  {
    name: 'auth.createToken without an admin token',
    message: /Admin token required/,
    official: (db) => db.auth.createToken({ email: 'a@b.c' }),
    generated: (db) => db.auth.createToken({ email: 'a@b.c' }),
  },
  {
    name: 'asUser({ token }).auth.getUser without an admin token (auth ignores impersonation)',
    message: /Admin token required/,
    official: (db) => db.asUser({ token: REFRESH }).auth.getUser({ email: 'a@b.c' }),
    generated: (db) => db.asUser({ token: REFRESH }).auth.getUser({ email: 'a@b.c' }),
  },
];

describe('client-side refusals (no request sent)', () => {
  it.each(REFUSALS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    server.reset();
    const official = await settle(() => c.official(makeSdk(server.url, null)));
    const generated = await settle(() => c.generated(makeGen(mod, server.url, null)));
    expect(server.take()).toEqual([]);
    for (const outcome of [official, generated]) {
      expect(outcome.ok).toBe(false);
      const error = (outcome as { error: Error }).error;
      expect(error.constructor).toBe(Error);
      expect(error.message).toMatch(c.message);
    }
  });
});
