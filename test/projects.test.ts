import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { loadSchema } from '../src/schema/loadSchema.js';
import { startServer } from '../src/server/index.js';
import { ROOT, TSC, fixtureSchema, scratchDir } from './support/paths.js';
import { GENEROUS_LIMITS } from './support/limits.js';

// The generated client in the kinds of project users have, run against the local server.
const PROGRAM = `
const db = createClient({ appId: process.env.APP_ID, adminToken: process.env.ADMIN_TOKEN, apiURI: process.env.API_URI });
const goal = id();
await db.transact(db.goals.tx(goal).create({ title: 'From a project', priority: 1, done: false }));
const rows = await db.goals.query({ $: { where: { id: goal } } });
const token = await db.auth.createToken('p@example.com');
const asUser = await db.asUser({ token }).goals.query({ $: { where: { id: goal } } });
const count = await db.goals.count({ where: { id: goal } });
console.log(JSON.stringify({ title: rows[0].title, asUser: asUser.length, count }));
`;
const EXPECTED = { title: 'From a project', asUser: 1, count: 1 };

const execFileAsync = promisify(execFile);

let server: Awaited<ReturnType<typeof startServer>>;
let env: Record<string, string>;
beforeAll(async () => {
  server = await startServer({ schema: (await loadSchema(fixtureSchema('todo'))).ir, memory: true, limits: GENEROUS_LIMITS });
  env = { ...(process.env as Record<string, string>), APP_ID: server.appId, ADMIN_TOKEN: server.adminToken, API_URI: server.url };
});
afterAll(() => server?.close());

/** Asynchronous: the server answering the program lives in this process's event loop. */
async function run(command: string, args: string[], cwd: string): Promise<string> {
  try {
    return (await execFileAsync(command, args, { cwd, env, encoding: 'utf8' })).stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

async function scaffold(label: string, pkg: object, output: 'ts' | 'dts' = 'ts'): Promise<string> {
  const dir = scratchDir(`project-${label}`);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: label, private: true, ...pkg }));
  await generate({ schemaFile: fixtureSchema('todo'), outDir: path.join(dir, 'src/db'), output });
  return dir;
}

const tsconfig = (module: string) => ({
  compilerOptions: { target: 'ES2022', module, moduleResolution: module === 'CommonJS' ? 'Node10' : 'NodeNext', strict: true, skipLibCheck: true, outDir: 'dist', rootDir: 'src', types: ['node'], typeRoots: [path.join(ROOT, 'node_modules/@types')] },
  include: ['src'],
});

describe('the generated client runs in', () => {
  it('an ESM TypeScript project compiled by tsc', async () => {
    const dir = await scaffold('esm', { type: 'module' });
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig('NodeNext')));
    fs.writeFileSync(path.join(dir, 'src/main.ts'), `import { createClient, id } from './db/index.js';\n${PROGRAM}`);
    await run(process.execPath, [TSC, '-p', 'tsconfig.json'], dir);
    expect(JSON.parse(await run(process.execPath, ['dist/main.js'], dir))).toEqual(EXPECTED);
  });

  it('a CommonJS TypeScript project compiled by tsc', async () => {
    const dir = await scaffold('cjs', {});
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig('CommonJS')));
    fs.writeFileSync(path.join(dir, 'src/main.ts'), `import { createClient, id } from './db/index.js';\nasync function main() {${PROGRAM}}\nmain();\n`);
    await run(process.execPath, [TSC, '-p', 'tsconfig.json'], dir);
    expect(fs.readFileSync(path.join(dir, 'dist/main.js'), 'utf8')).toMatch(/require\("\.\/db\/index\.js"\)/);
    expect(JSON.parse(await run(process.execPath, ['dist/main.js'], dir))).toEqual(EXPECTED);
  });

  it('a CommonJS TypeScript project compiled by tsc with module NodeNext', async () => {
    const dir = await scaffold('cjs-nodenext', {});
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig('NodeNext')));
    fs.writeFileSync(path.join(dir, 'src/main.ts'), `import { createClient, id } from './db/index.js';\nasync function main() {${PROGRAM}}\nmain();\n`);
    await run(process.execPath, [TSC, '-p', 'tsconfig.json'], dir);
    expect(JSON.parse(await run(process.execPath, ['dist/main.js'], dir))).toEqual(EXPECTED);
  });

  it('an ESM bundle split into chunks by esbuild (--output dts)', async () => {
    const dir = await scaffold('split', { type: 'module' }, 'dts');
    fs.writeFileSync(path.join(dir, 'main.mjs'), `import { createClient, id } from './src/db/index.js';\n${PROGRAM}`);
    const out = path.join(dir, 'out');
    await build({ entryPoints: [path.join(dir, 'main.mjs')], bundle: true, splitting: true, format: 'esm', platform: 'node', outdir: out, logLevel: 'silent' });
    expect(JSON.parse(await run(process.execPath, [path.join(out, 'main.js')], dir))).toEqual(EXPECTED);
  });

  it('a project run with tsx, no build step', async () => {
    const dir = await scaffold('tsx', { type: 'module' });
    fs.writeFileSync(path.join(dir, 'main.ts'), `import { createClient, id } from './src/db/index.js';\n${PROGRAM}`);
    expect(JSON.parse(await run(path.join(ROOT, 'node_modules/.bin/tsx'), ['main.ts'], dir))).toEqual(EXPECTED);
  });

  it('a plain JavaScript ESM project (--output dts), no TypeScript at all', async () => {
    const dir = await scaffold('js', { type: 'module' }, 'dts');
    fs.writeFileSync(path.join(dir, 'main.mjs'), `import { createClient, id } from './src/db/index.js';\n${PROGRAM}`);
    expect(JSON.parse(await run(process.execPath, ['main.mjs'], dir))).toEqual(EXPECTED);
  });
});
