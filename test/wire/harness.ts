// Shared setup of the wire conformance suite: the official SDK and a freshly generated client,
// both pointed at the capture server, and the view of a request that the two must agree on.
import fs from 'node:fs';
import path from 'node:path';
import { init } from '@instantdb/admin';
import schema from '../../fixtures/todo/instant.schema.js';
import { generate } from '../../src/generate.js';
import type { CapturedRequest } from '../support/captureServer.js';
import { clientEntry, fixtureSchema, scratchDir } from '../support/paths.js';

// The generated side is typed by the copy of the todo client that `npm test` generates first
// (`pretest`: test/types/generated/todo, gitignored). The tests themselves run against a fresh
// generation from the sources (`generateTodoClient`), so only the types come from that copy.
export type GeneratedModule = typeof import('../types/generated/todo/index.js');
export type GenDb = import('../types/generated/todo/index.js').InstantClient;

export const APP_ID = '11111111-2222-4333-8444-555555555555';
export const ADMIN_TOKEN = '99999999-8888-4777-8666-555555555555';

/** `adminToken: null` configures none. */
export function makeSdk(apiURI: string, adminToken: string | null = ADMIN_TOKEN) {
  return init({ appId: APP_ID, adminToken: adminToken ?? undefined, apiURI, schema });
}
export type SdkDb = ReturnType<typeof makeSdk>;

/** `adminToken: null` configures none. */
export function makeGen(mod: GeneratedModule, apiURI: string, adminToken: string | null = ADMIN_TOKEN): GenDb {
  // Not `undefined`: that falls back to INSTANT_APP_ADMIN_TOKEN, and the suite must not depend on the environment.
  return mod.createClient({ appId: APP_ID, apiURI, adminToken: adminToken ?? '' });
}

/** Generates the todo client into a fresh directory under `.tmp/` and imports it. */
export async function generateTodoClient(label: string): Promise<{ mod: GeneratedModule; dir: string }> {
  const dir = scratchDir(`wire-${label}`);
  await generate({ schemaFile: fixtureSchema('todo'), outDir: dir });
  const mod = (await import(clientEntry(dir))) as GeneratedModule;
  return { mod, dir };
}

export function removeDir(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/** The headers both clients must agree on (present/absent and value). */
export const COMPARED_HEADERS = ['content-type', 'app-id', 'authorization', 'as-email', 'as-token', 'as-guest'] as const;

export interface WireView {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: unknown;
}

/** What a request looks like to the server, minus what may differ (other headers, key order). */
export function wireView(req: CapturedRequest): WireView {
  const headers: Record<string, string> = {};
  for (const name of COMPARED_HEADERS) if (name in req.headers) headers[name] = req.headers[name];
  return { method: req.method, path: req.path, query: req.query, headers, body: req.body };
}

/** Every object's keys in order, depth first: equal iff two equal JSON values also agree on key order. */
export function keyOrder(value: unknown, at = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => keyOrder(item, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const keys = Object.keys(value);
  return [`${at}: ${keys.join(',')}`, ...keys.flatMap((k) => keyOrder((value as Record<string, unknown>)[k], `${at}.${k}`))];
}

/** Settles a promise into a value or an error, so both sides of a case can be compared either way. */
export async function settle(run: () => Promise<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}
