// The real instant-cli (1.0.67, a devDependency) against the local server: pull, push of schema and rules,
// query, and pushes the server must refuse. The CLI runs as a child process with a throwaway HOME (no login
// file is read or written), `--yes` (no prompt) and a preload that refuses any connection beyond loopback.
// Routes and shapes follow server/src/instant/dash/routes.clj (schema-pull-get, schema-steps-apply-post,
// perms-pull-get, rules-post, indexing-jobs-group-get), superadmin/routes.clj (req->superadmin-app!) and
// model/schema.clj (attrs->schema, apply-plan-with-deletes!).

import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { id, init } from '@instantdb/admin';
import { loadSchema } from '../../src/schema/loadSchema.js';
import { loadPerms } from '../../src/schema/loadPerms.js';
import { ruleValidationIssues } from '../../src/server/permissions/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { importClientFromIR } from '../support/generatedClient.js';
import { fixtureSchema, ROOT, scratchDir } from '../support/paths.js';

const CLI = path.join(ROOT, 'node_modules', 'instant-cli', 'bin', 'index.js');
const GUARD = path.join(ROOT, 'test', 'support', 'loopbackOnly.cjs');
const CLI_TIMEOUT = 180_000;
const RULES = { goals: { allow: { view: 'true' } } };

interface CliRun {
  code: number;
  output: string;
}

let server: RunningServer;
let home: string;
let networkLog: string;

/** A project folder as a user has it: package.json naming an Instant SDK (else `pull` offers to install one). */
function project(label: string): string {
  const dir = scratchDir(`cli-${label}`);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: label, private: true, devDependencies: { '@instantdb/admin': '1.0.67' } }));
  return dir;
}

/** instant-cli with only the environment the README tells users to set (no inherited INSTANT_* variables). */
function cli(cwd: string, args: string[], app = { appId: server.appId, adminToken: server.adminToken }): Promise<CliRun> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    NO_COLOR: '1',
    CI: '1',
    NODE_OPTIONS: `--require ${GUARD}`,
    LOOPBACK_ONLY_LOG: networkLog,
    INSTANT_CLI_API_URI: server.url,
    INSTANT_APP_ID: app.appId,
    INSTANT_APP_ADMIN_TOKEN: app.adminToken,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env, timeout: CLI_TIMEOUT }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
}

const sdk = (app = { appId: server.appId, adminToken: server.adminToken }) => init({ appId: app.appId, adminToken: app.adminToken, apiURI: server.url });

async function pullJson(p: string, token = server.adminToken): Promise<any> {
  const res = await fetch(server.url + p, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  const { ir } = await loadSchema(fixtureSchema('todo'));
  server = await startServer({ schema: ir, rules: RULES, log: () => undefined });
  home = scratchDir('cli-home');
  networkLog = path.join(home, 'network.log');
  const db = sdk();
  await db.transact([
    db.tx.goals[id()].update({ title: 'Get fit', done: false, priority: 1 }),
    db.tx.goals[id()].update({ title: 'Learn Clojure', done: false, priority: 2 }),
  ]);
});

afterAll(async () => {
  await server?.close();
});

describe('instant-cli against the local server', () => {
  let dir: string;

  it('pull writes instant.schema.ts and instant.perms.ts that match the app', { timeout: CLI_TIMEOUT }, async () => {
    dir = project('pull');
    const run = await cli(dir, ['pull', '--yes']);
    expect(run.output).toContain('Wrote schema to instant.schema.ts');
    expect(run.code).toBe(0);
    const pulled = (await loadSchema(path.join(dir, 'instant.schema.ts'))).ir;
    const original = (await loadSchema(fixtureSchema('todo'))).ir;
    const shape = (ir: typeof original, name: string) =>
      ir.entities
        .find((e) => e.name === name)!
        .attrs.map((a) => [a.name, a.valueType, a.required, a.unique, a.indexed])
        .sort();
    for (const name of ['goals', 'todos']) expect(shape(pulled, name)).toEqual(shape(original, name));
    const links = (ir: typeof original) => ir.links.map((l) => [l.forward.on, l.forward.label, l.forward.has, l.reverse.on, l.reverse.label, l.reverse.has]).sort();
    expect(links(pulled)).toEqual(expect.arrayContaining(links(original)));
    const perms = await loadPerms(path.join(dir, 'instant.perms.ts'), ruleValidationIssues);
    expect(perms.rules).toEqual(RULES);
  });

  it('push applies a changed schema and rules: the SDK and a generated client see them', { timeout: CLI_TIMEOUT }, async () => {
    const schemaFile = path.join(dir, 'instant.schema.ts');
    let schema = readFileSync(schemaFile, 'utf8');
    schema = schema.replace('  entities: {', '  entities: {\n    projects: i.entity({ name: i.string().unique().indexed() }),');
    schema = schema.replace(/description: i\.string\(\)\.optional\(\)/, 'description: i.string().indexed().optional(),\n      color: i.string().optional()');
    schema = schema.replace('  links: {', '  links: {\n    projectGoals: { forward: { on: "projects", has: "many", label: "goals" }, reverse: { on: "goals", has: "one", label: "project" } },');
    writeFileSync(schemaFile, schema);
    writeFileSync(
      path.join(dir, 'instant.perms.ts'),
      'const rules = { goals: { allow: { view: "auth.id != null" } }, projects: { allow: { view: "true" } } };\nexport default rules;\n',
    );
    const run = await cli(dir, ['push', '--yes']);
    expect(run.output).toContain('Schema updated!');
    expect(run.output).toContain('Permissions updated!');
    expect(run.code).toBe(0);

    // The official SDK: the new entity, attr and link exist, `projects.name` is unique, `description` is indexed.
    const db = sdk();
    const [project, goal] = [id(), (await db.query({ goals: { $: { where: { title: 'Get fit' } } } })).goals[0].id];
    await db.transact([db.tx.projects[project].update({ name: 'Health' }).link({ goals: goal }), db.tx.goals[goal].update({ color: 'green', description: 'b' })]);
    const res = await db.query({ projects: { goals: {} } });
    expect(res.projects).toMatchObject([{ name: 'Health', goals: [{ title: 'Get fit', color: 'green' }] }]);
    await expect(db.transact(db.tx.projects[id()].update({ name: 'Health' }))).rejects.toMatchObject({ body: { type: 'record-not-unique' } });
    const ordered = await db.query({ goals: { $: { order: { description: 'asc' } } } });
    expect(ordered.goals.map((g: any) => g.title)).toEqual(['Learn Clojure', 'Get fit']);
    // The pushed rules: guests no longer see goals, and pulling gives them back.
    expect((await db.asUser({ guest: true }).query({ goals: {} })).goals).toEqual([]);
    expect((await pullJson(`/dash/apps/${server.appId}/perms/pull`)).body.perms.goals.allow.view).toBe('auth.id != null');

    // A client generated from the pushed schema file reads and writes the new entity.
    const { mod } = await importClientFromIR((await loadSchema(schemaFile)).ir, 'cli-push');
    const gen = mod.createClient({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url });
    await gen.transact([gen.projects.tx(id()).create({ name: 'Learning' })]);
    expect((await gen.projects.query({ $: { order: { name: 'asc' } } })).map((p: any) => p.name)).toEqual(['Health', 'Learning']);

    // Pushing the same files again has nothing to do.
    const again = await cli(dir, ['push', '--yes']);
    expect(again.output).toContain('No schema changes to apply!');
    expect(again.output).toContain('No perms changes to apply!');
  });

  it('query prints the results', { timeout: CLI_TIMEOUT }, async () => {
    const run = await cli(dir, ['query', '--admin', '{ goals: { $: { where: { title: "Learn Clojure" } } } }']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.output.slice(run.output.indexOf('{'), run.output.lastIndexOf('}') + 1));
    expect(json.goals).toMatchObject([{ title: 'Learn Clojure', priority: 2 }]);
  });

  it('a schema push that drops an attribute in use fails with the place and the fix, and changes nothing', { timeout: CLI_TIMEOUT }, async () => {
    const bad = project('drop');
    const schemaFile = path.join(dir, 'instant.schema.ts');
    writeFileSync(path.join(bad, 'instant.schema.ts'), readFileSync(schemaFile, 'utf8').replace(/\n\s*color: i\.string\(\)\.optional\(\),?/, ''));
    const before = (await pullJson(`/dash/apps/${server.appId}/schema/pull`)).body;
    const run = await cli(bad, ['push', 'schema', '--yes']);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/steps->\d+: Deleting goals\.color would delete the values 1 goals entities have for it \([0-9a-f-]{36}\)/);
    expect(run.output).toContain('Delete or clear that data first (or keep goals.color in the schema file), then push again.');
    expect((await pullJson(`/dash/apps/${server.appId}/schema/pull`)).body).toEqual(before);
    expect((await sdk().query({ goals: { $: { where: { color: 'green' } } } })).goals).toHaveLength(1);
  });

  it('a constraint the data does not allow fails the whole push, and changes nothing', { timeout: CLI_TIMEOUT }, async () => {
    const bad = project('unique');
    const schema = readFileSync(path.join(dir, 'instant.schema.ts'), 'utf8')
      .replace('  entities: {', '  entities: {\n    tags: i.entity({ label: i.string() }),')
      .replace(/done: i\.boolean\(\),/, 'done: i.boolean().unique(),');
    writeFileSync(path.join(bad, 'instant.schema.ts'), schema);
    const before = (await pullJson(`/dash/apps/${server.appId}/schema/pull`)).body;
    const run = await cli(bad, ['push', 'schema', '--yes']);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/steps->\d+: goals\.done can't be made unique: 2 entities have the value false/);
    // The new entity of the same push was not created either.
    expect((await pullJson(`/dash/apps/${server.appId}/schema/pull`)).body).toEqual(before);
  });

  it('a rules push with a CEL error fails with the rule and the error, and keeps the rules', { timeout: CLI_TIMEOUT }, async () => {
    const bad = project('cel');
    writeFileSync(path.join(bad, 'instant.perms.ts'), 'export default { goals: { allow: { view: "auth.id ==" } } };\n');
    const before = (await pullJson(`/dash/apps/${server.appId}/perms/pull`)).body;
    const run = await cli(bad, ['push', 'perms', '--yes']);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('Error making request to Instant API: Validation failed for rule');
    expect(run.output).toMatch(/goals->allow->view: .*Syntax error/i);
    expect((await pullJson(`/dash/apps/${server.appId}/perms/pull`)).body).toEqual(before);
  });

  it('reached nothing beyond loopback and kept no login', () => {
    expect(existsSync(networkLog) ? readFileSync(networkLog, 'utf8') : '').toBe('');
    expect(existsSync(path.join(home, '.config', 'instantdb-prod'))).toBe(false);
  });
});
