// `serve --watch`: edits to instant.schema.ts (and modules it imports) and instant.perms.ts reach the running
// server as a push would; a broken file is reported and the last good version keeps serving.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { id, init, setInstantWarningsEnabled } from '@instantdb/admin';
import { runServe } from '../../src/server/index.js';
import { importClientFromIR } from '../support/generatedClient.js';
import { scratchDir } from '../support/paths.js';
import { loadSchema } from '../../src/schema/loadSchema.js';

const dir = scratchDir('serve-watch');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);

const schemaSource = `import { i } from '@instantdb/admin';
import { noteAttrs } from './attrs';
const _schema = i.schema({ entities: { notes: i.entity(noteAttrs) }, links: {}, rooms: {} });
export default _schema;
`;
const attrs = (extra = '') => `import { i } from '@instantdb/admin';
export const noteAttrs = { text: i.string()${extra} };
`;
const perms = (view: string) => `export default { notes: { allow: { view: '${view}' } } };\n`;

/** Waits (generously: the machine may be busy) for a printed line matching `pattern` after `from`. */
async function lineAfter(lines: string[], from: number, pattern: RegExp): Promise<string> {
  for (let waited = 0; waited < 120_000; waited += 50) {
    const hit = lines.slice(from).find((l) => pattern.test(l));
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no line matching ${pattern} after:\n${lines.slice(from).join('\n')}`);
}

describe('serve --watch', () => {
  it('applies an imported module change, a rules change, and keeps the last good schema when one breaks', async () => {
    writeFileSync(file('attrs.ts'), attrs());
    writeFileSync(file('instant.schema.ts'), schemaSource);
    writeFileSync(file('instant.perms.ts'), perms('true'));
    const lines: string[] = [];
    const server = await runServe({ cwd: dir, memory: true, watch: true, print: (l) => lines.push(l), log: () => undefined, handleSignals: false });
    try {
      setInstantWarningsEnabled(false);
      const db = init({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url });
      await db.transact(db.tx.notes[id()].update({ text: 'hello' }));
      const byRank = { notes: { $: { where: { rank: { $gt: 1 } }, order: { rank: 'desc' } } } } as any;

      // 1. A new attribute in a module the schema imports.
      let from = lines.length;
      writeFileSync(file('attrs.ts'), attrs(', rank: i.number().indexed().optional()'));
      expect(await lineAfter(lines, from, /^serve --watch: applied schema \(1 entities\) and rules to /)).toBeTruthy();
      // Only the new schema can tell the server that `rank` is a number.
      await expect(db.transact(db.tx.notes[id()].update({ text: 'bad', rank: 'five' }))).rejects.toMatchObject({ status: 400 });
      await db.transact(db.tx.notes[id()].update({ text: 'ranked', rank: 5 }));
      expect((await db.query(byRank)).notes.map((n: any) => n.text)).toEqual(['ranked']);
      // The generated client for the new schema reads and writes it too.
      const { mod } = await importClientFromIR((await loadSchema(file('instant.schema.ts'))).ir, 'serve-watch');
      const gen = mod.createClient({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url });
      await gen.transact([gen.notes.tx(id()).create({ text: 'typed', rank: 7 })]);
      expect((await gen.notes.query({ $: { where: { rank: { $gte: 6 } } } })).map((n: any) => n.text)).toEqual(['typed']);

      // 2. A rules change: guests lose the view permission.
      const guest = db.asUser({ guest: true });
      expect((await guest.query({ notes: {} })).notes).toHaveLength(3);
      from = lines.length;
      writeFileSync(file('instant.perms.ts'), perms('false'));
      await lineAfter(lines, from, /^serve --watch: applied /);
      expect((await guest.query({ notes: {} })).notes).toHaveLength(0);

      // 3. A broken schema: reported with its place, the previous one keeps serving.
      from = lines.length;
      writeFileSync(file('attrs.ts'), attrs(', rank: i.number().indexed(.optional()'));
      const error = await lineAfter(lines, from, /not applied, the last good version keeps serving/);
      expect(error).toContain('attrs.ts');
      expect((await db.query(byRank)).notes.map((n: any) => n.text).sort()).toEqual(['ranked', 'typed']);
    } finally {
      await server.close();
    }
  }, 300_000);
});
