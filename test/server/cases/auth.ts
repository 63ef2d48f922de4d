// Auth, `$users` and request authentication cases (semantics.md §4, §6 cases 55-59; wire-protocol §2).

import { id } from '@instantdb/admin';
import { expect } from 'vitest';
import type { AdminDbLike, ConformanceCase, CaseContext } from '../../support/conformance.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Captures an SDK error's status/type/message (or 'ok' when the call succeeds). */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: any) => `${e.status} ${e.body?.type}`,
  );

const post = (ctx: CaseContext, path: string, body: unknown, headers = ctx.headers()) => ctx.http('POST', path, { headers, body });

/**
 * `auth.signInGuest` of the generated client; @instantdb/admin@1.0.67 has no such method, so the SDK side
 * posts to the route it would call (admin/routes.clj `sign-in-guest-post`), with the SDK's admin headers.
 */
async function signInGuest(db: AdminDbLike, ctx: CaseContext, extraFields?: Record<string, unknown>): Promise<any> {
  if (typeof db.auth.signInGuest === 'function') return db.auth.signInGuest(extraFields ? { extraFields } : {});
  const r = await post(ctx, '/admin/sign_in_guest', extraFields ? { 'extra-fields': extraFields } : {});
  if (r.status !== 200) throw Object.assign(new Error(r.body?.message), { status: r.status, body: r.body });
  return r.body.user;
}

export const AUTH_CASES: ConformanceCase[] = [
  {
    name: 'createToken by email creates the user and returns a uuid token',
    covers: ['semantics 55', 'wire 4.7'],
    fixture: 'users',
    run: async (db) => {
      const token = await db.auth.createToken({ email: 'A@B.co ' });
      const user = await db.auth.verifyToken(token);
      return [UUID_RE.test(token), user.email, user.refresh_token === token, user.isGuest];
    },
    expect: { result: [true, 'a@b.co', true, false] },
  },
  {
    name: 'createToken by id uses that id',
    covers: ['semantics 55'],
    fixture: 'users',
    run: async (db) => {
      const uid = id();
      const token = await db.auth.createToken({ id: uid });
      const user = await db.auth.getUser({ id: uid });
      return [user.id === uid, user.email, (await db.auth.verifyToken(token)).id === uid];
    },
    expect: { result: [true, null, true] },
  },
  {
    name: 'POST /admin/refresh_tokens: user object, created flag',
    covers: ['semantics 55', 'semantics 4', 'wire 4.16'],
    fixture: 'users',
    run: async (_db, ctx) => {
      const first = await post(ctx, '/admin/refresh_tokens', { email: 'x@y.dev' });
      const second = await post(ctx, '/admin/refresh_tokens', { email: 'x@y.dev' });
      return [first, second];
    },
    expect: {
      check: ([first, second], ctx) => {
        expect(first.status).toBe(200);
        expect(first.body).toMatchObject({
          created: true,
          user: { app_id: ctx.appId, email: 'x@y.dev', isGuest: false, refresh_token: expect.stringMatching(UUID_RE) },
        });
        expect(first.body.user.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(second.body.created).toBe(false);
        expect(second.body.user.id).toBe(first.body.user.id);
        expect(second.body.user.refresh_token).not.toBe(first.body.user.refresh_token);
      },
    },
  },
  {
    name: 'refresh_tokens without email or id',
    covers: ['wire 4.7'],
    fixture: 'users',
    run: (_db, ctx) => post(ctx, '/admin/refresh_tokens', {}),
    expect: {
      check: (r) =>
        expect(r).toMatchObject({ status: 400, body: { type: 'validation-failed', message: 'Validation failed for body: Please provide an `email` or `id`' } }),
    },
  },
  {
    name: 'signOut by email removes every token of the user',
    covers: ['semantics 56'],
    fixture: 'users',
    run: async (db) => {
      const t1 = await db.auth.createToken('s@o.dev');
      const t2 = await db.auth.createToken('s@o.dev');
      await db.auth.signOut('s@o.dev');
      return [await outcome(db.auth.verifyToken(t1)), await outcome(db.auth.verifyToken(t2))];
    },
    expect: { result: ['400 record-not-found', '400 record-not-found'] },
  },
  {
    name: 'signOut by id removes every token of the user',
    covers: ['semantics 56'],
    fixture: 'users',
    run: async (db) => {
      const t1 = await db.auth.createToken('i@o.dev');
      const user = await db.auth.verifyToken(t1);
      await db.auth.createToken('i@o.dev');
      await db.auth.signOut({ id: user.id });
      return outcome(db.auth.verifyToken(t1));
    },
    expect: { result: '400 record-not-found' },
  },
  {
    name: 'signOut by refresh_token removes only that token',
    covers: ['semantics 56'],
    fixture: 'users',
    run: async (db) => {
      const t1 = await db.auth.createToken('r@o.dev');
      const t2 = await db.auth.createToken('r@o.dev');
      await db.auth.signOut({ refresh_token: t2 });
      return [await outcome(db.auth.verifyToken(t1)), await outcome(db.auth.verifyToken(t2))];
    },
    expect: { result: ['ok', '400 record-not-found'] },
  },
  {
    name: 'signOut with an unknown email is record-not-found',
    covers: ['wire 4.11'],
    fixture: 'users',
    run: (db) => db.auth.signOut('nobody@o.dev'),
    expect: { error: { status: 400, type: 'record-not-found', message: 'Record not found: app-user' } },
  },
  {
    name: 'getUser: null when unknown, found by email, id and refresh_token',
    covers: ['semantics 57', 'wire 4.9'],
    fixture: 'users',
    run: async (db) => {
      const missing = await db.auth.getUser({ email: 'unknown@o.dev' });
      const token = await db.auth.createToken('g+u@o.dev');
      const byEmail = await db.auth.getUser({ email: 'g+u@o.dev' });
      const byId = await db.auth.getUser({ id: byEmail.id });
      const byToken = await db.auth.getUser({ refresh_token: token });
      return [missing, byEmail.email, byId.email, byToken.email];
    },
    expect: { result: [null, 'g+u@o.dev', 'g+u@o.dev', 'g+u@o.dev'] },
  },
  {
    name: 'deleteUser: null when unknown, echoes and removes the user and its tokens',
    covers: ['semantics 57', 'wire 4.10'],
    fixture: 'users',
    run: async (db) => {
      const missing = await db.auth.deleteUser({ email: 'unknown@o.dev' });
      const token = await db.auth.createToken('d@o.dev');
      const deleted = await db.auth.deleteUser({ email: 'd@o.dev' });
      return [missing, deleted.email, await db.auth.getUser({ email: 'd@o.dev' }), await outcome(db.auth.verifyToken(token))];
    },
    expect: { result: [null, 'd@o.dev', null, '400 record-not-found'] },
  },
  {
    name: 'users created by auth are queryable as $users',
    covers: ['semantics 4'],
    fixture: 'users',
    client: 'unchecked',
    run: async (db) => {
      await db.auth.createToken('q@o.dev');
      return (await db.query({ $users: {} })).$users.map((u: any) => u.email);
    },
    expect: { result: ['q@o.dev'] },
  },
  {
    name: '$users can be linked to and queried through links',
    covers: ['semantics 4'],
    fixture: 'users',
    run: async (db) => {
      await db.auth.createToken('l@o.dev');
      const user = await db.auth.getUser({ email: 'l@o.dev' });
      const p = id();
      await db.transact([db.tx.profiles[p].update({ bio: 'hi' }), db.tx.profiles[p].link({ $user: user.id })]);
      const r = await db.query({ $users: { profile: {} } });
      return [r.$users[0].email, r.$users[0].profile.bio];
    },
    expect: { result: ['l@o.dev', 'hi'] },
  },
  {
    name: 'no Authorization header is param-missing',
    covers: ['semantics 58', 'wire 2'],
    fixture: 'users',
    run: (_db, ctx) =>
      post(ctx, `/admin/query?app_id=${ctx.appId}`, { query: { goals: {} } }, { 'content-type': 'application/json', 'app-id': ctx.appId }),
    expect: {
      check: (r) =>
        expect(r).toMatchObject({
          status: 400,
          body: { type: 'param-missing', message: 'Missing parameter: ["headers" "authorization"]', hint: { in: ['headers', 'authorization'] } },
        }),
    },
  },
  {
    name: 'as-token alone needs no admin token',
    covers: ['semantics 58', 'wire 2'],
    fixture: 'users',
    run: async (db, ctx) => {
      const token = await db.auth.createToken('t@o.dev');
      return ctx.client('no-token').asUser({ token }).query({ profiles: {} });
    },
    expect: { result: { profiles: [] } },
  },
  {
    name: 'as-email alone is param-missing',
    covers: ['semantics 58', 'wire 2'],
    fixture: 'users',
    run: (_db, ctx) =>
      post(ctx, '/admin/query', { query: { profiles: {} } }, { 'content-type': 'application/json', 'app-id': ctx.appId, 'as-email': 'x@o.dev' }),
    expect: { check: (r) => expect(r).toMatchObject({ status: 400, body: { type: 'param-missing' } }) },
  },
  {
    name: 'as-guest alone needs no admin token',
    covers: ['semantics 58', 'wire 2'],
    fixture: 'users',
    run: (_db, ctx) => ctx.client('no-token').asUser({ guest: true }).query({ profiles: {} }),
    expect: { result: { profiles: [] } },
  },
  {
    name: 'as-email with the admin token impersonates the user',
    covers: ['wire 2', 'wire 6'],
    fixture: 'users',
    run: async (db) => {
      await db.auth.createToken('e@o.dev');
      return db.asUser({ email: 'e@o.dev' }).query({ profiles: {} });
    },
    expect: { result: { profiles: [] } },
  },
  {
    name: 'as-token takes precedence over as-email',
    covers: ['wire 2', 'wire 7.3'],
    fixture: 'users',
    run: async (db, ctx) => {
      const token = await db.auth.createToken('tok@o.dev');
      return post(ctx, '/admin/query', { query: { profiles: {} } }, ctx.headers({ 'as-token': token, 'as-email': 'ghost@o.dev' }));
    },
    expect: { result: { status: 200, body: { profiles: [] } } },
  },
  {
    name: 'as-email for an unknown user',
    covers: ['wire 2'],
    fixture: 'users',
    run: (db) => db.asUser({ email: 'ghost@o.dev' }).query({ profiles: {} }),
    expect: { error: { status: 400, type: 'record-not-found', message: 'Record not found: app-user' } },
  },
  {
    name: 'as-token must be a uuid',
    covers: ['wire 2'],
    fixture: 'users',
    run: (_db, ctx) => ctx.client('no-token').asUser({ token: 'nope' }).query({ profiles: {} }),
    expect: {
      error: { status: 400, type: 'param-malformed', message: 'Malformed parameter: ["asUser" "token"]', hint: { in: ['asUser', 'token'] } },
    },
  },
  {
    name: 'as-token that matches no user',
    covers: ['wire 2'],
    fixture: 'users',
    run: (_db, ctx) => ctx.client('no-token').asUser({ token: id() }).query({ profiles: {} }),
    expect: { error: { status: 400, type: 'record-not-found', message: 'Record not found: app-user' } },
  },
  {
    name: 'impersonated transactions are allowed (permission rules come later)',
    covers: ['wire 2'],
    fixture: 'users',
    run: async (db, ctx) => {
      await ctx.client('no-token').asUser({ guest: true }).transact(db.tx.profiles[id()].update({ bio: 'guest wrote' }));
      return (await db.query({ profiles: {} })).profiles.map((p: any) => p.bio);
    },
    expect: { result: ['guest wrote'] },
  },
  {
    name: 'a wrong admin token is record-not-found with a hint',
    covers: ['wire 2', 'wire 3'],
    fixture: 'users',
    run: (_db, ctx) =>
      post(ctx, '/admin/query', { query: {} }, { 'content-type': 'application/json', 'app-id': ctx.appId, authorization: `Bearer ${id()}` }),
    expect: {
      check: (r) =>
        expect(r).toMatchObject({
          status: 400,
          body: {
            type: 'record-not-found',
            message: 'Record not found: app-admin-token',
            hint: {
              'record-type': 'app-admin-token',
              message: 'This admin token may be expired or invalid. Or you may have provided an incorrect app ID.',
            },
          },
        }),
    },
  },
  {
    name: 'apps are isolated: a token only works for its own app',
    covers: ['wire 2'],
    fixture: 'users',
    run: (_db, ctx) =>
      post(ctx, '/admin/query', { query: {} }, {
        'content-type': 'application/json',
        'app-id': id(),
        authorization: `Bearer ${ctx.adminToken}`,
      }),
    expect: { check: (r) => expect(r).toMatchObject({ status: 400, body: { type: 'record-not-found' } }) },
  },
  {
    name: 'a missing app id is param-missing',
    covers: ['wire 1.1', 'wire 2'],
    fixture: 'users',
    run: (_db, ctx) => post(ctx, '/admin/query', { query: {} }, { 'content-type': 'application/json', authorization: `Bearer ${ctx.adminToken}` }),
    expect: {
      check: (r) =>
        expect(r).toMatchObject({
          status: 400,
          body: { type: 'param-missing', message: 'Missing parameter: ["headers" "app-id"]', hint: { 'possible-ins': [['query-params', 'app_id']] } },
        }),
    },
  },
  {
    name: 'magic code: six digits from 0-8, verified once, creates the user',
    covers: ['semantics 59', 'semantics 7.8', 'wire 4.12'],
    fixture: 'users',
    run: async (db) => {
      const { code } = await db.auth.generateMagicCode('m@o.dev');
      const { user, created } = await db.auth.checkMagicCode('m@o.dev', code);
      const again = await outcome(db.auth.checkMagicCode('m@o.dev', code));
      return [/^[0-8]{6}$/.test(code), created, user.email, user.type, UUID_RE.test(user.refresh_token), again];
    },
    expect: { result: [true, true, 'm@o.dev', 'user', true, '400 record-not-found'] },
  },
  {
    name: 'magic code for an existing user is created: false',
    covers: ['semantics 59'],
    fixture: 'users',
    run: async (db) => {
      await db.auth.createToken('ex@o.dev');
      const { code } = await db.auth.sendMagicCode('ex@o.dev');
      const { created } = await db.auth.checkMagicCode('ex@o.dev', code);
      return created;
    },
    expect: { result: false },
  },
  {
    name: 'a wrong magic code',
    covers: ['semantics 4'],
    fixture: 'users',
    run: async (db) => {
      await db.auth.generateMagicCode('w@o.dev');
      return db.auth.checkMagicCode('w@o.dev', '999999');
    },
    expect: { error: { status: 400, type: 'record-not-found', message: 'Record not found: app-user-magic-code' } },
  },
  {
    name: 'several magic codes can be valid at once',
    covers: ['semantics 4'],
    fixture: 'users',
    run: async (db) => {
      const a = await db.auth.generateMagicCode('two@o.dev');
      const b = await db.auth.generateMagicCode('two@o.dev');
      await db.auth.checkMagicCode('two@o.dev', a.code);
      return a.code === b.code ? 'same' : outcome(db.auth.checkMagicCode('two@o.dev', b.code));
    },
    expect: { check: (r) => expect(['ok', 'same']).toContain(r) },
  },
  {
    name: 'extra fields are written on creation only',
    covers: ['semantics 59'],
    fixture: 'users',
    run: async (_db, ctx) => {
      const a = await post(ctx, '/admin/refresh_tokens', { email: 'xf@o.dev', 'extra-fields': { username: 'first' } });
      const b = await post(ctx, '/admin/refresh_tokens', { email: 'xf@o.dev', 'extra-fields': { username: 'second' } });
      return [a.body.created, a.body.user.username, b.body.created, b.body.user.username];
    },
    expect: { result: [true, 'first', false, 'first'] },
  },
  {
    name: 'checkMagicCode extra fields',
    covers: ['semantics 59', 'wire 4.12'],
    fixture: 'users',
    run: async (db) => {
      const { code } = await db.auth.generateMagicCode('mx@o.dev');
      const { user } = await db.auth.checkMagicCode('mx@o.dev', code, { extraFields: { username: 'mx' } });
      return user.username;
    },
    expect: { result: 'mx' },
  },
  {
    name: 'createToken extra fields (SDK: the body key; generated: { extraFields }) are written on creation only',
    covers: ['semantics 59'],
    fixture: 'users',
    // admin/routes.clj `refresh-tokens-post` reads `extra-fields`; the SDK's createToken sends its argument
    // as the body, the adapter (test/support/sdkShapedClient.ts) turns the key into the generated option.
    run: async (db) => {
      const first = await db.auth.createToken({ email: 'ct@o.dev', 'extra-fields': { username: 'first' } } as never);
      const second = await db.auth.createToken({ email: 'ct@o.dev', 'extra-fields': { username: 'second' } } as never);
      const user = await db.auth.verifyToken(second);
      return [first === second, user.email, user.username];
    },
    expect: { result: [false, 'ct@o.dev', 'first'] },
  },
  {
    name: 'signInGuest: a guest with extra fields and a refresh token it can impersonate with',
    covers: ['wire 4.15', 'semantics 4'],
    fixture: 'users',
    run: async (db, ctx) => {
      const user = await signInGuest(db, ctx, { username: 'g1' });
      const q = await ctx.client('no-token').asUser({ token: user.refresh_token }).query({ $users: {} });
      return [user.type, user.isGuest, user.username, q.$users.length];
    },
    // `$users` rows are private: a guest sees only itself.
    expect: { result: ['guest', true, 'g1', 1] },
  },
  {
    name: 'extra fields must be custom $users attrs',
    covers: ['semantics 4', 'wire 4.12'],
    fixture: 'users',
    run: async (_db, ctx) => [
      (await post(ctx, '/admin/refresh_tokens', { email: 'u1@o.dev', 'extra-fields': { nope: 1 } })).body.message,
      (await post(ctx, '/admin/refresh_tokens', { email: 'u2@o.dev', 'extra-fields': { email: 'x@y.z' } })).body.message,
    ],
    expect: {
      result: [
        'Validation failed for extra-fields: Unknown field: nope. It must be defined in your $users schema.',
        'Validation failed for extra-fields: Cannot set system field: email',
      ],
    },
  },
  {
    name: 'sign_in_guest creates a guest that can impersonate',
    covers: ['wire 4.15', 'semantics 4'],
    fixture: 'users',
    run: async (_db, ctx) => {
      const r = await post(ctx, '/admin/sign_in_guest', {});
      const q = await ctx.client('no-token').asUser({ token: r.body.user.refresh_token }).query({ profiles: {} });
      return [r.status, r.body.user.type, r.body.user.isGuest, q];
    },
    expect: { result: [200, 'guest', true, { profiles: [] }] },
  },
  {
    name: 'verify_magic_code with a guest refresh token upgrades the guest',
    covers: ['semantics 4'],
    fixture: 'users',
    run: async (db, ctx) => {
      const guest = (await post(ctx, '/admin/sign_in_guest', {})).body.user;
      const { code } = await db.auth.generateMagicCode('up@o.dev');
      const r = await post(ctx, '/admin/verify_magic_code', { email: 'up@o.dev', code, 'refresh-token': guest.refresh_token });
      return [r.body.created, r.body.user.id === guest.id, r.body.user.type, r.body.user.isGuest];
    },
    expect: { result: [true, true, 'user', false] },
  },
  {
    name: 'verifyToken with an unknown token',
    covers: ['semantics 7.5', 'wire 4.8'],
    fixture: 'users',
    run: (db) => db.auth.verifyToken(id()),
    expect: { error: { status: 400, type: 'record-not-found' } },
  },
  {
    name: 'verify_refresh_token needs no admin token and uses kebab-case keys',
    covers: ['wire 4.8'],
    fixture: 'users',
    run: async (db, ctx) => {
      const token = await db.auth.createToken('k@o.dev');
      const r = await ctx.http('POST', '/runtime/auth/verify_refresh_token', {
        headers: { 'content-type': 'application/json' },
        body: { 'app-id': ctx.appId, 'refresh-token': token },
      });
      return [r.status, r.body.user.email, r.body.user.refresh_token === token];
    },
    expect: { result: [200, 'k@o.dev', true] },
  },
];
