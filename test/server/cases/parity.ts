// Presence, request auth, per-call fetch options and cardinality inference: the rest of the admin SDK's
// surface (client/packages/admin/src/index.ts `Rooms`, `Auth.getUserFromRequest`, `query`'s `fetchOpts`,
// `debugQuery`'s `cardinalityInference`), served by the local server as admin/routes.clj does.

import { createInstantRouteHandler } from '@instantdb/admin';
import { expect } from 'vitest';
import type { CaseContext, ConformanceCase } from '../../support/conformance.js';

/** A Fetch API request carrying the given Cookie header, as a Next.js route handler receives it. */
const requestWithCookie = (cookie?: string) => new Request('https://app.example/page', { headers: cookie ? { cookie } : {} });

/**
 * The cookie Instant's own route handler (core/src/createRouteHandler.ts, re-exported by @instantdb/admin) sets
 * for a signed-in user: what `getUserFromRequest` must read.
 */
async function cookieFromRouteHandler(ctx: CaseContext, user: unknown): Promise<string> {
  const { POST } = createInstantRouteHandler({ appId: ctx.appId });
  const res = await POST(new Request('https://app.example/api/instant', { method: 'POST', body: JSON.stringify({ type: 'sync-user', appId: ctx.appId, user }) }));
  return res.headers.get('set-cookie')!.split(';')[0];
}

export const PARITY_CASES: ConformanceCase[] = [
  {
    name: 'rooms.getPresence of an empty room is {}',
    covers: ['admin/routes.clj presence-get'],
    fixture: 'users',
    run: (db) => db.rooms!.getPresence('chat', 'room-1'),
    expect: { result: {} },
  },
  {
    name: 'rooms.getPresence: registered sessions with their data, and each user as its $users row',
    covers: ['admin/routes.clj presence-get', 'util/hazelcast.clj JoinRoomMergeV3'],
    fixture: 'users',
    run: async (db, ctx) => {
      const token = await db.auth.createToken({ email: 'p@o.dev', 'extra-fields': { username: 'pat' } } as never);
      const user = await db.auth.verifyToken(token);
      const signedIn = ctx.joinRoom('room-1', { data: { cursor: { x: 1, y: 2 } }, userId: user.id });
      const anonymous = ctx.joinRoom('room-1', {});
      ctx.joinRoom('room-2', { data: { elsewhere: true } });
      const both = await db.rooms!.getPresence('chat', 'room-1');
      anonymous.leave();
      const one = await db.rooms!.getPresence('chat', 'room-1');
      return { both, one, ids: [signedIn.sessionId, anonymous.sessionId], userId: user.id };
    },
    expect: {
      check: ({ both, one, ids: [signedIn, anonymous], userId }) => {
        expect(Object.keys(both).sort()).toEqual([signedIn, anonymous].sort());
        expect(both[signedIn]).toMatchObject({ 'peer-id': signedIn, data: { cursor: { x: 1, y: 2 } }, user: { id: userId, email: 'p@o.dev', username: 'pat' } });
        // A session without a user, and without data: `{}` (hazelcast.clj `(or (:data existing) data {})`).
        expect(both[anonymous]).toMatchObject({ 'peer-id': anonymous, data: {}, user: null });
        expect(Object.keys(one)).toEqual([signedIn]);
      },
    },
  },
  {
    name: 'rooms/presence needs room-type and room-id (ex/get-param!)',
    covers: ['admin/routes.clj presence-get'],
    run: async (_db, ctx) => [
      await ctx.http('GET', `/admin/rooms/presence?room-id=r`, { headers: ctx.headers() }),
      await ctx.http('GET', `/admin/rooms/presence?room-type=chat`, { headers: ctx.headers() }),
      (await ctx.http('GET', `/admin/rooms/presence?room-type=chat&room-id=r`, { headers: ctx.headers({ authorization: 'Bearer 00000000-0000-4000-8000-000000000000' }) })).status,
    ],
    expect: {
      check: ([noType, noId, badToken]) => {
        expect([noType.status, noType.body.type, noType.body.hint]).toEqual([400, 'param-missing', { in: ['params', 'room-type'] }]);
        expect([noId.status, noId.body.type, noId.body.hint]).toEqual([400, 'param-missing', { in: ['params', 'room-id'] }]);
        expect(badToken).toBe(400);
      },
    },
  },
  {
    name: 'auth.getUserFromRequest reads the cookie of Instant\'s route handler and verifies its token',
    covers: ['admin/index.ts getUserFromRequest', 'core/createRouteHandler.ts'],
    fixture: 'users',
    run: async (db, ctx) => {
      const token = await db.auth.createToken({ email: 'c@o.dev', 'extra-fields': { username: 'cookie' } } as never);
      const cookie = await cookieFromRouteHandler(ctx, { id: 'from-the-browser', email: 'c@o.dev', refresh_token: token });
      const verified = await db.auth.getUserFromRequest(requestWithCookie(`theme=dark; ${cookie}`));
      const trusted = await db.auth.getUserFromRequest(requestWithCookie(cookie), { disableValidation: true });
      return [verified.email, verified.username, verified.refresh_token === token, trusted.id];
    },
    // Validation answers with the server's user; `disableValidation` returns the cookie as it is.
    expect: { result: ['c@o.dev', 'cookie', true, 'from-the-browser'] },
  },
  {
    name: 'auth.getUserFromRequest: no cookie, another app\'s cookie, a cleared cookie → null',
    covers: ['admin/index.ts getUserFromRequest', 'core/createRouteHandler.ts'],
    fixture: 'users',
    run: async (db, ctx) => {
      const token = await db.auth.createToken('n@o.dev');
      const otherApp = `instant_user_00000000-0000-4000-8000-000000000000=${encodeURIComponent(JSON.stringify({ refresh_token: token }))}`;
      const cleared = await cookieFromRouteHandler(ctx, null);
      return [
        await db.auth.getUserFromRequest(requestWithCookie()),
        await db.auth.getUserFromRequest(requestWithCookie(otherApp)),
        await db.auth.getUserFromRequest(requestWithCookie(cleared)),
      ];
    },
    expect: { result: [null, null, null] },
  },
  {
    name: 'auth.getUserFromRequest with a signed-out token rejects as verifyToken does',
    covers: ['admin/index.ts getUserFromRequest', 'semantics 7.5'],
    fixture: 'users',
    run: async (db, ctx) => {
      const token = await db.auth.createToken('out@o.dev');
      const cookie = await cookieFromRouteHandler(ctx, { refresh_token: token });
      await db.auth.signOut('out@o.dev');
      return db.auth.getUserFromRequest(requestWithCookie(cookie));
    },
    expect: { error: { status: 400, type: 'record-not-found' } },
  },
  {
    name: 'query with fetchOpts (Next.js revalidate and tags, an extra header) answers as without',
    covers: ['admin/index.ts query fetchOpts'],
    fixture: 'todo',
    run: async (db) => {
      const fetchOpts = { next: { revalidate: 60, tags: ['goals'] }, headers: { 'x-request-id': 'abc' } };
      const withOpts = await db.query({ goals: { $: { order: { serverCreatedAt: 'asc' } } } }, { fetchOpts });
      const without = await db.query({ goals: { $: { order: { serverCreatedAt: 'asc' } } } });
      return [withOpts.goals.map((g: any) => g.title), withOpts.goals.length === without.goals.length];
    },
    expect: { result: [['Get fit', 'Read more'], true] },
  },
  {
    name: 'debugQuery cardinalityInference: false returns a has-one link as an array',
    covers: ['admin/index.ts debugQuery', 'semantics inference?'],
    fixture: 'todo',
    run: async (db, ctx) => {
      const guest = db.asUser({ guest: true });
      const q = { goals: { $: { where: { id: ctx.ids.fit } }, owner: {} } };
      const inferred = await guest.debugQuery(q);
      const plain = await guest.debugQuery(q, { cardinalityInference: false });
      return [inferred.result.goals[0].owner.name, plain.result.goals[0].owner.map((o: any) => o.name)];
    },
    expect: { result: ['alice', ['alice']] },
  },
];
