import { InstantAPIError, redact } from './errors.js';

export interface ClientConfig {
  /** Defaults to `INSTANT_APP_ID`. */
  appId?: string;
  /** Defaults to `INSTANT_APP_ADMIN_TOKEN`. Never logged or included in errors. */
  adminToken?: string;
  /** Instant Cloud or a self-hosted Instant; defaults to `INSTANT_API_URI`, then https://api.instantdb.com. */
  apiURI?: string;
  /** A `fetch` implementation (tests, edge runtimes); defaults to the global one. */
  fetch?: typeof globalThis.fetch;
  /** Per-request timeout in milliseconds; default 30 000. */
  timeoutMs?: number;
  /** Validate queries and transactions before sending them; default true. */
  validate?: boolean;
}

/** Run requests as a user (`as-email`, `as-token`) or as a guest (`as-guest`), with their permissions. */
export type Impersonation = { email: string } | { token: string } | { guest: true };

export interface RequestOptions {
  /** Cancels the request. */
  signal?: AbortSignal;
}

export interface ResolvedConfig {
  appId: string;
  adminToken: string | undefined;
  apiURI: string;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  validate: boolean;
}

export const DEFAULT_API_URI = 'https://api.instantdb.com';

export function resolveConfig(config: ClientConfig = {}): ResolvedConfig {
  // No dependency on Node's types: edge runtimes have no `process`.
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  const appId = (config.appId ?? env.INSTANT_APP_ID ?? '').trim();
  if (!appId) throw new Error('Missing Instant app id: pass createClient({ appId }) or set INSTANT_APP_ID.');
  const fetchImpl = config.fetch ?? globalThis.fetch;
  if (!fetchImpl) throw new Error('No fetch available: pass createClient({ fetch }).');
  return {
    appId,
    adminToken: (config.adminToken ?? env.INSTANT_APP_ADMIN_TOKEN)?.trim() || undefined,
    apiURI: (config.apiURI || env.INSTANT_API_URI || DEFAULT_API_URI).replace(/\/+$/, ''),
    fetch: fetchImpl,
    timeoutMs: config.timeoutMs ?? 30_000,
    validate: config.validate ?? true,
  };
}

interface Request extends RequestOptions {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** Extra query parameters, form-encoded like `URLSearchParams`. */
  params?: Record<string, string>;
  body?: unknown;
  /** `admin`: app id, admin token and impersonation headers; `none`: only content-type. */
  auth: 'admin' | 'none';
}

/** The only place that talks HTTP: one request, JSON in and out, errors as `InstantAPIError`. */
export class Transport {
  constructor(
    readonly config: ResolvedConfig,
    readonly impersonation?: Impersonation,
  ) {}

  as(impersonation: Impersonation): Transport {
    return new Transport(this.config, impersonation);
  }

  async request<T>(req: Request): Promise<T> {
    const { config } = this;
    const search = new URLSearchParams(req.params ?? {}).toString();
    const url = `${config.apiURI}${req.path}?app_id=${config.appId}${search ? `&${search}` : ''}`;
    const headers = req.auth === 'admin' ? this.authHeaders() : { 'content-type': 'application/json' };
    const timeout = AbortSignal.timeout(config.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await config.fetch(url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal,
        cache: 'no-store',
      });
    } catch (error) {
      throw this.networkError(error, req, timeout.aborted);
    }
    const text = await response.text();
    if (response.status !== 200)
      throw new InstantAPIError(response.status, redact(parseErrorBody(text), config.adminToken));
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new InstantAPIError(response.status, {
        type: 'invalid-response',
        message: `${req.path} answered 200 with a body that is not JSON: ${text.slice(0, 200)}`,
      });
    }
  }

  /** Headers as `@instantdb/admin` sends them; throws like it does when the admin token is needed but absent. */
  private authHeaders(): Record<string, string> {
    const { adminToken, appId } = this.config;
    const who = this.impersonation;
    if (!adminToken && !(who && ('token' in who || 'guest' in who))) {
      throw new Error(
        who && 'email' in who
          ? 'Admin token required. To impersonate users with an email you must pass `adminToken` to `createClient`.'
          : 'Admin token required. To run this operation pass `adminToken` to `createClient` (or set INSTANT_APP_ADMIN_TOKEN), or use `db.asUser`.',
      );
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', 'app-id': appId };
    if (adminToken) headers.authorization = `Bearer ${adminToken}`;
    if (who && 'email' in who) headers['as-email'] = who.email;
    if (who && 'token' in who) headers['as-token'] = who.token;
    if (who && 'guest' in who) headers['as-guest'] = 'true';
    return headers;
  }

  private networkError(error: unknown, req: Request, timedOut: boolean): InstantAPIError {
    const reason = error instanceof Error ? error.message : String(error);
    const message = timedOut
      ? `${req.method} ${req.path} timed out after ${this.config.timeoutMs} ms`
      : req.signal?.aborted
        ? `${req.method} ${req.path} was aborted`
        : `${req.method} ${this.config.apiURI}${req.path} failed: ${reason}`;
    return new InstantAPIError(0, {
      type: timedOut ? 'timeout' : req.signal?.aborted ? 'aborted' : 'network-error',
      message: redact(message, this.config.adminToken),
    });
  }
}

function parseErrorBody(text: string): InstantAPIError['body'] {
  try {
    const json = JSON.parse(text);
    if (json && typeof json === 'object' && !Array.isArray(json)) return json;
  } catch {
    // not JSON: Instant answers malformed JSON with plain text
  }
  return { type: undefined, message: text };
}
