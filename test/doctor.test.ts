// `instant-codegen doctor` against the local server: the live side is read from GET /admin/schema, whose shape
// follows Instant's server/src/instant/admin/routes.clj (schema-get) and model/schema.clj (attrs->schema).

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSchema } from '../src/schema/loadSchema.js';
import { startServer, type RunningServer } from '../src/server/index.js';
import type { SchemaIR } from '../src/ir/types.js';
import { quickGenerateArgs } from '../src/cli/quickArgs.js';
import { runCliAsync } from './support/cli.js';
import { fixtureSchema, scratchDir } from './support/paths.js';

const SCHEMA = fixtureSchema('todo');
const NO_ENV = { INSTANT_APP_ID: undefined, INSTANT_APP_ADMIN_TOKEN: undefined, INSTANT_API_URI: undefined, INSTANT_PERMS_FILE_PATH: undefined };
let ir: SchemaIR;
const servers: RunningServer[] = [];

async function serverWith(edit: (schema: SchemaIR) => void = () => {}): Promise<RunningServer> {
  const schema = structuredClone(ir);
  edit(schema);
  const server = await startServer({ schema, memory: true, log: () => {} });
  servers.push(server);
  return server;
}

function doctor(server: { url: string; appId: string; adminToken: string }, extra: string[] = []) {
  return runCliAsync(['doctor', '--schema', SCHEMA, '--api-uri', server.url, '--app-id', server.appId, '--admin-token', server.adminToken, ...extra], { env: NO_ENV });
}

function entity(schema: SchemaIR, name: string) {
  return schema.entities.find((e) => e.name === name)!;
}

beforeAll(async () => {
  ir = (await loadSchema(SCHEMA)).ir;
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('doctor', () => {
  it('exits 0 with "all agree" when the live app has the same schema, and never prints the admin token', async () => {
    const server = await serverWith();
    const result = await doctor(server);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('instant-codegen doctor: all agree');
    expect(result.stdout).toContain('not compared with the live app (the admin API does not expose them)');
    expect(result.stdout).toContain('/health/system: ok');
    expect(result.stdout).toContain('generated client fixtures/todo/instant.gen: ok');
    expect(result.stdout).not.toContain(server.adminToken);
    expect(result.code).toBe(0);
  }, 120_000);

  it('exits 1 naming entity.attr when the live app lacks an attribute', async () => {
    const server = await serverWith((s) => {
      entity(s, 'todos').attrs = entity(s, 'todos').attrs.filter((a) => a.name !== 'position');
    });
    const result = await doctor(server);
    expect(result.stdout).toMatch(/todos\.position: attribute is in the schema but missing in the live app/);
    expect(result.stdout).toContain('1 difference found');
    expect(result.code).toBe(1);
  }, 120_000);

  it('exits 1 when an attribute is unique on one side only, and names extra live attributes and link changes', async () => {
    const server = await serverWith((s) => {
      entity(s, 'goals').attrs.find((a) => a.name === 'title')!.unique = true;
      entity(s, 'goals').attrs.push({ ...entity(s, 'goals').attrs[0], name: 'legacyCode' });
      s.links.find((l) => l.forward.on === 'goals' && l.forward.label === 'todos')!.reverse.has = 'many';
    });
    const result = await doctor(server);
    expect(result.stdout).toContain('goals.title: unique: not unique in the schema, unique in the live app');
    expect(result.stdout).toContain('goals.legacyCode: attribute is in the live app but not in the schema');
    // A link whose reverse side is "one" is a unique ref attr (server/schema/schemaAttrs.ts, after model/schema.clj).
    expect(result.stdout).toContain('goals.todos: unique: unique in the schema, not unique in the live app');
    expect(result.code).toBe(1);
  }, 120_000);

  it('reports a stale generated client without rewriting it', async () => {
    const server = await serverWith();
    const out = scratchDir('doctor-stale');
    try {
      const generated = await runCliAsync(['generate', '--schema', SCHEMA, '--out', out], { env: NO_ENV });
      expect(generated.code).toBe(0);
      const file = path.join(out, 'index.d.ts');
      const edited = `${fs.readFileSync(file, 'utf8')}// edited by hand\n`;
      fs.writeFileSync(file, edited);
      const result = await doctor(server, ['--out', out]);
      expect(result.stdout).toMatch(/generated client .*: 1 problem\n\s+✗ stale \(index\.d\.ts would change\)/);
      expect(fs.readFileSync(file, 'utf8')).toBe(edited);
      expect(result.code).toBe(1);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('exits 1 with a clear line when the api-uri cannot be reached', async () => {
    const port = await closedPort();
    const result = await doctor({ url: `http://127.0.0.1:${port}`, appId: '3f2b8c1e-9a4d-4e7b-8c21-5d6f7a8b9c0d', adminToken: '5d6f7a8b-9a4d-4e7b-8c21-3f2b8c1e9c0d' });
    expect(result.stdout).toContain(`cannot reach http://127.0.0.1:${port}/health/system (ECONNREFUSED). Check --api-uri / INSTANT_API_URI`);
    expect(result.stdout).not.toContain('5d6f7a8b-9a4d-4e7b-8c21-3f2b8c1e9c0d');
    expect(result.code).toBe(1);
  }, 120_000);

  it('exits 1 when the admin token is wrong, showing it masked', async () => {
    const server = await serverWith();
    const wrong = '11111111-2222-4333-8444-555555555555';
    const result = await doctor({ ...server, adminToken: wrong });
    expect(result.stdout).toMatch(/admin\/schema answered HTTP 4\d\d .* admin token 1111…5555/);
    expect(result.stdout).not.toContain(wrong);
    expect(result.code).toBe(1);
  }, 120_000);

  it('takes the credentials from INSTANT_APP_ID / INSTANT_APP_ADMIN_TOKEN / INSTANT_API_URI', async () => {
    const server = await serverWith();
    const result = await runCliAsync(['doctor', '--schema', SCHEMA], {
      env: { ...NO_ENV, INSTANT_APP_ID: server.appId, INSTANT_APP_ADMIN_TOKEN: server.adminToken, INSTANT_API_URI: server.url },
    });
    expect(result.stdout).toContain('all agree');
    expect(result.code).toBe(0);
  }, 120_000);

  it('is left to yargs by the quick `generate` parser', () => {
    expect(quickGenerateArgs(['doctor', '--schema', SCHEMA])).toBeUndefined();
  });

  it('exits 2 naming the flags and environment variables when credentials are missing', async () => {
    const result = await runCliAsync(['doctor', '--schema', SCHEMA], { env: NO_ENV });
    expect(result.stderr).toContain('pass --app-id (or INSTANT_APP_ID) and --admin-token (or INSTANT_APP_ADMIN_TOKEN)');
    expect(result.code).toBe(2);
  }, 120_000);
});

/** A loopback port that was free a moment ago and is now closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
