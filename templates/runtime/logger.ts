// `createClient({ verbose, logger })`, as `@instantdb/admin`'s `init` takes them (`createLogger`: nothing is
// logged unless `verbose`, to `logger` or else `console`). What is logged names each request and its outcome,
// never a credential: no headers, no bodies, no query string (refresh tokens travel in those).

/** `@instantdb/core`'s `Logger`: `console` is one. */
export interface Logger {
  info: (...args: any[]) => void;
  debug: (...args: any[]) => void;
  error: (...args: any[]) => void;
}

/** What the transport reports; a no-op unless `verbose`. */
export interface RequestLog {
  sent(method: string, path: string, attempt: number, as: string | undefined): void;
  answered(method: string, path: string, status: number, ms: number): void;
  failed(method: string, path: string, status: number, type: string | undefined, ms: number): void;
  retrying(method: string, path: string, waitMs: number): void;
}

const SILENT: RequestLog = { sent() {}, answered() {}, failed() {}, retrying() {} };

export function requestLog(verbose: boolean | undefined, logger: Logger | undefined): RequestLog {
  if (!verbose) return SILENT;
  const out = logger ?? (globalThis as { console: Logger }).console;
  return {
    sent: (method, path, attempt, as) =>
      out.debug(`[instant] ${method} ${path}${as ? ` as ${as}` : ''}${attempt ? ` (retry ${attempt})` : ''}`),
    answered: (method, path, status, ms) => out.info(`[instant] ${method} ${path} ${status} in ${ms} ms`),
    failed: (method, path, status, type, ms) =>
      out.error(`[instant] ${method} ${path} ${status}${type ? ` ${type}` : ''} in ${ms} ms`),
    retrying: (method, path, waitMs) =>
      out.info(`[instant] ${method} ${path}: retrying in ${Math.round(waitMs)} ms`),
  };
}
