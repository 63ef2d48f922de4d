// The backup commands as a user runs them: `generate --from-backup`, `export`, `serve --import`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { init } from '@instantdb/admin';
import { runCli, runCliAsync } from '../support/cli.js';
import { scratchDir } from '../support/paths.js';
import { typecheck } from '../support/typecheck.js';
import { readBackupZip, writeBackupZip } from '../support/backupZip.js';
import { runServe, type ServeResult } from '../../src/server/index.js';
import { A2, P, backupSpec } from './fixture.js';

let dir: string;
let zip: string;

beforeAll(async () => {
  dir = scratchDir('backup-cli');
  zip = path.join(dir, 'backup.zip');
  await writeBackupZip(zip, backupSpec());
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('generate --from-backup', () => {
  it('writes instant.schema.ts and instant.perms.ts from config.json, generates, and the client type-checks', () => {
    const project = fs.mkdtempSync(path.join(dir, 'project-'));
    const r = runCli(['generate', '--from-backup', zip], { cwd: project });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const schema = fs.readFileSync(path.join(project, 'instant.schema.ts'), 'utf8');
    expect(schema).toContain("name: i.string().unique().indexed(),");
    expect(schema).toContain('bio: i.any().optional(),');
    expect(schema).toContain('forward: { on: "posts", has: "one", label: "author" },');
    expect(fs.readFileSync(path.join(project, 'instant.perms.ts'), 'utf8')).toContain('"create": "auth.id != null"');
    const usage = path.join(project, 'usage.ts');
    fs.writeFileSync(
      usage,
      [
        "import { createClient } from './instant.gen/index.js';",
        "const db = createClient({ appId: 'a', adminToken: 't' });",
        'export async function f() {',
        "  const posts = await db.posts.query({ author: {} });",
        '  const title: string = posts[0].title;',
        '  const stars: number | null | undefined = posts[0].stars;',
        '  const who: string | undefined = posts[0].author?.name;',
        '  // @ts-expect-error not an attr of posts',
        '  posts[0].nope;',
        '  return [title, stars, who];',
        '}',
      ].join('\n'),
    );
    const { code, output } = typecheck([usage, path.join(project, 'instant.schema.ts')]);
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('never overwrites a schema file (exit 2, naming the flag)', () => {
    const project = fs.mkdtempSync(path.join(dir, 'project-'));
    fs.writeFileSync(path.join(project, 'instant.schema.ts'), '// mine\n');
    const r = runCli(['generate', '--from-backup', zip], { cwd: project });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--from-backup would overwrite .*instant\.schema\.ts/);
    expect(fs.readFileSync(path.join(project, 'instant.schema.ts'), 'utf8')).toBe('// mine\n');
  });

  it('a damaged backup: exit 1 naming the problem, nothing written', () => {
    const project = fs.mkdtempSync(path.join(dir, 'project-'));
    fs.writeFileSync(path.join(project, 'bad.zip'), 'not a zip');
    const r = runCli(['generate', '--from-backup', 'bad.zip'], { cwd: project });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.zip is not a readable zip/);
    expect(fs.existsSync(path.join(project, 'instant.schema.ts'))).toBe(false);
  });
});

describe('export and serve --import usage errors', () => {
  it.each([
    [['export'], /--out/],
    [['export', '--out', 'x.zip', '--app-id', '3f2b8c1e-9a4d-4e7b-8c21-5d6f7a8b9c0d'], /--admin-token is missing/],
    [['export', '--out', 'x.zip', '--data', 'a.db', '--api-uri', 'http://x'], /--data .* or the other/],
    [['serve', '--import', 'missing.zip'], /--import missing\.zip: no such file/],
  ])('%j exits 2', (args, message) => {
    const r = runCli(args as string[], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('serve --import', () => {
  let served: ServeResult;
  afterAll(() => served?.close());

  it('serves the backup (its schema and rules when the project has none), then `export` writes it back, files too', async () => {
    const project = fs.mkdtempSync(path.join(dir, 'serve-'));
    const lines: string[] = [];
    const backup = path.join(project, 'backup.zip');
    await writeBackupZip(backup, backupSpec());
    served = await runServe({ import: backup, cwd: project, handleSignals: false, print: (l) => lines.push(l), log: () => {} });
    expect(lines.join('\n')).toMatch(/posts\s+3\s+3/);
    const db = init({ appId: served.appId, adminToken: served.adminToken, apiURI: served.url });
    const r = (await db.query({ posts: { author: {} } })) as any;
    expect(r.posts.map((p: any) => p.id)).toEqual(P);
    expect(r.posts[2].author[0].id).toBe(A2);
    // export through the running server's admin API, as for an Instant Cloud app.
    const out = path.join(project, 'out.zip');
    const e = await runCliAsync(['export', '--out', out, '--api-uri', served.url, '--app-id', served.appId, '--admin-token', served.adminToken], { cwd: project });
    expect(e.stderr).toBe('');
    expect(e.code).toBe(0);
    const original = await readBackupZip(backup);
    expect((await readBackupZip(out)).config.counts.posts).toBe(3);
    expect((await readBackupZip(out)).files).toEqual(original.files);
    // and from the data file itself, while the server runs on it.
    const local = path.join(project, 'local.zip');
    const l = await runCliAsync(['export', '--out', local, '--data', served.dataFile!], { cwd: project });
    expect(l.stderr).toBe('');
    expect(l.code).toBe(0);
    expect(Object.keys((await readBackupZip(local)).files)).toHaveLength(2);
    expect((await readBackupZip(local)).files).toEqual(original.files);
  });
});
