import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { fixtureSchema, scratchDir } from './support/paths.js';
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
  message: RegExp;
}

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
  { name: 'imports a missing module', schema: `import { helper } from './missing-helper';\nhelper();\n${GOOD}`, message: /evaluating the schema failed: Cannot find module/ },
  { name: 'declares id', schema: GOOD.replace('title: i.string()', 'id: i.string(), title: i.string()'), at: [4, 27], message: /`goals\.id` is implicit/ },
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

  for (const c of CASES) {
    it(c.name, () => {
      fs.writeFileSync(schema, c.schema);
      const { code, stderr, stdout } = runCli(['generate', '--schema', schema], { cwd: dir });
      expect(stdout).toBe('');
      expect(code).toBe(1);
      const first = stderr.split('\n')[0];
      expect(first).toMatch(c.message);
      if (c.at) expect(first, first).toMatch(new RegExp(`^instant\\.schema\\.ts:${c.at[0]}:${c.at[1] ?? '\\d+'}: error: `));
      expect(stderr).toMatch(/\n {2}fix: \S/);
      expect(snapshotDir(path.join(dir, 'instant.gen'))).toEqual(previous);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('.instant.gen'))).toEqual([]);
    });
  }

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
    expect(missing.stderr).toMatch(/nope\.ts/);
    const empty = scratchDir('empty');
    const none = runCli(['generate'], { cwd: empty });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no instant\.schema\.ts found .*\n {2}fix: Pass --schema/);
  });

  it('usage errors exit 2', () => {
    expect(runCli(['generate', '--bogus']).code).toBe(2);
    expect(runCli([]).code).toBe(2);
  });

  it('works without any Instant package installed beside the schema', () => {
    const lonely = scratchDir('lonely');
    fs.copyFileSync(fixtureSchema('minimal'), path.join(lonely, 'instant.schema.ts'));
    expect(fs.existsSync(path.join(lonely, 'node_modules'))).toBe(false);
    expect(runCli(['generate', '--schema', path.join(lonely, 'instant.schema.ts')]).code).toBe(0);
  });
});
