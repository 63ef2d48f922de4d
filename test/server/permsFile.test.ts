// The rules file: finding instant.perms.ts, evaluating it like the schema, reporting bad rules at
// file:line:col; `runServe` and `startServer` with rules.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { id, init, setInstantWarningsEnabled } from '@instantdb/admin';
import { findPermsFile, loadPerms as loadWith } from '../../src/schema/loadPerms.js';
import { ruleValidationIssues } from '../../src/server/permissions/rules.js';
import { SchemaError } from '../../src/ir/SchemaError.js';
import { runServe, startServer } from '../../src/server/index.js';
import { fixtureSchema } from '../support/paths.js';
import { schemaIR } from '../support/localServer.js';
import { FIXTURES } from './cases/index.js';
import { GENEROUS_LIMITS } from '../support/limits.js';

const loadPerms = (file: string) => loadWith(file, ruleValidationIssues);

const dir = mkdtempSync(join(tmpdir(), 'instant-codegen-perms-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function project(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [file, text] of Object.entries(files)) {
    const path = join(root, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return root;
}

async function schemaError(p: Promise<unknown>): Promise<SchemaError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SchemaError);
  return error as SchemaError;
}

describe('loadPerms', () => {
  it('reads the todo fixture rules (typed with InstantRules, importing the schema for types)', async () => {
    const { rules, files } = await loadPerms(join(dirname(fixtureSchema('todo')), 'instant.perms.ts'));
    expect(Object.keys(rules)).toEqual(['$default', '$users', 'goals', 'todos']);
    expect(rules.goals).toMatchObject({ bind: ['isOwner', expect.stringContaining("data.ref('owner.id')")], allow: { view: 'isOwner' } });
    expect(files.map((f) => f.split('/').pop())).toEqual(['instant.perms.ts', 'instant.schema.ts']);
  });

  it('evaluates helpers and any @instantdb package import, keeping only JSON', async () => {
    const root = project('helpers', {
      'rules/owner.ts': "export const owner = (path: string) => `auth.id in data.ref('${path}')`;\n",
      'instant.perms.ts': [
        "import { type InstantRules } from '@instantdb/react';",
        "import { owner } from './rules/owner';",
        'const rules: InstantRules = {',
        "  goals: { allow: { view: owner('owner.id'), update: true as unknown as string } },",
        '  todos: { allow: { view: undefined } },',
        '};',
        'export default rules;',
        '',
      ].join('\n'),
    });
    const { rules } = await loadPerms(join(root, 'instant.perms.ts'));
    expect(rules).toEqual({ goals: { allow: { view: "auth.id in data.ref('owner.id')", update: true } }, todos: { allow: {} } });
  });

  it('names the rule that does not compile at file:line:col, with a fix', async () => {
    const root = project('bad', {
      'instant.perms.ts': ['const rules = {', '  goals: {', '    allow: {', "      view: '!10',", "      update: \"auth.ref('$users.id') == []\",", '    },', '  },', '};', '', 'export default rules;', ''].join('\n'),
    });
    const error = await schemaError(loadPerms(join(root, 'instant.perms.ts')));
    expect(error.location).toEqual({ file: join(root, 'instant.perms.ts'), line: 4, column: 13 });
    const text = error.format(root);
    expect(text).toContain("instant.perms.ts:4:13: error: `goals.allow.view`: found no matching overload for '!_' applied to '(int)' (candidates: (bool))");
    expect(text).toContain('also: ');
    expect(text).toContain('instant.perms.ts:5:15: `goals.allow.update`: auth.ref arg must start with `$user.`');
    expect(text).toContain('fix: ');
  });

  it('points at bind problems and reserved namespaces', async () => {
    const root = project('binds', {
      'instant.perms.ts': "export default {\n  goals: { bind: ['a', 'b', 'b', 'a'], allow: { view: 'a' } },\n};\n",
    });
    const error = await schemaError(loadPerms(join(root, 'instant.perms.ts')));
    expect(error.message).toBe('`goals.bind.a` (used by `goals.allow.view`): The binds have a cyclic dependency a -> b -> a');
    expect(error.location?.line).toBe(2);
    expect(error.fix).toMatch(/without a cycle/);

    const reserved = project('reserved', { 'instant.perms.ts': "export default { $codes: { allow: { view: 'true' } } };\n" });
    const r = await schemaError(loadPerms(join(reserved, 'instant.perms.ts')));
    expect(r.message).toMatch(/^`\$codes.allow.view`: The \$codes namespace is a reserved internal namespace/);
  });

  it('points a CEL error in a bind at the bind, naming the rule that uses it', async () => {
    const root = project('bind-error', {
      'instant.perms.ts': [
        'export default {',
        "  $default: { bind: ['isAdmin', \"auth.role == 'admin'\"] },",
        '  goals: {',
        '    bind: {',
        "      isOwner: \"auth.id in data.ref('owner.id')\",",
        '      isBoth: "isOwner && !10",',
        '    },',
        "    allow: { view: 'isBoth || isAdmin', update: 'isOwner' },",
        '  },',
        '};',
        '',
      ].join('\n'),
    });
    const error = await schemaError(loadPerms(join(root, 'instant.perms.ts')));
    expect(error.location).toEqual({ file: join(root, 'instant.perms.ts'), line: 6, column: 15 });
    expect(error.message).toBe("`goals.bind.isBoth` (used by `goals.allow.view`): found no matching overload for '!_' applied to '(int)' (candidates: (bool))");
    // The server reports it under the rule, as Instant does.
    expect(ruleValidationIssues({ goals: { bind: { b: '!10' }, allow: { view: 'b' } } })).toEqual([
      { message: "found no matching overload for '!_' applied to '(int)' (candidates: (bool))", in: ['goals', 'allow', 'view'], at: ['goals', 'bind', 'b'] },
    ]);
  });

  it('reports a missing default export and evaluation errors', async () => {
    const none = project('none', { 'instant.perms.ts': 'export const rules = {};\n' });
    expect((await schemaError(loadPerms(join(none, 'instant.perms.ts')))).message).toBe('the rules file has no default export of a rules object');
    const throwing = project('throwing', { 'instant.perms.ts': "const x: any = undefined;\nexport default { goals: x.allow };\n" });
    const e = await schemaError(loadPerms(join(throwing, 'instant.perms.ts')));
    expect(e.message).toMatch(/^evaluating the rules failed: /);
    expect(e.location?.line).toBe(2);
  });
});

describe('findPermsFile', () => {
  it('finds instant.perms.ts beside the schema, honours an explicit path, and rejects a missing one', () => {
    const root = project('find', { 'app/instant.schema.ts': '', 'app/instant.perms.ts': '', 'other.perms.ts': '' });
    const schema = join(root, 'app', 'instant.schema.ts');
    expect(findPermsFile(schema, undefined, root, {})).toBe(join(root, 'app', 'instant.perms.ts'));
    expect(findPermsFile(schema, 'other.perms.ts', root, {})).toBe(join(root, 'other.perms.ts'));
    expect(findPermsFile(schema, undefined, root, { INSTANT_PERMS_FILE_PATH: 'other.perms.ts' })).toBe(join(root, 'other.perms.ts'));
    // Found where Instant's CLI looks, wherever the schema is.
    expect(findPermsFile(join(root, 'instant.schema.ts'), undefined, root, {})).toBe(join(root, 'app', 'instant.perms.ts'));
    expect(findPermsFile(join(root, 'instant.schema.ts'), undefined, join(root, 'app', 'nothing-here'), {})).toBeUndefined();
    expect(() => findPermsFile(schema, 'missing.ts', root, {})).toThrow(/--perms points to .*missing\.ts, which does not exist/);
  });

  // client/packages/cli/src/util/findConfigCandidates.ts (getPermsReadCandidates): the project root, then src/
  // 3 levels deep, lib/ 2 levels, app/; folders depth first; independently of where the schema is.
  it("searches the project like Instant's CLI, independently of the schema", () => {
    const schema = (root: string) => join(root, 'db', 'instant.schema.ts');
    const cases: [string[], string | undefined][] = [
      [['instant.perms.ts', 'src/instant.perms.ts'], 'instant.perms.ts'],
      [['src/instant.perms.mjs', 'lib/instant.perms.ts'], 'src/instant.perms.mjs'],
      [['src/a/b/c/instant.perms.ts'], 'src/a/b/c/instant.perms.ts'],
      [['src/a/b/c/d/instant.perms.ts'], undefined],
      [['lib/a/b/instant.perms.ts'], 'lib/a/b/instant.perms.ts'],
      [['lib/a/b/c/instant.perms.ts'], undefined],
      [['app/instant.perms.ts', 'lib/x/instant.perms.ts'], 'lib/x/instant.perms.ts'],
      [['app/x/instant.perms.ts'], undefined],
      // depth first: src/a/deep before src/b
      [['src/b/instant.perms.ts', 'src/a/deep/instant.perms.ts'], 'src/a/deep/instant.perms.ts'],
      [['src/node_modules/instant.perms.ts', 'src/.hidden/instant.perms.ts'], undefined],
    ];
    cases.forEach(([files, expected], n) => {
      const root = project(`search-${n}`, Object.fromEntries([['db/instant.schema.ts', ''], ...files.map((f) => [f, ''])]));
      expect(findPermsFile(schema(root), undefined, root, {}), files.join(', ')).toBe(expected && join(root, expected));
    });
  });
});

describe('serving with rules', () => {
  const loadSchema = async () => schemaIR(FIXTURES.permsTodo.schema, 'permsTodo');

  it('runServe loads instant.perms.ts beside the schema and says so', async () => {
    setInstantWarningsEnabled(false);
    const root = project('serve', {
      'instant.schema.ts': '// loaded through the injected loader\n',
      'instant.perms.ts': "export default { goals: { allow: { view: 'false' } } };\n",
    });
    const out: string[] = [];
    const server = await runServe({ cwd: root, memory: true, loadSchema, print: (l) => out.push(l), handleSignals: false, log: () => undefined, queryTimeoutMs: GENEROUS_LIMITS.queryTimeoutMs });
    try {
      expect(server.permsFile).toBe(join(root, 'instant.perms.ts'));
      expect(out.join('\n')).toContain(`rules:       ${join(root, 'instant.perms.ts')}`);
      const db = init({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url });
      await db.transact(db.tx.goals[id()].update({ title: 'hidden' }));
      expect((await db.query({ goals: {} })).goals).toHaveLength(1);
      expect((await db.asUser({ guest: true }).query({ goals: {} })).goals).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('startServer refuses invalid rules; setRules replaces an app\'s rules', async () => {
    await expect(startServer({ schema: await loadSchema(), memory: true, rules: { goals: { allow: { view: '!10' } } } })).rejects.toMatchObject({
      type: 'validation-failed',
      message: "Validation failed for rule: found no matching overload for '!_' applied to '(int)' (candidates: (bool))",
    });
    const server = await startServer({ schema: await loadSchema(), memory: true, log: () => undefined, limits: GENEROUS_LIMITS });
    try {
      const db = init({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url });
      await db.transact(db.tx.goals[id()].update({ title: 'a' }));
      const guestCount = async () => (await db.asUser({ guest: true }).query({ goals: {} })).goals.length;
      expect(await guestCount()).toBe(1);
      server.setRules({ goals: { allow: { view: 'false' } } });
      expect(await guestCount()).toBe(0);
      server.setRules(undefined);
      expect(await guestCount()).toBe(1);
      expect(() => server.setRules({ $codes: { allow: { view: 'true' } } })).toThrow(/reserved internal namespace/);
    } finally {
      await server.close();
    }
  });
});
