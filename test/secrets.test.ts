// The admin token never reaches generated code, the manifest, the README or a log line: generation runs
// with INSTANT_APP_ADMIN_TOKEN (and the app id) set, and every output is searched for it.
// (Errors of every client method are checked in runtime.test.ts and wire/errors.test.ts.)
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { runCli } from './support/cli.js';
import { FIXTURE_NAMES, fixtureSchema, scratchDir } from './support/paths.js';

const TOKEN = randomUUID();
const APP = randomUUID();
const roots: string[] = [];

afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

/** Every file under `dir` that contains `secret` (or its first 8 characters). */
function filesHolding(dir: string, secret: string): string[] {
  const entries = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return entries
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => {
      const text = fs.readFileSync(file, 'utf8');
      return text.includes(secret) || text.includes(secret.slice(0, 8));
    });
}

describe('the admin token set while generating appears in no generated file and no log line', () => {
  it.each(FIXTURE_NAMES)('%s: every output file, both output modes', async (fixture) => {
    const root = scratchDir(`secrets-${fixture}`);
    roots.push(root);
    const saved = { ...process.env };
    Object.assign(process.env, { INSTANT_APP_ADMIN_TOKEN: TOKEN, INSTANT_APP_ID: APP, INSTANT_API_URI: `https://instant.example.com/${TOKEN}` });
    try {
      for (const output of ['ts', 'dts'] as const) {
        const outDir = path.join(root, output);
        await generate({ schemaFile: fixtureSchema(fixture), outDir, output });
        expect(fs.readdirSync(outDir).length).toBeGreaterThan(3);
        expect(filesHolding(outDir, TOKEN)).toEqual([]);
      }
    } finally {
      process.env = saved;
    }
  });

  it('the CLI at --log-level debug, including --check with a diff, prints neither the token nor part of it', () => {
    const root = scratchDir('secrets-cli');
    roots.push(root);
    const env = { INSTANT_APP_ADMIN_TOKEN: TOKEN, INSTANT_APP_ID: APP };
    const schema = path.join(root, 'instant.schema.ts');
    fs.copyFileSync(fixtureSchema('todo'), schema);
    const runs = [
      runCli(['generate', '--schema', schema, '--log-level', 'debug'], { env }),
      runCli(['generate', '--schema', schema, '--log-level', 'debug'], { env }),
    ];
    fs.appendFileSync(schema, '\n// changed\n');
    runs.push(runCli(['generate', '--schema', schema, '--check', '--log-level', 'debug'], { env }));
    fs.writeFileSync(schema, 'export default 1;\n');
    runs.push(runCli(['generate', '--schema', schema, '--log-level', 'debug'], { env }));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 1, 1]);
    for (const { stdout, stderr } of runs) {
      expect(stdout + stderr).not.toContain(TOKEN);
      expect(stdout + stderr).not.toContain(TOKEN.slice(0, 8));
    }
    expect(filesHolding(root, TOKEN)).toEqual([]);
  });
});

describe('the local server keeps its secrets readable by their owner only', () => {
  it('the data file (webhook signing key, url-signing secret) and its WAL are mode 0600, even if it existed wider', async () => {
    const { startServer } = await import('../src/server/index.js');
    const { loadSchema } = await import('../src/schema/loadSchema.js');
    const dir = scratchDir('secrets-mode');
    const dataFile = path.join(dir, 'data.db');
    fs.writeFileSync(dataFile, '');
    fs.chmodSync(dataFile, 0o644);
    const server = await startServer({ dataFile, schema: (await loadSchema(fixtureSchema('todo'))).ir, unref: true });
    try {
      const res = await fetch(`${server.url}/admin/transact`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'app-id': server.appId, authorization: `Bearer ${server.adminToken}` },
        body: JSON.stringify({ steps: [['update', 'goals', randomUUID(), { title: 'x', priority: 1, done: false }]] }),
      });
      expect(res.status).toBe(200);
      for (const file of [dataFile, `${dataFile}-wal`]) expect(fs.statSync(file).mode & 0o777, file).toBe(0o600);
    } finally {
      await server.close();
    }
  });
});
