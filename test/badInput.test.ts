import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { ROOT, fixtureSchema, scratchDir } from './support/paths.js';
import { snapshotDir } from './support/snapshotDir.js';

const GOOD = `import { i } from '@instantdb/react';
const _schema = i.schema({
  entities: {
    goals: i.entity({ title: i.string() }),
    todos: i.entity({ text: i.string() }),
  },
  links: {
    goalsTodos: { forward: { on: 'goals', has: 'many', label: 'todos' }, reverse: { on: 'todos', has: 'one', label: 'goal' } },
  },
});
export default _schema;
`;

interface BadInput {
  name: string;
  schema: string;
  /** Expected `file:line:col` (the column may be left out) and words of the message. */
  at?: [number, number?];
  /** The file `at` is in, when not the schema. */
  atFile?: string;
  message: RegExp;
  /** Words of the fix. */
  fix?: RegExp;
  /** Other files beside the schema, removed after the case. */
  files?: Record<string, string>;
}

const USERS = GOOD.replace('todos: i.entity', "$users: i.entity({ email: i.string().unique().indexed() }),\n    todos: i.entity");

const CASES: BadInput[] = [
  { name: 'syntax error', schema: GOOD.replace("title: i.string() }", "title: i.string( }"), at: [4, 40], message: /syntax error: Argument expression expected\./ },
  { name: 'no default export', schema: GOOD.replace('export default _schema;', ''), at: [1, 1], message: /no default export/ },
  { name: 'default export is not a schema', schema: GOOD.replace('export default _schema;', 'export default 42;'), at: [1, 1], message: /no default export of an `i\.schema/ },
  { name: 'unknown modifier', schema: GOOD.replace('title: i.string()', 'title: i.string().uniqe()'), at: [4, 41], message: /`\.uniqe\(\)` is not an attribute modifier/ },
  { name: 'unknown value type', schema: GOOD.replace('title: i.string()', 'title: i.text()'), at: [4, 32], message: /`i\.text` is not part of Instant's schema DSL/ },
  { name: 'cascade on a has-many side', schema: GOOD.replace("label: 'todos' }", "label: 'todos', onDelete: 'cascade' }"), at: [8, 17], message: /links\.goalsTodos\.forward` has onDelete: "cascade" on a has: "many" side/ },
  { name: 'link to an undeclared entity', schema: GOOD.replace("on: 'todos', has: 'one'", "on: 'tasks', has: 'one'"), at: [8, 17], message: /refers to `tasks`, which is not declared/ },
  { name: 'duplicate link label', schema: GOOD.replace("label: 'goal' }", "label: 'goal' } },\n    again: { forward: { on: 'goals', has: 'many', label: 'todos' }, reverse: { on: 'todos', has: 'one', label: 'other' }"), at: [8, 17], message: /`goals\.todos` is defined twice \(by links\.again\.forward and links\.goalsTodos\.forward\)/ },
  { name: 'wrong has value', schema: GOOD.replace("has: 'many'", "has: 'lots'"), at: [8, 17], message: /`links\.goalsTodos\.forward\.has` is "lots"/ },
  { name: 'unknown system namespace', schema: GOOD.replace('todos: i.entity', '$todos: i.entity').replace("on: 'todos'", "on: '$todos'"), message: /the \$ prefix is reserved/ },
  { name: 'required custom attribute on $users', schema: GOOD.replace('todos: i.entity', '$users: i.entity({ nickname: i.string() }),\n    todos: i.entity'), at: [5, 34], message: /`\$users\.nickname`: custom attributes on \$users must be optional/ },
  { name: 'throws while evaluating', schema: GOOD.replace('const _schema', 'const boom = (() => { throw new Error("kaboom"); })();\nconst _schema'), at: [2, 29], message: /evaluating the schema failed: kaboom/ },
  { name: 'imports a missing module', schema: `// helpers\nimport { helper } from './missing-helper';\nhelper();\n${GOOD}`, at: [2, 1], message: /evaluating the schema failed: Cannot find module '\.\/missing-helper'/, fix: /fix the path, or create the module/ },
  // Exports that are not a schema
  { name: 'empty file', schema: '', at: [1, 1], message: /no default export of an `i\.schema/ },
  { name: 'default export of a function', schema: GOOD.replace('export default _schema;', 'export default function schema() {\n  return _schema;\n}'), at: [1, 1], message: /no default export of an `i\.schema\(\.\.\.\)` value \(it is a function\)/, fix: /not a function that makes it/ },
  { name: 'default export of an entity', schema: GOOD.replace('export default _schema;', 'export default i.entity({});'), at: [1, 1], message: /\(it is an `i\.entity\(\.\.\.\)`\)/ },
  { name: 'default export of a string', schema: GOOD.replace('export default _schema;', "export default 'schema';"), at: [1, 1], message: /\(it is the string "schema"\)/ },
  { name: '`entities` misspelt', schema: GOOD.replace('entities: {', 'entitites: {'), at: [2, 19], message: /i\.schema\(\{ entities \}\) needs `entities` to be an object, got undefined/ },
  // Entities and attributes not built with `i`
  { name: 'an entity that is a plain object', schema: GOOD.replace('todos: i.entity({ text: i.string() })', 'todos: { text: i.string() }'), at: [5, 12], message: /`entities\.todos` is not an `i\.entity\(\{\.\.\.\}\)` \(it is a plain object\)/ },
  { name: 'an attribute that is a plain object', schema: GOOD.replace('title: i.string()', "title: { valueType: 'string', required: 'yes' }"), at: [4, 30], message: /`goals\.title` is not an attribute built with `i` \(it is a plain object\)/, fix: /i\.string\(\)/ },
  { name: 'an attribute that is a string', schema: GOOD.replace('title: i.string()', "title: 'string'"), at: [4, 30], message: /\(it is the string "string"\)/ },
  { name: 'an attribute with an unknown value type', schema: GOOD.replace('title: i.string()', "title: { valueType: 'text', required: true, isIndexed: false, config: {} }"), at: [4, 30], message: /`goals\.title` has the unknown value type "text"/ },
  // Links
  { name: 'a link without `forward`', schema: GOOD.replace("goalsTodos: { forward: { on: 'goals', has: 'many', label: 'todos' }, ", 'goalsTodos: { '), at: [8, 17], message: /`links\.goalsTodos` has no `forward` side/ },
  { name: 'a link without `reverse`', schema: GOOD.replace(", reverse: { on: 'todos', has: 'one', label: 'goal' }", ''), at: [8, 17], message: /`links\.goalsTodos` has no `reverse` side/ },
  { name: '`has` misspelt', schema: GOOD.replace("has: 'many'", "hsa: 'many'"), at: [8, 17], message: /`links\.goalsTodos\.forward` has no `has`, and the unknown key `hsa`/, fix: /check the spelling/ },
  { name: 'a label that is not a string', schema: GOOD.replace("label: 'todos'", 'label: 42'), at: [8, 17], message: /`links\.goalsTodos\.forward` needs `on` and `label` strings \(on: "goals", label: 42\)/ },
  { name: 'an empty label', schema: GOOD.replace("label: 'goal'", "label: ''"), at: [8, 17], message: /`links\.goalsTodos\.reverse` needs `on` and `label` strings \(on: "todos", label: ""\)/ },
  { name: 'onDelete other than cascade', schema: GOOD.replace("label: 'goal' }", "label: 'goal', onDelete: 'restrict' }"), at: [8, 17], message: /`links\.goalsTodos\.reverse\.onDelete` is "restrict"/ },
  { name: 'a required link from $users', schema: USERS.replace("forward: { on: 'goals', has: 'many', label: 'todos' }, reverse: { on: 'todos', has: 'one', label: 'goal' }", "forward: { on: '$users', has: 'many', label: 'todos', required: true }, reverse: { on: 'todos', has: 'one', label: 'owner' }"), at: [9, 17], message: /`links\.goalsTodos\.forward`: links from \$users cannot be required/ },
  { name: 'a reverse label that is also an attribute', schema: GOOD.replace('text: i.string()', 'text: i.string(), goal: i.string()'), at: [8, 17], message: /`todos\.goal` is both an attribute and a link label/ },
  { name: 'a duplicate label on the reverse side', schema: GOOD.replace("label: 'goal' }", "label: 'goal' } },\n    again: { forward: { on: 'goals', has: 'many', label: 'more' }, reverse: { on: 'todos', has: 'one', label: 'goal' }"), at: [8, 17], message: /`todos\.goal` is defined twice/ },
  { name: 'required custom attribute on $files', schema: GOOD.replace('todos: i.entity', '$files: i.entity({ path: i.string().unique().indexed(), url: i.string(), owner: i.string() }),\n    todos: i.entity'), at: [5, 85], message: /`\$files\.owner`: custom attributes on \$files must be optional/ },
  // Evaluation
  { name: 'throws something that is not an Error', schema: GOOD.replace('export default _schema;', "if (_schema) throw 'no schema today';\nexport default _schema;"), message: /evaluating the schema failed: no schema today/ },
  {
    name: 'a circular import',
    schema: `import { count } from './helper';\n${GOOD.replace('export default _schema;', 'export const n = count;\nexport default _schema;')}`,
    files: { 'helper.ts': "import schema from './instant.schema';\nexport const count = Object.keys(schema.entities).length;\n" },
    atFile: 'helper.ts',
    at: [2, 29],
    message: /evaluating the schema failed: Cannot convert undefined or null to object/,
    fix: /helper\.ts imports the schema file back \(a circular import\)/,
  },
  {
    name: 'a syntax error in an imported module',
    schema: `import { extra } from './helper';\n${GOOD.replace("title: i.string()", 'title: i.string(), ...extra')}`,
    files: { 'helper.ts': "import { i } from '@instantdb/react';\nexport const extra = { note: i.string( };\n" },
    atFile: 'helper.ts',
    at: [2, 40],
    message: /syntax error: Argument expression expected\./,
  },
  {
    name: 'two imported modules declare different types under one name',
    schema: `import { a } from './a';\nimport { b } from './b';\n${GOOD.replace('entities: {', 'entities: {\n    ...a,\n    ...b,')}`,
    files: {
      'a.ts': "import { i } from '@instantdb/react';\ntype Status = 'open' | 'closed';\nexport const a = { tickets: i.entity({ status: i.string<Status>() }) };\n",
      'b.ts': "import { i } from '@instantdb/react';\ntype Status = 'draft' | 'done';\nexport const b = { drafts: i.entity({ status: i.string<Status>() }) };\n",
    },
    // entities are read in name order (drafts, then tickets): the second declaration met is the one placed
    atFile: 'a.ts',
    at: [2, 1],
    message: /two different types named `Status` are used in type arguments \(b\.ts:2:1 and a\.ts:2:1\); both would be copied into the generated user-types\.ts/,
    fix: /Rename one of them, or declare `Status` once in a module that both import it from/,
  },
  {
    name: 'a value imported through a path alias that leads to a declaration file',
    schema: `import { extra } from '@/extra';\n${GOOD.replace('title: i.string()', 'title: i.string(), ...extra')}`,
    files: {
      'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@/*': ['./types/*'] } } }),
      'types/extra.d.ts': 'export declare const extra: {};\n',
    },
    at: [1, 1],
    message: /evaluating the schema failed: Cannot find module '@\/extra'/,
    fix: /`@\/extra` leads \(tsconfig `paths`\) to extra\.d\.ts, a declaration file, which has no values when the schema runs: import its types with `import type`/,
  },
];

describe('bad input: a clear message with file:line:col and the fix, exit code 1, previous output untouched', () => {
  let dir: string;
  let schema: string;
  let previous: Record<string, string>;
  beforeAll(() => {
    dir = scratchDir('bad');
    schema = path.join(dir, 'instant.schema.ts');
    fs.writeFileSync(schema, GOOD);
    expect(runCli(['generate', '--schema', schema]).code).toBe(0);
    previous = snapshotDir(path.join(dir, 'instant.gen'));
  });

  it('has at least 40 cases in all (schema cases here, and the cases below)', () => {
    expect(CASES.length + 20).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  for (const c of CASES) {
    it(c.name, () => {
      fs.writeFileSync(schema, c.schema);
      for (const [name, text] of Object.entries(c.files ?? {})) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
      }
      try {
        const { code, stderr, stdout } = runCli(['generate', '--schema', schema], { cwd: dir });
        expect(stdout).toBe('');
        expect(code).toBe(1);
        const first = stderr.split('\n')[0];
        expect(first).toMatch(c.message);
        const file = (c.atFile ?? 'instant.schema.ts').replace(/\./g, '\\.');
        if (c.at) expect(first, first).toMatch(new RegExp(`^${file}:${c.at[0]}:${c.at[1] ?? '\\d+'}: error: `));
        expect(stderr).toMatch(/\n {2}fix: \S/);
        if (c.fix) expect(stderr.split('\n')[1]).toMatch(c.fix);
        expect(stderr, 'no stack trace').not.toMatch(/^\s+at /m);
        expect(snapshotDir(path.join(dir, 'instant.gen'))).toEqual(previous);
        expect(fs.readdirSync(dir).filter((f) => f.startsWith('.instant.gen'))).toEqual([]);
      } finally {
        for (const name of Object.keys(c.files ?? {})) fs.rmSync(path.join(dir, name));
      }
    });
  }

  it('reports every problem of a schema in one run, in source order (not alphabetical), then the fixes', () => {
    const text = GOOD.replace('todos: i.entity', '$users: i.entity({ nickname: i.string() }),\n    todos: i.entity')
      .replace('goals: i.entity', '$zz: i.entity({}),\n    goals: i.entity')
      .replace("has: 'many'", "has: 'lots'")
      .replace("links: {", "links: {\n    aFirstByName: { forward: { on: 'nope', has: 'one', label: 'x' }, reverse: { on: 'goals', has: 'many', label: 'y' } },");
    fs.writeFileSync(schema, text);
    const { code, stderr } = runCli(['generate', '--schema', schema], { cwd: dir });
    expect(code).toBe(1);
    const errors = stderr.split('\n').filter((l) => / error: /.test(l));
    expect(errors).toEqual([
      expect.stringMatching(/^instant\.schema\.ts:4:10: error: `\$zz`: the \$ prefix is reserved/),
      expect.stringMatching(/^instant\.schema\.ts:6:34: error: `\$users\.nickname`: custom attributes on \$users must be optional/),
      expect.stringMatching(/^instant\.schema\.ts:10:19: error: `links\.aFirstByName\.forward\.on` refers to `nope`/),
      expect.stringMatching(/^instant\.schema\.ts:11:17: error: `links\.goalsTodos\.forward\.has` is "lots"/),
    ]);
    expect(stderr.split('\n').filter((l) => l.startsWith('  fix: '))).toHaveLength(4);
    expect(snapshotDir(path.join(dir, 'instant.gen'))).toEqual(previous);
  });

  it('an `id` declared on entities is accepted, ignored, and warned about once', () => {
    const text = GOOD.replace('title: i.string()', 'id: i.string(), title: i.string()').replace('text: i.string()', 'id: i.string().unique(), text: i.string()');
    const d = scratchDir('declared-id');
    fs.writeFileSync(path.join(d, 'instant.schema.ts'), text);
    const { code, stderr } = runCli(['generate', '--schema', 'instant.schema.ts'], { cwd: d });
    expect(code, stderr).toBe(0);
    expect(stderr).toBe('instant.schema.ts:4:27: warning: `goals.id`, `todos.id` are ignored: every entity has an implicit string `id`\n  fix: Remove the declaration; Instant ignores it too.\n');
    // The same client as without the declarations.
    fs.writeFileSync(path.join(d, 'instant.schema.ts'), GOOD);
    const generated = snapshotDir(path.join(d, 'instant.gen'));
    expect(runCli(['generate', '--schema', 'instant.schema.ts'], { cwd: d }).code).toBe(0);
    const withoutIds = snapshotDir(path.join(d, 'instant.gen'));
    const body = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).filter(([f]) => !f.endsWith('.json')).map(([f, t]) => [f, t.replace(/schema sha256 \w+/g, '')]));
    expect(body(generated)).toEqual(body(withoutIds));
  });

  it('an output path that is a file', () => {
    fs.writeFileSync(schema, GOOD);
    const file = path.join(dir, 'not-a-folder');
    fs.writeFileSync(file, 'x');
    const { code, stderr } = runCli(['generate', '--schema', schema, '--out', file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/the output path .*not-a-folder is a file, not a folder\n {2}fix:/);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('a schema file that does not exist, and no schema to find', () => {
    const missing = runCli(['generate', '--schema', path.join(dir, 'nope.ts')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: the schema file .*nope\.ts does not exist\n {2}fix: /);
    const empty = scratchDir('empty');
    const none = runCli(['generate'], { cwd: empty });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no instant\.schema\.ts found .*\n {2}fix: Pass --schema/);
  });

  it('usage errors exit 2', () => {
    expect(runCli(['generate', '--bogus']).code).toBe(2);
    expect(runCli([]).code).toBe(2);
  });

  /** A fresh folder with a good schema generated once; returns the folder and its output snapshot. */
  function generated(label: string): { dir: string; schema: string; before: Record<string, string> } {
    const dir = scratchDir(label);
    fs.chmodSync(dir, 0o755);
    const schema = path.join(dir, 'instant.schema.ts');
    fs.writeFileSync(schema, GOOD);
    expect(runCli(['generate', '--schema', schema]).code).toBe(0);
    return { dir, schema, before: snapshotDir(path.join(dir, 'instant.gen')) };
  }

  it('an output path below a file', () => {
    fs.writeFileSync(schema, GOOD);
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
    const { code, stderr } = runCli(['generate', '--schema', schema, '--out', path.join(file, 'instant.gen')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: the output path .*a-file\/instant\.gen is inside .*a-file, which is a file\n/);
    expect(stderr).toMatch(/\n {2}fix: /);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('an output folder that holds files instant-codegen did not write (e.g. --out .)', () => {
    const project = scratchDir('not-ours');
    fs.writeFileSync(path.join(project, 'instant.schema.ts'), GOOD);
    fs.writeFileSync(path.join(project, 'package.json'), '{}');
    fs.mkdirSync(path.join(project, 'src'));
    const before = snapshotDir(project);
    const { code, stderr } = runCli(['generate', '--schema', 'instant.schema.ts', '--out', '.'], { cwd: project });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: the output folder .* already holds files that instant-codegen did not write \(instant\.schema\.ts, package\.json, src\)\n {2}fix: /);
    expect(snapshotDir(project)).toEqual(before);
    expect(fs.existsSync(path.join(project, 'src'))).toBe(true);
  });

  it('a read-only output folder: a clear error, the previous output untouched', () => {
    const { dir: ro, schema: roSchema, before } = generated('read-only');
    fs.writeFileSync(roSchema, GOOD.replace('title: i.string()', 'title: i.string(), done: i.boolean()'));
    const args = [path.join(ROOT, 'bin', 'instant-codegen.js'), 'generate', '--schema', roSchema];
    // Root writes through any mode bits: as root, run the CLI as `nobody` (the folder is root's, 0755);
    // otherwise take write permission away from the folder and the one it is in.
    const asRoot = process.getuid?.() === 0;
    if (!asRoot) for (const d of [ro, path.join(ro, 'instant.gen')]) fs.chmodSync(d, 0o555);
    try {
      const result = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: ro, ...(asRoot ? { uid: 65534, gid: 65534, env: { PATH: process.env.PATH, HOME: os.tmpdir() } } : {}) });
      expect(result.status, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/^error: cannot write the output folder .*instant\.gen: permission denied \(EACCES/);
      expect(result.stderr).toMatch(/\n {2}fix: Make the folder and the one it is in writable/);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    } finally {
      if (!asRoot) for (const d of [ro, path.join(ro, 'instant.gen')]) fs.chmodSync(d, 0o755);
    }
    expect(snapshotDir(path.join(ro, 'instant.gen'))).toEqual(before);
    expect(fs.readdirSync(ro).filter((f) => f.startsWith('.instant.gen'))).toEqual([]);
  });

  it('the output folder is readable by others (not mkdtemp\'s 0700)', () => {
    const { dir: d } = generated('mode');
    expect(fs.statSync(path.join(d, 'instant.gen')).mode & 0o077).not.toBe(0);
  });

  it('a schema path that is a folder', () => {
    const { code, stderr } = runCli(['generate', '--schema', dir]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: the schema path .* is not a file\n {2}fix: /);
  });

  it('a 5 MB schema: generates (or fails clearly) in bounded time', () => {
    const { dir: big, schema: bigSchema } = generated('big');
    // 5 MB: 150 entities of 20 attributes linked in a chain, and 4.5 MB of data the schema file also holds.
    const entities = Array.from({ length: 150 }, (_, e) => `    e${e}: i.entity({\n${Array.from({ length: 20 }, (_, a) => `      attr_${a}: i.${['string', 'number', 'boolean', 'date', 'json'][a % 5]}()${a % 3 ? '.optional()' : ''}${a % 4 ? '' : '.indexed()'},`).join('\n')}\n    }),`);
    const links = Array.from({ length: 149 }, (_, e) => `    l${e}: { forward: { on: 'e${e + 1}', has: 'one', label: 'parent' }, reverse: { on: 'e${e}', has: 'many', label: 'children' } },`);
    const data = `export const SEED_ROWS = [\n${Array.from({ length: 55_000 }, (_, n) => `  { id: ${n}, name: 'row number ${n} with some text to carry weight', tags: ['a', 'b'] },`).join('\n')}\n];\n`;
    const text = `import { i } from '@instantdb/admin';\n${data}const _schema = i.schema({\n  entities: {\n${entities.join('\n')}\n  },\n  links: {\n${links.join('\n')}\n  },\n});\nexport default _schema;\n`;
    expect(text.length).toBeGreaterThan(5_000_000);
    fs.writeFileSync(bigSchema, text);
    // The bound only tells "finishes" from "hangs or blows up": ~20 s on a fully loaded two-core machine.
    const BOUND_MS = 300_000;
    const result = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'instant-codegen.js'), 'generate', '--schema', bigSchema], { encoding: 'utf8', timeout: BOUND_MS });
    expect(result.error, `did not finish within ${BOUND_MS} ms`).toBeUndefined();
    if (result.status === 0) {
      expect(result.stdout).toMatch(/150 entities, 149 links/);
      const modules = new Set(fs.readdirSync(path.join(big, 'instant.gen', 'entities')).map((f) => f.replace(/\.(d\.ts|js|ts)$/, '')));
      expect(modules.size).toBe(150);
    } else {
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/error: .*\n {2}fix: /);
    }
  }, 330_000);

  it('invalid config files: a clear message at the place, exit 1', () => {
    const cases: [string, string, RegExp][] = [
      ['instant-codegen.config.json', '{ "output": "ts", }\n', /^instant-codegen\.config\.json:1:19: error: instant-codegen\.config\.json is not valid JSON/],
      ['instant-codegen.config.json', '{\n  "output": "ts",\n  "outputs": 1\n}\n', /^instant-codegen\.config\.json:3:3: error: invalid instant-codegen config in .*: \(root\): Unrecognized key: "outputs"/],
      ['instant-codegen.config.json', '{\n  "output": "cjs"\n}\n', /^instant-codegen\.config\.json:2:3: error: invalid instant-codegen config in .*: output: /],
      ['instant-codegen.config.ts', "const x = 1;\nthrow new Error('bad config');\nexport default {};\n", /^instant-codegen\.config\.ts:2:\d+: error: loading the config file failed: bad config/],
      ['package.json', '{ "name": "x",\n  "instant-codegen": { "dates": "sometimes" } }', /^package\.json:2:\d+: error: invalid instant-codegen config in .*package\.json \("instant-codegen"\): dates: /],
      ['package.json', '{ "name": "x",\n  oops }', /^package\.json:2:3: error: package\.json is not valid JSON/],
    ];
    for (const [name, text, message] of cases) {
      const { dir: d, before } = generated('config');
      fs.writeFileSync(path.join(d, name), text);
      const { code, stderr } = runCli(['generate', '--schema', 'instant.schema.ts'], { cwd: d });
      expect(code, `${name}: ${text}`).toBe(1);
      expect(stderr, `${name}: ${text}`).toMatch(message);
      expect(stderr).toMatch(/\n {2}fix: \S/);
      expect(snapshotDir(path.join(d, 'instant.gen'))).toEqual(before);
    }
    const missing = runCli(['generate', '--schema', schema, '--config', path.join(dir, 'nope.json')]);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringMatching(/config file .*nope\.json does not exist/)]);
    const folder = runCli(['generate', '--schema', schema, '--config', dir]);
    expect([folder.code, folder.stderr]).toEqual([1, expect.stringMatching(/config file .* is a folder/)]);
  });

  it('bad flag values and missing flag values are usage errors: exit 2, nothing written', () => {
    fs.writeFileSync(schema, GOOD);
    const before = snapshotDir(path.join(dir, 'instant.gen'));
    const cases: [string[], RegExp][] = [
      [['generate', '--output', 'cjs'], /Argument: output, Given: "cjs", Choices: "ts", "dts"/],
      [['generate', '--dates', 'sometimes'], /Argument: dates, Given: "sometimes"/],
      [['generate', '--prettier', 'mine'], /Argument: prettier, Given: "mine"/],
      [['generate', '--log-level', 'loud'], /Argument: log-level, Given: "loud"/],
      [['generate', '--check', '--watch'], /Arguments check and watch are mutually exclusive/],
      [['generate', '--out'], /Not enough arguments following: out/],
      [['generate', '--schema'], /Not enough arguments following: schema/],
      [['generate', '--config'], /Not enough arguments following: config/],
      [['generat'], /Unknown argument: generat/],
    ];
    for (const [args, message] of cases) {
      // The schema is found in the working directory.
      const { code, stderr } = runCli(args, { cwd: dir });
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toMatch(message);
      expect(stderr).toMatch(/Run `instant-codegen --help` for usage\./);
    }
    expect(snapshotDir(path.join(dir, 'instant.gen'))).toEqual(before);
  });

  it('serve: bad flag values are usage errors that name the flag and the fix (exit 2, no stack trace)', () => {
    fs.writeFileSync(schema, GOOD);
    const cases: [string[], RegExp][] = [
      [['--port', 'abc'], /^instant-codegen: --port "abc" is not a port number\. Pass an integer from 1 to 65535/],
      [['--port', '99999'], /^instant-codegen: --port "99999" is not a port number/],
      [['--port', '80.5'], /^instant-codegen: --port "80\.5" is not a port number/],
      [['--app-id', 'xyz'], /^instant-codegen: --app-id "xyz" is not a UUID\. Pass one like --app-id [0-9a-f-]{36}/],
      [['--admin-token', 'secret'], /^instant-codegen: --admin-token "secret" is not a UUID\. .*or leave it out to have one generated/],
      [['--port'], /Not enough arguments following: port/],
    ];
    for (const [flags, message] of cases) {
      const { code, stderr } = runCli(['serve', '--memory', ...flags], { cwd: dir });
      expect(code, flags.join(' ')).toBe(2);
      expect(stderr, flags.join(' ')).toMatch(message);
      expect(stderr).toMatch(/Run `instant-codegen --help` for usage\./);
      expect(stderr, 'no stack trace').not.toMatch(/^\s+at /m);
    }
  });

  it('works without any Instant package installed beside the schema', () => {
    const lonely = scratchDir('lonely');
    fs.copyFileSync(fixtureSchema('minimal'), path.join(lonely, 'instant.schema.ts'));
    expect(fs.existsSync(path.join(lonely, 'node_modules'))).toBe(false);
    expect(runCli(['generate', '--schema', path.join(lonely, 'instant.schema.ts')]).code).toBe(0);
  });
});
