// `serve --write-env`: the three settings a client needs, written where createClient() and the SDK read them,
// and the banner that prints them without ever printing the admin token in full.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { id, init, setInstantWarningsEnabled } from '@instantdb/admin';
import { runServe } from '../../src/server/index.js';
import { updateEnvText } from '../../src/server/envFile.js';
import { runCli } from '../support/cli.js';
import { importGeneratedClient } from '../support/generatedClient.js';
import { fixtureSchema, ROOT } from '../support/paths.js';
import { schemaIR } from '../support/localServer.js';
import { FIXTURES } from './cases/fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'instant-codegen-connect-'));
const children: ChildProcess[] = [];
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
  for (const child of children.splice(0)) child.kill('SIGTERM');
});

/** Starts `instant-codegen serve …` and resolves with its stdout once the banner's last line is out. */
function startServe(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'instant-codegen.js'), 'serve', ...args], { cwd: dir });
  children.push(child);
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
      if (/INSTANT_API_URI=\S+\n/.test(out)) resolve(out);
    });
    child.stderr.on('data', (chunk) => (err += String(chunk)));
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}\n${err}`)));
  });
}

function parseEnv(text: string): Record<string, string> {
  return Object.fromEntries(text.split('\n').flatMap((l) => (/^(\w+)=(.*)$/.exec(l) ? [[RegExp.$1, RegExp.$2]] : [])));
}

describe('serve --write-env', () => {
  it('writes the three variables (mode 0600, other lines kept in place), and a generated client with only them connects', async () => {
    const envFile = path.join(dir, '.env.local');
    writeFileSync(envFile, '# my app\nFOO=bar\nINSTANT_API_URI=https://stale.example\nexport OTHER=1\n', { mode: 0o644 });
    const banner = await startServe(['--memory', '--schema', fixtureSchema('todo'), '--write-env', '.env.local']);

    const text = readFileSync(envFile, 'utf8');
    const env = parseEnv(text);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(text.split('\n').slice(0, 4)).toEqual(['# my app', 'FOO=bar', `INSTANT_API_URI=${env.INSTANT_API_URI}`, 'export OTHER=1']);
    expect(env.INSTANT_API_URI).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(env).filter((k) => k.startsWith('INSTANT_')).sort()).toEqual(['INSTANT_API_URI', 'INSTANT_APP_ADMIN_TOKEN', 'INSTANT_APP_ID']);

    // The banner: the same three, copy-pastable, the token only as a pointer to the file.
    expect(banner).toContain(`  INSTANT_APP_ID=${env.INSTANT_APP_ID}\n`);
    expect(banner).toContain('  INSTANT_APP_ADMIN_TOKEN=<in .env.local>\n');
    expect(banner).toContain(`  INSTANT_API_URI=${env.INSTANT_API_URI}\n`);
    expect(banner).not.toContain(env.INSTANT_APP_ADMIN_TOKEN);

    // Nothing but the environment: createClient() with no config, and the SDK given the file's values.
    for (const key of ['INSTANT_APP_ID', 'INSTANT_APP_ADMIN_TOKEN', 'INSTANT_API_URI']) vi.stubEnv(key, env[key]);
    const { createClient } = await importGeneratedClient('todo');
    const db = createClient();
    await db.transact([db.goals.tx(id()).create({ title: 'from env', priority: 1, done: false })]);
    setInstantWarningsEnabled(false);
    const sdk = init({ appId: env.INSTANT_APP_ID, adminToken: env.INSTANT_APP_ADMIN_TOKEN, apiURI: env.INSTANT_API_URI });
    expect((await sdk.query({ goals: {} })).goals.map((g: any) => g.title)).toEqual(['from env']);
    expect((await db.goals.query({})).map((g: any) => g.title)).toEqual(['from env']);
  }, 120_000);

  it('refuses a folder as the env file with a usage error (exit 2) before starting', () => {
    mkdirSync(path.join(dir, 'a-folder'));
    const result = runCli(['serve', '--memory', '--schema', fixtureSchema('todo'), '--write-env', 'a-folder'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--write-env .*a-folder is a directory\. Pass a file path/);
    expect(result.stdout).not.toContain('listening');
  });

  it('points --env-file (which Node reads itself) to --write-env', () => {
    writeFileSync(path.join(dir, 'exists.env'), '');
    const result = runCli(['serve', '--memory', '--schema', fixtureSchema('todo'), '--env-file', 'exists.env'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('serve writes its settings with --write-env exists.env, not --env-file');
  });

  it.skipIf(process.getuid?.() === 0)('refuses an env file in a folder it cannot write (exit 2)', () => {
    const locked = path.join(dir, 'locked');
    mkdirSync(locked, { mode: 0o500 });
    const result = runCli(['serve', '--memory', '--schema', fixtureSchema('todo'), '--write-env', 'locked/.env'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot be written: no write permission/);
  });

  it('without --write-env in memory mode, says how to get the token instead of printing it', async () => {
    const lines: string[] = [];
    const loadSchema = async () => schemaIR(FIXTURES.todo.schema, path.join(dir, 'instant.schema.ts'));
    const server = await runServe({ cwd: dir, memory: true, schema: fixtureSchema('todo'), loadSchema, print: (l) => lines.push(l), handleSignals: false });
    try {
      expect(lines).toContain('  INSTANT_APP_ADMIN_TOKEN=<not kept: pass --write-env .env.local, or --admin-token UUID>');
      expect(lines).toContain(`  INSTANT_APP_ID=${server.appId}`);
      expect(lines.join('\n')).not.toContain(server.adminToken);
    } finally {
      await server.close();
    }
  });
});

describe('updateEnvText', () => {
  const env = { INSTANT_APP_ID: 'a', INSTANT_APP_ADMIN_TOKEN: 't', INSTANT_API_URI: 'u' };
  it('replaces in place (also `export KEY=`), drops later duplicates, appends the missing ones', () => {
    const before = 'export INSTANT_APP_ID=old\r\nX=1\nINSTANT_APP_ID=dup\n';
    expect(updateEnvText(before, env)).toBe('INSTANT_APP_ID=a\nX=1\nINSTANT_APP_ADMIN_TOKEN=t\nINSTANT_API_URI=u\n');
  });
  it('starts an empty file with the three', () => {
    expect(updateEnvText('', env)).toBe('INSTANT_APP_ID=a\nINSTANT_APP_ADMIN_TOKEN=t\nINSTANT_API_URI=u\n');
  });
});
