// Attrs follow the schema: created at start, updated on schema change (also across restarts).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { i, id, init, setInstantWarningsEnabled } from '@instantdb/admin';
import { startServer } from '../../src/server/index.js';
import { schemaIR } from '../support/localServer.js';
import { GENEROUS_LIMITS } from '../support/limits.js';

const dir = mkdtempSync(join(tmpdir(), 'instant-codegen-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const v1 = i.schema({ entities: { notes: i.entity({ text: i.string() }) } });
const v2 = i.schema({
  entities: {
    notes: i.entity({ text: i.string(), rank: i.number().indexed().optional() }),
    tags: i.entity({ name: i.string().unique().indexed() }),
  },
  links: { notesTags: { forward: { on: 'notes', has: 'many', label: 'tags' }, reverse: { on: 'tags', has: 'many', label: 'notes' } } },
});

describe('schema sync', () => {
  it('applies a changed schema to a running server and on restart', async () => {
    setInstantWarningsEnabled(false);
    const dataFile = join(dir, 'local.db');
    const server = await startServer({ schema: schemaIR(v1), dataFile, log: () => undefined, limits: GENEROUS_LIMITS });
    const { appId, adminToken } = server;
    const n = id();
    try {
      const db1 = init({ appId, adminToken, apiURI: server.url, schema: v1 });
      await db1.transact(db1.tx.notes[n].update({ text: 'hello' }));

      const missing = await init({ appId, adminToken, apiURI: server.url, schema: v2, disableValidation: true })
        .transact((db1.tx.notes[n] as any).update({ rank: 1 }))
        .catch((e: any) => e.body.hint.errors[0].hint.attributes);
      expect(missing).toEqual(['notes.rank']);

      server.updateSchema(schemaIR(v2));
      const db2 = init({ appId, adminToken, apiURI: server.url, schema: v2 });
      // The new indexed attr reads back as null on existing entities, like Instant's indexing job leaves it.
      expect((await db2.query({ notes: {} })).notes).toEqual([{ id: n, text: 'hello', rank: null }]);
      const t = id();
      await db2.transact([db2.tx.tags[t].update({ name: 'x' }), db2.tx.notes[n].update({ rank: 2 }).link({ tags: t })]);
    } finally {
      await server.close();
    }

    const again = await startServer({ schema: schemaIR(v2), dataFile, appId, adminToken, log: () => undefined, limits: GENEROUS_LIMITS });
    try {
      const db = init({ appId, adminToken, apiURI: again.url, schema: v2 });
      const r = await db.query({ notes: { $: { order: { rank: 'desc' } }, tags: {} } });
      expect(r.notes.map((x) => [x.text, x.rank, x.tags.map((tag) => tag.name)])).toEqual([['hello', 2, ['x']]]);
    } finally {
      await again.close();
    }
  });
});
