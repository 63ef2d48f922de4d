// Magic code behaviour that needs its own server: expiry and the server log standing in for email.

import { afterAll, describe, expect, it } from 'vitest';
import { init, setInstantWarningsEnabled } from '@instantdb/admin';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { schemaIR } from '../support/localServer.js';
import { FIXTURES } from './cases/fixtures.js';
import { GENEROUS_LIMITS } from '../support/limits.js';

const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serverWith(options: { magicCodeExpiryMinutes?: number; log?: (line: string) => void }) {
  setInstantWarningsEnabled(false);
  const server = await startServer({ schema: schemaIR(FIXTURES.users.schema), memory: true, log: () => undefined, limits: GENEROUS_LIMITS, ...options });
  servers.push(server);
  return { server, db: init({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url }) };
}

describe('magic codes', () => {
  it('an expired code is record-expired', async () => {
    const { db } = await serverWith({ magicCodeExpiryMinutes: -1 });
    const { code } = await db.auth.generateMagicCode('late@o.dev');
    const error = await db.auth.checkMagicCode('late@o.dev', code).catch((e: any) => e);
    expect(error.status).toBe(400);
    expect(error.body).toMatchObject({ type: 'record-expired', message: 'Record expired: app-user-magic-code' });
  });

  it('send_magic_code prints the code to the server log instead of emailing it', async () => {
    const lines: string[] = [];
    const { db } = await serverWith({ log: (line) => lines.push(line) });
    const { code } = await db.auth.sendMagicCode('mail@o.dev');
    expect(lines.some((l) => l.includes('mail@o.dev') && l.includes(code))).toBe(true);
    const { user, created } = await db.auth.checkMagicCode('mail@o.dev', code);
    expect([user.email, created]).toEqual(['mail@o.dev', true]);
  });

  it('codes only use the digits 0-8', async () => {
    const { db } = await serverWith({});
    const codes = await Promise.all(Array.from({ length: 40 }, () => db.auth.generateMagicCode('digits@o.dev')));
    expect(codes.every(({ code }) => /^[0-8]{6}$/.test(code))).toBe(true);
  });
});
