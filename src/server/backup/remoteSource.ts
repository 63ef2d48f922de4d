// Exports any Instant app through its admin API: attrs from GET /admin/schema, entities from POST
// /admin/query page by page (limit/offset in serverCreatedAt order: /admin/query returns no pageInfo
// cursors, see shared docs semantics.md §admin query), forward links as id lists, blobs from `$files` urls.
// The admin API does not expose serverCreatedAt, so createdAt is the export time plus the entity's rank,
// which keeps the order.

import { Readable } from 'node:stream';
import { parseSchemaResponse, type AdminSchemaAttr } from '../../util/adminSchema.js';
import { BackupError } from './errors.js';
import { attrsToDefs } from './schemaDefs.js';
import type { BackupSource, FileRow } from './source.js';

export interface RemoteApp {
  appId: string;
  adminToken: string;
  /** Default https://api.instantdb.com */
  apiUri?: string;
  /** Entities per /admin/query page (default 500). */
  pageSize?: number;
}

type Row = Record<string, unknown>;

export function remoteSource(app: RemoteApp): BackupSource {
  const base = (app.apiUri ?? 'https://api.instantdb.com').replace(/\/+$/, '');
  const headers = { 'content-type': 'application/json', 'app-id': app.appId, authorization: `Bearer ${app.adminToken}` };
  let attrs: Promise<AdminSchemaAttr[]> | undefined;
  const loadAttrs = () => (attrs ??= request(`${base}/admin/schema`, { headers }).then(parseSchemaResponse));
  const exportedAt = Date.now();
  const pageSize = app.pageSize ?? 500;

  async function* rows(ns: string, fields: string[], links: string[]): AsyncGenerator<Row> {
    for (let offset = 0; ; offset += pageSize) {
      const q = { [ns]: { $: { limit: pageSize, offset, order: { serverCreatedAt: 'asc' }, fields }, ...Object.fromEntries(links.map((l) => [l, { $: { fields: ['id'] } }])) } };
      const body = (await request(`${base}/admin/query`, { method: 'POST', headers, body: JSON.stringify({ query: q, 'inference?': false }) })) as Record<string, Row[]>;
      const page = body[ns] ?? [];
      yield* page;
      if (page.length < pageSize) return;
    }
  }

  return {
    appId: app.appId,
    schema: async () => attrsToDefs(await loadAttrs()),
    // Rules are not readable with an admin token (only through the platform API).
    rules: async () => null,
    namespaces: async () => [...new Set((await loadAttrs()).filter((a) => a.label === 'id').map((a) => a.etype))].sort(),
    lines: async function* (ns) {
      const ofNs = (await loadAttrs()).filter((a) => a.etype === ns);
      const data = ofNs.filter((a) => a.valueType !== 'ref').map((a) => a.label);
      const links = ofNs.filter((a) => a.valueType === 'ref');
      let rank = 0;
      for await (const row of rows(ns, data.filter((l) => l !== 'url'), links.map((l) => l.label))) {
        const entity: Row = {};
        for (const label of data) if (label !== 'url' && Object.hasOwn(row, label)) entity[label] = row[label];
        for (const link of links) {
          const targets = ((row[link.label] ?? []) as Row[]).map((t) => t.id);
          if (link.cardinality === 'many') {
            if (targets.length > 0) entity[link.label] = targets.sort();
          } else if (targets.length > 0) entity[link.label] = targets[0];
        }
        yield { line: JSON.stringify({ entity, createdAt: exportedAt + rank++ }), triples: Object.keys(entity).length };
      }
    },
    files: async function* () {
      for await (const row of rows('$files', ['id', 'location-id', 'url'], [])) {
        if (typeof row['location-id'] === 'string') yield { locationId: row['location-id'], url: row.url as string | undefined };
      }
    },
    openFile: async (locationId: string, row: FileRow) => {
      if (!row.url) throw new BackupError(`the $files row with location-id ${locationId} has no url to download it from`, `files/${locationId}`);
      const res = await fetch(row.url);
      if (!res.ok || !res.body) throw new BackupError(`downloading ${row.url} answered HTTP ${res.status}`, `files/${locationId}`);
      return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    },
  };
}

async function request(url: string, init: RequestInit): Promise<unknown> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new BackupError(`${init.method ?? 'GET'} ${url} answered HTTP ${res.status}: ${text.slice(0, 300)}. Check --app-id, --admin-token and --api-uri.`);
  return JSON.parse(text) as unknown;
}
