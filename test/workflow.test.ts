import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { ROOT, fixtureSchema, scratchDir } from './support/paths.js';
import { snapshotDir } from './support/snapshotDir.js';
import { writeOutput } from '../src/write/writeOutput.js';

function project(fixture = 'minimal'): { dir: string; schema: string } {
  const dir = scratchDir('workflow');
  fs.copyFileSync(fixtureSchema(fixture), path.join(dir, 'instant.schema.ts'));
  return { dir, schema: path.join(dir, 'instant.schema.ts') };
}

/** Runs the CLI in-process in a child, then asks Node which CommonJS modules it loaded (ts-morph is one). */
function probeCli(dir: string, args: string[]): string {
  const script = `const { main } = await import(${JSON.stringify(path.join(ROOT, 'dist/cli/main.js'))});
    await main(${JSON.stringify(args)});
    const loaded = Object.keys((await import('node:module')).default._cache);
    console.log('ts-morph loaded: ' + loaded.some((f) => f.includes('ts-morph')));`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' }).stdout;
}

describe('instant no-op', () => {
  it('a second run with nothing changed does nothing, without loading the compiler or prettier', async () => {
    const { dir, schema } = project('todo');
    expect(runCli(['generate'], { cwd: dir }).code).toBe(0);
    const probe = (args: string[]) => probeCli(dir, args);
    expect(probe(['generate'])).toMatch(/up to date, nothing to do\) in \d+ ms\nts-morph loaded: false/);
    fs.appendFileSync(schema, '\n');
    expect(probe(['generate'])).toMatch(/written[\s\S]*ts-morph loaded: true/);
    // any input change, an option change, or an edited output brings a real run back
    fs.appendFileSync(schema, '\n');
    expect(runCli(['generate'], { cwd: dir }).stdout).toMatch(/\(\d+ written/);
    expect(runCli(['generate', '--no-validation'], { cwd: dir }).stdout).toMatch(/\(\d+ written/);
    fs.appendFileSync(path.join(dir, 'instant.gen', 'index.js'), '// edited\n');
    expect(runCli(['generate', '--no-validation'], { cwd: dir }).stdout).toMatch(/\(1 written/);
  });

  it('modules reached through a path alias and the tsconfig files defining the aliases are inputs too', () => {
    const dir = scratchDir('workflow-alias');
    fs.cpSync(path.join(ROOT, 'fixtures/path-alias'), dir, { recursive: true, filter: (f) => !f.includes('instant.gen') });
    expect(runCli(['generate'], { cwd: dir }).code).toBe(0);
    const inputs: string[] = JSON.parse(fs.readFileSync(path.join(dir, 'instant.gen/manifest.json'), 'utf8')).inputs;
    expect(inputs).toEqual(expect.arrayContaining(['../src/schema/shared.ts', '../src/lib/types/audit.ts', '../tsconfig.json', '../tsconfig.base.json']));
    // still decided from hashes alone, however many inputs
    expect(probeCli(dir, ['generate'])).toMatch(/up to date, nothing to do\) in \d+ ms\nts-morph loaded: false/);
    for (const changed of ['src/lib/types/audit.ts', 'src/schema/fields.ts', 'tsconfig.json', 'tsconfig.base.json']) {
      fs.appendFileSync(path.join(dir, changed), '\n');
      expect(runCli(['generate'], { cwd: dir }).stdout, changed).toMatch(/\(\d+ written/);
      expect(runCli(['generate'], { cwd: dir }).stdout, changed).toMatch(/up to date, nothing to do/);
    }
    // an alias that now leads elsewhere: the generated import follows it
    const base = path.join(dir, 'tsconfig.base.json');
    fs.mkdirSync(path.join(dir, 'vendor/types'), { recursive: true });
    fs.copyFileSync(path.join(dir, 'src/lib/types/billing.ts'), path.join(dir, 'vendor/types/billing.ts'));
    fs.writeFileSync(base, fs.readFileSync(base, 'utf8').replace('["./src/lib/types/*", "./vendor/types/*"]', '["./vendor/types/*"]'));
    expect(runCli(['generate'], { cwd: dir }).stdout).toMatch(/\(\d+ written/);
    expect(fs.readFileSync(path.join(dir, 'instant.gen/user-types.ts'), 'utf8')).toContain("from '../vendor/types/billing.js'");
  });

  it('the binary decides a no-op without loading any package (yargs, zod, ...), with a config file too', () => {
    const { dir, schema } = project('todo');
    fs.writeFileSync(path.join(dir, 'instant-codegen.config.json'), JSON.stringify({ schema: 'instant.schema.ts', validation: false }));
    // Every module the binary loads, to stderr: ES modules from a loader hook, CommonJS ones from the cache at exit.
    const hook = `export async function resolve(s, c, next) { const r = await next(s, c); process._rawDebug('loaded ' + r.url); return r; }`;
    const register = `import Module, { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});
      process.on('exit', () => Object.keys(Module._cache).forEach((f) => process._rawDebug('loaded ' + f)));`;
    const traced = (args: string[]) => {
      const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, path.join(ROOT, 'bin/instant-codegen.js'), ...args], { cwd: dir, encoding: 'utf8' });
      return { stdout: r.stdout, packages: [...r.stderr.matchAll(/^loaded .*\/node_modules\/((?:@[^/]+\/)?[^/]+)/gm)].map((m) => m[1]) };
    };
    expect(runCli(['generate'], { cwd: dir }).code).toBe(0);
    const noop = traced(['generate']);
    expect(noop.stdout).toMatch(/up to date, nothing to do/);
    expect(noop.packages).toEqual([]);
    // The same input through yargs (a flag the quick parser leaves to it) is a no-op as well.
    expect(runCli(['generate', '--log-level=info'], { cwd: dir }).stdout).toMatch(/up to date, nothing to do/);
    // A change is still seen, and then the heavy parts load.
    fs.appendFileSync(schema, '\n');
    const changed = traced(['generate', '--check']);
    expect(changed.stdout).toMatch(/^\+\s+"inputsHash"/m);
    expect(changed.packages).toContain('ts-morph');
  });
});

describe('configuration', () => {
  it('reads instant-codegen.config.json, paths relative to it; flags override it', () => {
    const { dir } = project();
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'instant-codegen.config.json'), JSON.stringify({ schema: 'instant.schema.ts', out: 'generated/db', validation: false }));
    expect(runCli(['generate'], { cwd: dir }).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'generated/db/index.js'), 'utf8')).toContain('validate: false');
    expect(runCli(['generate', '--validation', '--out', 'sub/db'], { cwd: dir }).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'sub/db/index.js'), 'utf8')).toContain('validate: true');
  });

  it('reads the "instant-codegen" key of package.json', () => {
    const { dir } = project();
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', 'instant-codegen': { out: 'pkg-db' } }));
    expect(runCli(['generate'], { cwd: dir }).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'pkg-db/index.js'))).toBe(true);
  });

  it('rejects an invalid config with a clear message, exit 1', () => {
    const { dir } = project();
    fs.writeFileSync(path.join(dir, 'instant-codegen.config.json'), JSON.stringify({ outt: 'x', dates: 'iso' }));
    const { code, stderr } = runCli(['generate'], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toMatch(/invalid instant-codegen config in .*instant-codegen\.config\.json: .*dates: .*outt/s);
    expect(stderr).toMatch(/fix: Allowed keys: schema, out, validation, output, dates, prettier, testing/);
  });

  it('--silent prints nothing; errors still set the exit code', () => {
    const { dir } = project();
    const ok = runCli(['generate', '--silent'], { cwd: dir });
    expect([ok.code, ok.stdout, ok.stderr]).toEqual([0, '', '']);
    fs.writeFileSync(path.join(dir, 'instant.schema.ts'), 'export default 1;');
    const bad = runCli(['generate', '--silent'], { cwd: dir });
    expect([bad.code, bad.stdout, bad.stderr]).toEqual([1, '', '']);
  });
});

describe('init', () => {
  it('adds scripts without touching existing ones, writes a config, and never prompts', () => {
    const dir = scratchDir('init');
    fs.mkdirSync(path.join(dir, 'src'));
    fs.copyFileSync(fixtureSchema('minimal'), path.join(dir, 'src', 'instant.schema.ts'));
    fs.writeFileSync(path.join(dir, 'package.json'), '{\n    "name": "app",\n    "scripts": { "instant:generate": "mine" }\n}\n');
    const { code, stdout } = runCli(['init'], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toMatch(/added scripts to package\.json: instant:check[\s\S]*schema: src\/instant\.schema\.ts[\s\S]*Next steps/);
    const pkg = fs.readFileSync(path.join(dir, 'package.json'), 'utf8');
    expect(JSON.parse(pkg).scripts).toEqual({ 'instant:generate': 'mine', 'instant:check': 'instant-codegen generate --check' });
    expect(pkg).toMatch(/^ {4}"name"/m);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'instant-codegen.config.json'), 'utf8'))).toEqual({ schema: 'src/instant.schema.ts', out: 'src/instant.gen' });
    expect(runCli(['generate'], { cwd: dir }).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'src/instant.gen/index.js'))).toBe(true);
    // twice is harmless
    expect(runCli(['init'], { cwd: dir }).stdout).toMatch(/already has the instant:\* scripts[\s\S]*kept the existing/);
  });
});

describe('atomic writes', () => {
  it('a run that fails while writing leaves the previous output exactly as it was', () => {
    const { dir } = project('todo');
    expect(runCli(['generate'], { cwd: dir }).code).toBe(0);
    const out = path.join(dir, 'instant.gen');
    const before = snapshotDir(out);
    // `entities` as a file and `entities/x.ts` below it: the second write fails half-way through staging.
    const broken = new Map([['index.ts', '// new\n'], ['entities', 'x'], ['entities/x.ts', 'y']]);
    expect(() => writeOutput(out, broken)).toThrow(/ENOTDIR|EEXIST/);
    expect(snapshotDir(out)).toEqual(before);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.instant.gen'))).toEqual([]);
  });

  it('recovers the previous output if a run was killed between the two renames of the swap', () => {
    const { dir } = project();
    expect(runCli(['generate'], { cwd: dir }).code).toBe(0);
    const out = path.join(dir, 'instant.gen');
    const before = snapshotDir(out);
    fs.renameSync(out, path.join(dir, '.instant.gen.previous'));
    fs.appendFileSync(path.join(dir, 'instant.schema.ts'), '\n');
    expect(runCli(['generate'], { cwd: dir }).code).toBe(0);
    expect(Object.keys(snapshotDir(out))).toEqual(Object.keys(before));
    expect(fs.existsSync(path.join(dir, '.instant.gen.previous'))).toBe(false);
  });
});

describe('watch', () => {
  let child: ReturnType<typeof spawn> | undefined;
  afterEach(() => child?.kill('SIGKILL'));

  it('regenerates on change, reports an error, keeps running, and recovers', async () => {
    const { dir, schema } = project();
    child = spawn(process.execPath, [path.join(ROOT, 'bin/instant-codegen.js'), 'generate', '--watch'], { cwd: dir });
    const lines: string[] = [];
    const waiters: { re: RegExp; count: number; resolve: () => void }[] = [];
    const onData = (chunk: Buffer) => {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      for (const w of [...waiters]) if (lines.filter((l) => w.re.test(l)).length >= w.count) w.resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    /** Resolves once `count` lines in all have matched `re`. */
    const seen = (re: RegExp, count = 1) =>
      new Promise<void>((resolve, reject) => {
        // Only a guard against a watcher that never reacts: a loaded machine takes its time to regenerate.
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} x${count}; got:\n${lines.join('\n')}`)), 120_000);
        waiters.push({ re, count, resolve: () => (clearTimeout(timer), resolve()) });
        onData(Buffer.from(''));
      });
    const run = /1 entities, 0 links → instant\.gen \(\d+ written, \d+ unchanged\)/;
    await seen(run, 1);
    const good = fs.readFileSync(schema, 'utf8');
    fs.writeFileSync(schema, good.replace('i.entity({', 'i.entity({ extra: i.number(),'));
    await seen(run, 2);
    expect(fs.readFileSync(path.join(dir, 'instant.gen/entities/items.d.ts'), 'utf8')).toContain('extra: number;');
    fs.writeFileSync(schema, good.replace('i.entity({', 'i.entity({ broken: i.nope(),'));
    await seen(/instant\.schema\.ts:\d+:\d+: error: `i\.nope` is not part/);
    fs.writeFileSync(schema, good);
    await seen(run, 3);
    expect(fs.readFileSync(path.join(dir, 'instant.gen/entities/items.d.ts'), 'utf8')).not.toContain('extra');
    expect(child.exitCode).toBe(null);
  });
});
