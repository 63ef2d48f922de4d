// The platform routes through @instantdb/platform's PlatformApi (1.0.67, installed with instant-cli),
// authenticated with an app's admin token, and the raw routes where the API client hides the wire.
// Shapes and errors: server/src/instant/superadmin/routes.clj (req->superadmin-app!, app-schema-get,
// app-rules-get/post), dash/routes.clj (schema-steps-apply-post, indexing-jobs-group-get),
// dash/ephemeral_app.clj (http-post-handler), model/schema.clj (attrs->schema).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { i, id, init } from '@instantdb/admin';
import { PlatformApi } from '@instantdb/platform';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { importClientFromIR } from '../support/generatedClient.js';
import { schemaIR } from '../support/localServer.js';

const schema = i.schema({
  entities: { books: i.entity({ title: i.string().indexed(), pages: i.number().optional() }) },
  links: {},
});

let server: RunningServer;

const api = (token: string) => new PlatformApi({ apiURI: server.url, auth: { token } });

async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  server = await startServer({ schema: schemaIR(schema), log: () => undefined });
});

afterAll(async () => {
  await server?.close();
});

describe('temporary apps (POST /dash/apps/ephemeral)', () => {
  it('creates an isolated app with its admin token and the schema it was given', async () => {
    const { app, expiresMs } = await new PlatformApi({ apiURI: server.url }).createTemporaryApp({ title: 'scratch', schema });
    expect(app).toMatchObject({ title: 'scratch', id: expect.stringMatching(/^[0-9a-f-]{36}$/), adminToken: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(expiresMs).toBeGreaterThan(Date.now());
    const db = init({ appId: app.id, adminToken: app.adminToken!, apiURI: server.url, schema });
    await db.transact(db.tx.books[id()].update({ title: 'Dune', pages: 412 }));
    expect((await db.query({ books: {} })).books.map((b) => b.title)).toEqual(['Dune']);
    // The main app did not see the write.
    const main = init({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url });
    expect((await main.query({ books: {} })).books).toEqual([]);
    // A generated client works on the temporary app too.
    const { mod } = await importClientFromIR(schemaIR(schema), 'platform-temp');
    const gen = mod.createClient({ appId: app.id, adminToken: app.adminToken, apiURI: server.url });
    expect((await gen.books.query({})).map((b: any) => b.pages)).toEqual([412]);
  });

  it('takes rules as Instant does (`rules.code`) and refuses invalid ones', async () => {
    const ok = await call('POST', '/dash/apps/ephemeral', '', { title: 'ruled', rules: { code: { books: { allow: { view: 'false' } } } } });
    expect(ok.status).toBe(200);
    const guest = init({ appId: ok.body.app.id, apiURI: server.url }).asUser({ guest: true });
    expect((await guest.query({ books: {} })).books).toEqual([]);
    const bad = await call('POST', '/dash/apps/ephemeral', '', { title: 'bad', rules: { code: { books: { allow: { view: 'auth.id ==' } } } } });
    expect(bad).toMatchObject({ status: 400, body: { type: 'validation-failed', hint: { 'data-type': 'rule', errors: [{ in: ['books', 'allow', 'view'] }] } } });
    expect(await call('POST', '/dash/apps/ephemeral', '', {})).toMatchObject({ status: 400, body: { type: 'param-missing', hint: { in: ['body', 'title'] } } });
  });
});

describe('schema and rules with an admin token', () => {
  it('getSchema and getPerms read the app', async () => {
    const { schema: pulled } = await api(server.adminToken).getSchema(server.appId);
    expect(Object.keys(pulled.entities.books.attrs).sort()).toEqual(['pages', 'title']);
    expect(pulled.entities.books.attrs.title.isIndexed).toBe(true);
    expect(await api(server.adminToken).getPerms(server.appId)).toEqual({ perms: null });
  });

  it('schemaPush (overwrite) applies the diff through /schema/steps/apply; the SDK sees it', async () => {
    const next = i.schema({
      entities: { books: i.entity({ title: i.string().indexed(), pages: i.number().indexed().optional(), isbn: i.string().unique().optional() }) },
      links: {},
    });
    const result = await api(server.adminToken).schemaPush(server.appId, { schema: next, overwrite: true });
    expect(result.steps.map((s) => s.type).sort()).toEqual(['add-attr', 'index', 'unique']);
    const db = init({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url, schema: next });
    await db.transact([db.tx.books[id()].update({ title: 'A', pages: 30, isbn: '1' }), db.tx.books[id()].update({ title: 'B', pages: 10, isbn: '2' })]);
    expect((await db.query({ books: { $: { order: { pages: 'asc' } } } })).books.map((b) => b.title)).toEqual(['B', 'A']);
    await expect(db.transact(db.tx.books[id()].update({ title: 'C', isbn: '1' }))).rejects.toMatchObject({ body: { type: 'record-not-unique' } });
  });

  it('a rename keeps the data under the new name (update-attr with a new forward-identity)', async () => {
    const next = i.schema({
      entities: { books: i.entity({ title: i.string().indexed(), pageCount: i.number().indexed().optional(), isbn: i.string().unique().optional() }) },
      links: {},
    });
    const result = await api(server.adminToken).schemaPush(server.appId, { schema: next, overwrite: true, renames: ['books.pages:books.pageCount'] });
    expect(result.steps.map((s) => s.type)).toEqual(['update-attr']);
    const db = init({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url, schema: next });
    expect((await db.query({ books: { $: { order: { pageCount: 'asc' } } } })).books.map((b) => [b.title, b.pageCount])).toEqual([
      ['B', 10],
      ['A', 30],
    ]);
  });

  it('the constraint steps are reported as finished indexing jobs', async () => {
    const pull = await call('GET', `/dash/apps/${server.appId}/schema/pull`, server.adminToken);
    const title = pull.body.schema.blobs.books.title;
    const applied = await call('POST', `/dash/apps/${server.appId}/schema/steps/apply`, server.adminToken, {
      steps: [['remove-index', { 'attr-id': title.id, 'forward-identity': title['forward-identity'] }]],
    });
    expect(applied.status).toBe(200);
    const group = applied.body['indexing-jobs']['group-id'];
    const jobs = await call('GET', `/dash/apps/${server.appId}/indexing-jobs/group/${group}`, server.adminToken);
    expect(jobs.body.jobs).toMatchObject([{ job_type: 'remove-index', job_status: 'completed', attr_name: 'books.title' }]);
    expect((await call('GET', `/dash/apps/${server.appId}/schema/pull`, server.adminToken)).body.schema.blobs.books.title['index?']).toBe(false);
  });

  it('an invalid step fails with the step index and changes nothing', async () => {
    const before = await call('GET', `/dash/apps/${server.appId}/schema/pull`, server.adminToken);
    const res = await call('POST', `/dash/apps/${server.appId}/schema/steps/apply`, server.adminToken, {
      steps: [
        ['add-attr', { id: id(), 'forward-identity': [id(), 'shelves', 'id'], 'value-type': 'blob', cardinality: 'one' }],
        ['delete-attr', 'not-a-uuid'],
      ],
    });
    expect(res).toMatchObject({ status: 400, body: { type: 'validation-failed', hint: { errors: [{ expected: 'coercible-uuid?', in: [1, 1] }] } } });
    expect((await call('GET', `/dash/apps/${server.appId}/schema/pull`, server.adminToken)).body).toEqual(before.body);
  });

  it('pushPerms validates and replaces the rules', async () => {
    const perms = { books: { allow: { view: 'data.pageCount > 20' } } };
    expect(await api(server.adminToken).pushPerms(server.appId, { perms })).toEqual({ perms });
    const guest = init({ appId: server.appId, apiURI: server.url }).asUser({ guest: true });
    expect((await guest.query({ books: {} })).books.map((b: any) => b.title)).toEqual(['A']);
    await expect(api(server.adminToken).pushPerms(server.appId, { perms: { books: { allow: { view: 'data.pageCount >' } } } })).rejects.toMatchObject({
      body: { type: 'validation-failed' },
    });
    expect(await api(server.adminToken).getPerms(server.appId)).toEqual({ perms });
  });
});

describe('auth', () => {
  it("an admin token works only for its own app (superadmin/routes.clj's admin-token-mismatch)", async () => {
    const other = server.addApp();
    await expect(api(server.adminToken).getSchema(other.appId)).rejects.toMatchObject({
      body: { type: 'validation-failed', hint: { reason: 'admin-token-mismatch' }, message: expect.stringContaining('Admin tokens are bound to a single app') },
    });
  });

  it('an unknown token is `Record not found: instant-user`; no token is `param-missing`', async () => {
    expect(await call('GET', `/dash/apps/${server.appId}/schema/pull`, id())).toMatchObject({
      status: 400,
      body: { type: 'record-not-found', message: 'Record not found: instant-user' },
    });
    const res = await fetch(`${server.url}/dash/apps/${server.appId}/perms/pull`);
    expect({ status: res.status, body: await res.json() }).toMatchObject({ status: 400, body: { type: 'param-missing', hint: { in: ['headers', 'authorization'] } } });
  });
});
