// Auth requests the generated client sends that @instantdb/admin@1.0.67 has no method for:
// `auth.signInGuest` → POST /admin/sign_in_guest (server/src/instant/admin/routes.clj `sign-in-guest-post`,
// which reads `extra-fields` from the body and answers `{ user }` with a `refresh_token`). With no SDK
// call to compare against, the request is compared with the SDK's other admin auth POSTs (same headers
// and query string) and the body with what the route reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../support/captureServer.js';
import { generateTodoClient, makeGen, makeSdk, removeDir, wireView, type GeneratedModule } from './harness.js';

let server: CaptureServer;
let mod: GeneratedModule;
let dir: string | undefined;

beforeAll(async () => {
  server = await startCaptureServer();
  ({ mod, dir } = await generateTodoClient('auth-extras'));
}, 120_000);

afterAll(async () => {
  await server?.close();
  removeDir(dir);
});

const guestUser = { id: '0b7d7a1e-3c55-4b9f-9f7e-1f1b8a9e0c01', type: 'guest', email: null, refresh_token: '5f0e0c1e-7d1a-4a55-b7a4-4f0d8f6a2c11' };

/** The SDK's admin auth POST (generateMagicCode), as the reference for headers and query string. */
async function sdkAdminPost() {
  server.reset();
  await makeSdk(server.url).auth.generateMagicCode('a@b.c');
  return wireView(server.take()[0]);
}

describe('auth.signInGuest', { timeout: 60_000 }, () => {
  it.each([
    ['without extraFields: an empty body', undefined, {}],
    ['with extraFields: the extra-fields key', { extraFields: { nickname: 'guest-1' } }, { 'extra-fields': { nickname: 'guest-1' } }],
  ] as const)('%s', async (_name, options, body) => {
    const reference = await sdkAdminPost();
    server.reset();
    server.script({ status: 200, body: { user: guestUser } });
    const user = await makeGen(mod, server.url).auth.signInGuest(options);
    const [sent] = server.take().map(wireView);
    expect(sent).toStrictEqual({ ...reference, path: '/admin/sign_in_guest', body });
    expect(user).toStrictEqual(guestUser);
  });
});
