// Helpers to run conformance cases against the local server: one server per test file, one fresh app
// per case (apps are isolated, so cases cannot see each other's writes).

import { init } from '@instantdb/admin';
import { buildIR } from '../../src/ir/buildIR.js';
import type { RuntimeSchema } from '../../src/ir/buildIR.js';
import type { RunningServer } from '../../src/server/index.js';
import type { AdminDbLike, CaseContext, ClientKind, HttpResponse } from './conformance.js';

export function schemaIR(schema: unknown, name = 'test') {
  return buildIR(schema as RuntimeSchema, name);
}

export interface AppClients {
  appId: string;
  adminToken: string;
  client(kind: ClientKind | 'no-token'): AdminDbLike;
}

/** Official SDK clients for one app. */
export function sdkClients(url: string, appId: string, adminToken: string, schema: unknown): AppClients {
  const make = (kind: ClientKind | 'no-token'): AdminDbLike => {
    const base = { appId, apiURI: url };
    switch (kind) {
      case 'schema':
        return init({ ...base, adminToken, schema: schema as any }) as unknown as AdminDbLike;
      case 'unchecked':
        return init({ ...base, adminToken, schema: schema as any, disableValidation: true }) as unknown as AdminDbLike;
      case 'plain':
        return init({ ...base, adminToken }) as unknown as AdminDbLike;
      case 'no-token':
        return init({ ...base }) as unknown as AdminDbLike;
    }
  };
  const cache = new Map<string, AdminDbLike>();
  return {
    appId,
    adminToken,
    client: (kind) => {
      if (!cache.has(kind)) cache.set(kind, make(kind));
      return cache.get(kind)!;
    },
  };
}

export async function rawRequest(
  url: string,
  method: string,
  path: string,
  init: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<HttpResponse> {
  const res = await fetch(url + path, {
    method,
    headers: init.headers,
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // plain-text bodies stay text
  }
  return { status: res.status, body };
}

export function caseContext(server: RunningServer, clients: AppClients, kind: ClientKind, ids: Record<string, string>): CaseContext {
  const headers = (extra: Record<string, string> = {}) => ({
    'content-type': 'application/json',
    'app-id': clients.appId,
    authorization: `Bearer ${clients.adminToken}`,
    ...extra,
  });
  let schemaCache: any;
  return {
    db: clients.client(kind),
    client: clients.client,
    ids,
    appId: clients.appId,
    adminToken: clients.adminToken,
    url: server.url,
    headers,
    http: (method, path, init) => rawRequest(server.url, method, path, init),
    subscriptions: () => server.subscriptionCount(clients.appId),
    joinRoom: (roomId, peer) => server.joinRoom(roomId, peer, clients.appId),
    attrId: async (etype, label) => {
      schemaCache ??= (await rawRequest(server.url, 'GET', '/admin/schema', { headers: headers() })).body.schema;
      const attr = schemaCache.blobs[etype]?.[label] ?? Object.values(schemaCache.refs).find((a: any) => a['forward-identity'][1] === etype && a['forward-identity'][2] === label);
      if (!attr) throw new Error(`no attr ${etype}.${label}`);
      return attr.id;
    },
  };
}
