import type { RequestOptions, Transport } from './transport.js';

/** An app user (`$users`), as the auth endpoints return it. */
export interface User {
  id: string;
  email?: string | null | undefined;
  app_id?: string | undefined;
  created_at?: string | undefined;
  isGuest?: boolean | undefined;
  type?: 'user' | 'guest' | null | undefined;
  imageURL?: string | null | undefined;
  /** Present on responses that mint or verify a token. */
  refresh_token?: string | undefined;
  [attr: string]: unknown;
}

export type UserSelector = { email: string } | { id: string } | { refresh_token: string };

/**
 * Users and tokens (`db.auth`). Like `@instantdb/admin`, these calls run as admin even on an
 * impersonating client.
 */
export class AuthApi {
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
    options: { extraFields?: Record<string, unknown> | undefined } & RequestOptions = {},
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
  async signInGuest(
    options: { extraFields?: Record<string, unknown> | undefined } & RequestOptions = {},
  ): Promise<User> {
    const { extraFields, ...opts } = options;
    const body = extraFields ? { 'extra-fields': extraFields } : {};
    return (await this.post<{ user: User }>('/admin/sign_in_guest', body, opts)).user;
  }

  /** The user a refresh token belongs to; rejects with `InstantAPIError` when the token is unknown. */
  async verifyToken(token: string, opts?: RequestOptions): Promise<User> {
    const body = { 'app-id': this.transport.config.appId, 'refresh-token': token };
    const res = await this.transport.request<{ user: User }>({
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
  async getUser(who: UserSelector, opts?: RequestOptions): Promise<User | null> {
    const res = await this.transport.request<{ user: User | null }>({
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
  async deleteUser(who: UserSelector, opts?: RequestOptions): Promise<User | null> {
    const res = await this.transport.request<{ deleted: User | null }>({
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
  async verifyMagicCode(email: string, code: string, opts?: RequestOptions): Promise<User> {
    return (await this.checkMagicCode(email, code, {}, opts)).user;
  }

  /** Like verifyMagicCode, and tells whether the user was created; `extraFields` set `$users` attributes of a new user. */
  async checkMagicCode(
    email: string,
    code: string,
    options: { extraFields?: Record<string, unknown> } = {},
    opts?: RequestOptions,
  ): Promise<{ user: User; created: boolean }> {
    const body = options.extraFields ? { email, code, 'extra-fields': options.extraFields } : { email, code };
    return this.post('/admin/verify_magic_code', body, opts);
  }

  private post<T>(path: string, body: unknown, opts?: RequestOptions): Promise<T> {
    return this.transport.request<T>({ method: 'POST', path, body, auth: 'admin', ...opts });
  }
}
