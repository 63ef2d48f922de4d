import { cookieUser, type IncomingRequest } from './requestAuth.js';
import type { RequestOptions, Transport } from './transport.js';

/** What every app user (`$users`) has, as the auth endpoints return it. */
export interface UserFields {
  id: string;
  email?: string | null | undefined;
  app_id?: string | undefined;
  created_at?: string | undefined;
  isGuest?: boolean | undefined;
  type?: 'user' | 'guest' | null | undefined;
  imageURL?: string | null | undefined;
  /** Present on responses that mint or verify a token. */
  refresh_token?: string | undefined;
}

/** An app user of a schema that says nothing of `$users`: its own attributes are untyped. */
export interface User extends UserFields {
  [attr: string]: unknown;
}

/** An app user typed by the schema: the auth fields, and the `$users` attributes of `Row` (its query row). */
export type TypedUser<Row> = UserFields & Omit<Row, keyof UserFields>;

export type UserSelector = { email: string } | { id: string } | { refresh_token: string };

/**
 * Users and tokens (`db.auth`). Like `@instantdb/admin`, these calls run as admin even on an
 * impersonating client.
 */
export class AuthApi<U = User, ExtraFields = Record<string, unknown>> {
  // Fields assigned in the constructor rather than parameter properties: those are not erasable syntax
  // (`erasableSyntaxOnly`, Node's type stripping), and this file is compiled with the user's settings.
  private readonly transport: Transport;

  constructor(transport: Transport) {
    this.transport = transport;
  }

  /**
   * Creates the user if needed and returns a refresh token for them; `extraFields` set `$users` attributes
   * of a new user (the server's `extra-fields`, admin/routes.clj `refresh-tokens-post`).
   */
  async createToken(
    who: string | { email: string } | { id: string },
    options: { extraFields?: ExtraFields | undefined } & RequestOptions = {},
  ): Promise<string> {
    const { extraFields, ...opts } = options;
    const base = typeof who === 'string' ? { email: who } : who;
    const body = extraFields ? { ...base, 'extra-fields': extraFields } : base;
    const res = await this.post<{ user: User }>('/admin/refresh_tokens', body, opts);
    return res.user.refresh_token as string;
  }

  /**
   * Creates a guest user (`type: 'guest'`) and returns it with a refresh token, for `asUser({ token })`;
   * `extraFields` set its `$users` attributes (admin/routes.clj `sign-in-guest-post`).
   */
  async signInGuest(options: { extraFields?: ExtraFields | undefined } & RequestOptions = {}): Promise<U> {
    const { extraFields, ...opts } = options;
    const body = extraFields ? { 'extra-fields': extraFields } : {};
    return (await this.post<{ user: U }>('/admin/sign_in_guest', body, opts)).user;
  }

  /** The user a refresh token belongs to; rejects with `InstantAPIError` when the token is unknown. */
  async verifyToken(token: string, opts?: RequestOptions): Promise<U> {
    const body = { 'app-id': this.transport.config.appId, 'refresh-token': token };
    const res = await this.transport.request<{ user: U }>({
      method: 'POST',
      path: '/runtime/auth/verify_refresh_token',
      body,
      auth: 'none',
      retry: 'read',
      ...opts,
    });
    return res.user;
  }

  /** The user, or null when there is none. */
  async getUser(who: UserSelector, opts?: RequestOptions): Promise<U | null> {
    const res = await this.transport.request<{ user: U | null }>({
      method: 'GET',
      path: '/admin/users',
      params: who,
      auth: 'admin',
      retry: 'read',
      ...opts,
    });
    return res.user;
  }

  /** Deletes the user (and what cascades from it); returns it, or null when there was none. */
  async deleteUser(who: UserSelector, opts?: RequestOptions): Promise<U | null> {
    const res = await this.transport.request<{ deleted: U | null }>({
      method: 'DELETE',
      path: '/admin/users',
      params: who,
      auth: 'admin',
      ...opts,
    });
    return res.deleted;
  }

  /** Invalidates every token of a user (by email or id), or one refresh token. */
  async signOut(who: string | UserSelector, opts?: RequestOptions): Promise<void> {
    await this.post('/admin/sign_out', typeof who === 'string' ? { email: who } : who, opts);
  }

  /** A magic code for your own email flow; nothing is sent. */
  async generateMagicCode(email: string, opts?: RequestOptions): Promise<{ code: string }> {
    return this.post('/admin/magic_code', { email }, opts);
  }

  /** Sends Instant's magic-code email. */
  async sendMagicCode(email: string, opts?: RequestOptions): Promise<{ code: string }> {
    return this.post('/admin/send_magic_code', { email }, opts);
  }

  /** Signs in with a magic code: the user (created if new) with a refresh token. */
  async verifyMagicCode(email: string, code: string, opts?: RequestOptions): Promise<U> {
    return (await this.checkMagicCode(email, code, {}, opts)).user;
  }

  /**
   * Like verifyMagicCode, and tells whether the user was created; `extraFields` set `$users` attributes of a new
   * user. `refreshToken`, a guest's, upgrades that guest: a new email keeps the guest's id, an existing user gets
   * the guest linked to it (`linkedPrimaryUser`). An unknown token is an error, a non-guest's is ignored
   * (admin/routes.clj `verify-magic-code-post`; `@instantdb/admin` does not send it).
   */
  async checkMagicCode(
    email: string,
    code: string,
    options: { extraFields?: ExtraFields | undefined; refreshToken?: string | undefined } = {},
    opts?: RequestOptions,
  ): Promise<{ user: U; created: boolean }> {
    const body = {
      email,
      code,
      ...(options.extraFields ? { 'extra-fields': options.extraFields } : {}),
      ...(options.refreshToken ? { 'refresh-token': options.refreshToken } : {}),
    };
    return this.post('/admin/verify_magic_code', body, opts);
  }

  /**
   * The user signed in on an incoming request: the `instant_user_<appId>` cookie that
   * `createInstantRouteHandler` sets, its refresh token verified with the server (an unknown token rejects
   * with `InstantAPIError`, as `verifyToken` does). Null without that cookie. `disableValidation` trusts the
   * cookie as it is, without a request: only for data you would show anyway.
   */
  async getUserFromRequest(
    req: IncomingRequest,
    options: { disableValidation?: boolean | undefined } & RequestOptions = {},
  ): Promise<U | null> {
    const { disableValidation, ...opts } = options;
    const user = cookieUser(req, this.transport.config.appId);
    if (!user) return null;
    return disableValidation ? (user as unknown as U) : this.verifyToken(user.refresh_token, opts);
  }

  private post<T>(path: string, body: unknown, opts?: RequestOptions): Promise<T> {
    return this.transport.request<T>({ method: 'POST', path, body, auth: 'admin', ...opts });
  }
}
