// Guest upgrade through the generated client's `auth.checkMagicCode(email, code, { refreshToken })`, against the
// local server. `@instantdb/admin@1.0.67` never sends the guest's token; Instant's server reads it
// (server/src/instant/admin/routes.clj `verify-magic-code-post` → magic_code_auth.clj `verify!` with
// `guest-user-id`): a new email takes over the guest's id, an existing user gets the guest linked to it.
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { importClientFromIR } from '../support/generatedClient.js';
import { schemaIR } from '../support/localServer.js';
import { FIXTURES } from './cases/index.js';

let server: RunningServer;
let db: any;
/** Without validation: the fixture's schema does not declare the system link `linkedPrimaryUser`. */
let unchecked: any;
let dir: string;

beforeAll(async () => {
  const ir = schemaIR(FIXTURES.users.schema, 'users');
  server = await startServer({ schema: ir, memory: true, log: () => undefined });
  const generated = await importClientFromIR<any>(ir, 'guest-upgrade');
  dir = generated.dir;
  db = generated.mod.createClient({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url });
  unchecked = generated.mod.createClient({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url, validate: false });
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('a new email: the guest becomes that user, same id, no longer a guest', async () => {
  const guest = await db.auth.signInGuest({ extraFields: { username: 'g' } });
  const { code } = await db.auth.generateMagicCode('new@o.dev');
  const { user, created } = await db.auth.checkMagicCode('new@o.dev', code, { refreshToken: guest.refresh_token });
  expect([created, user.id, user.type, user.isGuest, user.username]).toEqual([true, guest.id, 'user', false, 'g']);
});

it('an existing user: signed in as that user, the guest linked to it', async () => {
  const existing = await db.auth.verifyToken(await db.auth.createToken('old@o.dev'));
  const guest = await db.auth.signInGuest();
  const { code } = await db.auth.generateMagicCode('old@o.dev');
  const { user, created } = await db.auth.checkMagicCode('old@o.dev', code, { refreshToken: guest.refresh_token });
  expect([created, user.id]).toEqual([false, existing.id]);
  const { $users } = await unchecked.query({ $users: { $: { where: { id: guest.id } }, linkedPrimaryUser: {} } });
  expect($users[0].linkedPrimaryUser.id).toBe(existing.id);
});

it('a non-guest\'s token is ignored; an unknown token is an error', async () => {
  const other = await db.auth.createToken('third@o.dev');
  const { code } = await db.auth.generateMagicCode('fourth@o.dev');
  const { user } = await db.auth.checkMagicCode('fourth@o.dev', code, { refreshToken: other });
  expect(user.email).toBe('fourth@o.dev');
  expect(user.id).not.toBe((await db.auth.verifyToken(other)).id);
  const { code: again } = await db.auth.generateMagicCode('fifth@o.dev');
  await expect(db.auth.checkMagicCode('fifth@o.dev', again, { refreshToken: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({
    status: 400,
    body: { type: 'record-not-found' },
  });
});
