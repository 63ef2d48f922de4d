import { InstantAPIError, redact } from './errors.js';
import { fetchInit, type FetchOptions } from './fetchOptions.js';
import { requestLog, type Logger, type RequestLog } from './logger.js';

export interface ClientConfig {
  /** Defaults to `INSTANT_APP_ID`. */
  appId?: string | undefined;
  /** Defaults to `INSTANT_APP_ADMIN_TOKEN`. Never logged or included in errors. */
  adminToken?: string | undefined;
  /** Instant Cloud or a self-hosted Instant; defaults to `INSTANT_API_URI`, then https://api.instantdb.com. */
  apiURI?: string | undefined;
  /** A `fetch` implementation (tests, edge runtimes); defaults to the global one. */
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * Per-request timeout in milliseconds; default 30 000. `0` turns it off: a timeout needs an abort signal
   * per request, which makes a Node 20 `fetch` cost 4-14% more CPU (bench/request-overhead.mjs).
   */
  timeoutMs?: number | undefined;
  /** Validate queries and transactions before sending them; default true. */
  validate?: boolean | undefined;
  /**
   * Send safe requests again on 429 (not the query time limit's 429 `timeout`), 5xx, network errors and
   * client-side timeouts: queries (`query`, `get`) and the
   * reads of `auth` (`getUser`, `verifyToken`); transactions only with `transactions: true`. Off by
   * default (as in `@instantdb/admin`); `true` for the defaults of `RetryOptions`.
   */
  retry?: boolean | RetryOptions | undefined;
  /** Log each request (method, path, status, time; never a token, header or body), as `init({ verbose })` does. */
  verbose?: boolean | undefined;
  /** Where `verbose` logs go; default `console`. */
  logger?: Logger | undefined;
}

export interface RetryOptions {
  /** Attempts after the first; default 3. */
  retries?: number | undefined;
  /** Backoff before the first retry, doubled for each next one, with jitter (half to all of it); default 250 ms. */
  baseMs?: number | undefined;
  /**
   * Longest wait between attempts; a longer `Retry-After` (header, or `hint['retry-after']` of a
   * `rate-limited` answer) from the server ends the retries. Default 10 000 ms.
   */
  maxMs?: number | undefined;
  /**
   * Retry transactions too; default false. A transaction whose answer was lost (timeout, network error,
   * 5xx) may have been committed: only opt in when sending it twice is harmless.
   */
  transactions?: boolean | undefined;
}

/** Run requests as a user (`as-email`, `as-token`) or as a guest (`as-guest`), with their permissions. */
export type Impersonation = { email: string } | { token: string } | { guest: true };

export interface RequestOptions {
  /** Cancels the request. */
  signal?: AbortSignal | undefined;
}

/** Every retry option set (`| undefined` is on the options so that they accept it under `exactOptionalPropertyTypes`). */
export type RetryPolicy = { [K in keyof RetryOptions]-?: NonNullable<RetryOptions[K]> };

export interface ResolvedConfig {
  appId: string;
  adminToken: string | undefined;
  apiURI: string;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  validate: boolean;
  retry: RetryPolicy | undefined;
  log: RequestLog;
}

export const DEFAULT_API_URI = 'https://api.instantdb.com';

export function resolveConfig(config: ClientConfig = {}): ResolvedConfig {
  // No dependency on Node's types: edge runtimes have no `process`.
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  const appId = (config.appId ?? env['INSTANT_APP_ID'] ?? '').trim();
  if (!appId) throw new Error('Missing Instant app id: pass createClient({ appId }) or set INSTANT_APP_ID.');
  const fetchImpl = config.fetch ?? globalThis.fetch;
  if (!fetchImpl) throw new Error('No fetch available: pass createClient({ fetch }).');
  return {
    appId,
    adminToken: (config.adminToken ?? env['INSTANT_APP_ADMIN_TOKEN'])?.trim() || undefined,
    apiURI: (config.apiURI || env['INSTANT_API_URI'] || DEFAULT_API_URI).replace(/\/+$/, ''),
    fetch: fetchImpl,
    timeoutMs: timeoutOf(config.timeoutMs),
    validate: config.validate ?? true,
    retry: retryPolicy(config.retry),
    log: requestLog(config.verbose, config.logger),
  };
}

/** Timers hold at most 2^31 - 1 ms (a longer one fires at once): past that, as for 0, there is no timeout. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

function timeoutOf(ms: number | undefined): number {
  if (ms === undefined) return 30_000;
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0)
    throw new Error(
      `createClient({ timeoutMs }) must be a number of milliseconds >= 0 (0 turns the timeout off); got ${String(ms)}.`,
    );
  return ms > LONGEST_TIMER_MS ? 0 : ms;
}

/** A signal that aborts after the client's timeout, or undefined when it has none. */
export function timeoutSignal(config: ResolvedConfig): AbortSignal | undefined {
  return config.timeoutMs > 0 ? AbortSignal.timeout(config.timeoutMs) : undefined;
}

function retryPolicy(retry: ClientConfig['retry']): RetryPolicy | undefined {
  if (!retry) return undefined;
  const options = retry === true ? {} : retry;
  const count = (value: number | undefined, fallback: number) =>
    Number.isFinite(value) && value! >= 0 ? Math.floor(value!) : fallback;
  return {
    retries: count(options.retries, 3),
    baseMs: count(options.baseMs, 250),
    maxMs: count(options.maxMs, 10_000),
    transactions: options.transactions === true,
  };
}

interface Request extends RequestOptions {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** Extra query parameters, form-encoded like `URLSearchParams`. */
  params?: Record<string, string> | undefined;
  /** Extra query string, already encoded (storage paths: the SDK encodes them with `encodeURIComponent`). */
  encodedParams?: string | undefined;
  body?: unknown | undefined;
  /** `admin`: app id, admin token and impersonation headers; `none`: only content-type. */
  auth: 'admin' | 'none';
  /** May be sent again (`createClient({ retry })`): `read` always, `transact` when `retry.transactions`. */
  retry?: 'read' | 'transact' | undefined;
  /** The call's `fetchOpts` (reads only). */
  fetchOpts?: FetchOptions | undefined;
}

/** `Retry-After` of an error response, in ms (kept beside the error: its own fields stay the SDK's). */
const RETRY_AFTER = new WeakMap<InstantAPIError, number>();

/** The only place that talks HTTP: one request, JSON in and out, errors as `InstantAPIError`. */
export class Transport {
  readonly config: ResolvedConfig;
  readonly impersonation: Impersonation | undefined;

  constructor(config: ResolvedConfig, impersonation?: Impersonation) {
    this.config = config;
    this.impersonation = impersonation;
  }

  as(impersonation: Impersonation): Transport {
    return new Transport(this.config, impersonation);
  }

  /** The same client without impersonation. */
  admin(): Transport {
    return new Transport(this.config);
  }

  /** One request; a safe one is sent again on transient failures when `createClient({ retry })` allows it. */
  async request<T>(req: Request): Promise<T> {
    const policy = this.config.retry;
    const retrying = !!policy && (req.retry === 'read' || (req.retry === 'transact' && policy.transactions));
    const { log } = this.config;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.logged<T>(req, attempt);
      } catch (error) {
        if (!retrying || attempt >= policy.retries || !isTransient(error)) throw error;
        const wait = backoff(error, attempt, policy);
        if (wait === undefined) throw error;
        log.retrying(req.method, req.path, wait);
        await this.pause(wait, req);
      }
    }
  }

  /** One attempt, reported to `verbose` logging: the impersonation's kind, never its value. */
  private async logged<T>(req: Request, attempt: number): Promise<T> {
    const { log } = this.config;
    const who = req.auth === 'admin' && this.impersonation ? Object.keys(this.impersonation)[0] : undefined;
    log.sent(req.method, req.path, attempt, who);
    const started = Date.now();
    try {
      const result = await this.send<T>(req);
      log.answered(req.method, req.path, 200, Date.now() - started);
      return result;
    } catch (error) {
      const api = error instanceof InstantAPIError ? error : undefined;
      log.failed(req.method, req.path, api?.status ?? 0, api?.type, Date.now() - started);
      throw error;
    }
  }

  private async send<T>(req: Request): Promise<T> {
    const { config } = this;
    const search = req.encodedParams ?? new URLSearchParams(req.params ?? {}).toString();
    const url = `${config.apiURI}${req.path}?app_id=${config.appId}${search ? `&${search}` : ''}`;
    const headers = req.auth === 'admin' ? this.authHeaders() : { 'content-type': 'application/json' };
    const limit = deadline(config.timeoutMs, req.signal);
    let response: Response;
    let text: string;
    try {
      const body = req.body === undefined ? null : JSON.stringify(req.body);
      response = await config.fetch(
        url,
        fetchInit({ method: req.method, headers, body, signal: limit.signal ?? null }, req.fetchOpts),
      );
      // Inside the try: the body can fail, time out or be aborted after the headers came.
      text = await response.text();
    } catch (error) {
      throw this.networkError(error, req, limit.timedOut());
    } finally {
      limit.done();
    }
    if (response.status !== 200) {
      const error = new InstantAPIError(response.status, redact(parseErrorBody(text), config.adminToken));
      const retryAfter = parseRetryAfter(response.headers.get('retry-after')) ?? hintRetryAfter(error.body);
      if (retryAfter !== undefined) RETRY_AFTER.set(error, retryAfter);
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new InstantAPIError(response.status, {
        type: 'invalid-response',
        message: redact(
          `${req.path} answered 200 with a body that is not JSON: ${text.slice(0, 200)}`,
          config.adminToken,
        ),
      });
    }
  }

  /** Waits before a retry; an abort ends the wait (and the retries) at once. */
  private pause(ms: number, req: Request): Promise<void> {
    return new Promise((resolve, reject) => {
      const aborted = () => this.networkError(req.signal?.reason, req, false);
      if (req.signal?.aborted) return reject(aborted());
      const onAbort = () => {
        clearTimeout(timer);
        reject(aborted());
      };
      const timer = setTimeout(() => {
        req.signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      req.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Headers as `@instantdb/admin` sends them; throws like it does when the admin token is needed but absent. */
  authHeaders(): Record<string, string> {
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
    if (adminToken) headers['authorization'] = `Bearer ${adminToken}`;
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

/**
 * A signal that aborts after `ms`, or when `outer` does. One controller and a timer that is cleared when the
 * request ends: cheaper per request than `AbortSignal.timeout` combined with `AbortSignal.any`. With no
 * timeout, the caller's own signal (or none: a signal is what makes a Node 20 fetch cost more).
 */
function deadline(ms: number, outer?: AbortSignal) {
  if (ms <= 0) return { signal: outer, timedOut: () => false, done: () => {} };
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError'));
  }, ms);
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    done: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * 429, 5xx, and failures to get any answer (network errors, timeouts), but not aborts. A 429 `timeout` is
 * the server's query time limit (util/http.clj answers it 429 too): the same query would time out again.
 */
function isTransient(error: unknown): error is InstantAPIError {
  if (!(error instanceof InstantAPIError)) return false;
  const { status, type } = error;
  return (
    (status === 429 && type !== 'timeout') ||
    (status >= 500 && status <= 599) ||
    (status === 0 && (type === 'network-error' || type === 'timeout'))
  );
}

/** `Retry-After` when the server sent one (undefined when it asks for longer than `maxMs`), else jittered exponential backoff. */
function backoff(error: InstantAPIError, attempt: number, policy: RetryPolicy): number | undefined {
  const retryAfter = RETRY_AFTER.get(error);
  if (retryAfter !== undefined) return retryAfter <= policy.maxMs ? retryAfter : undefined;
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Instant's `rate-limited` answer has no `Retry-After` header; its body's `hint['retry-after']` (whole
 * seconds, exception.clj `throw-permission-rate-limited!`) says how long to wait. In ms.
 */
function hintRetryAfter(body: InstantAPIError['body']): number | undefined {
  const hint = (body as { hint?: unknown } | undefined)?.hint;
  const seconds =
    hint && typeof hint === 'object' ? (hint as Record<string, unknown>)['retry-after'] : undefined;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** `Retry-After: <seconds>` or `Retry-After: <HTTP date>`, in ms from now. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function parseErrorBody(text: string): InstantAPIError['body'] {
  try {
    const json = JSON.parse(text);
    if (json && typeof json === 'object' && !Array.isArray(json)) return json;
  } catch {
    // not JSON: Instant answers malformed JSON with plain text
  }
  // `type: undefined` spelled out, as @instantdb/admin's body has it (test/wire/errors.test.ts).
  return { type: undefined, message: text };
}
