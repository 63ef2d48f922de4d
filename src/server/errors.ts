// Errors in the exact shape of Instant's server (`instant.util.exception` + `instant.util.http/wrap-errors`):
// the body is `{type, message, hint}`, the status 400 for "bad request" types, 429 for rate limits and
// timeouts, 500 otherwise. Keeping every message here (or built by these helpers) makes it easy to diff
// against the Clojure source when Instant changes a wording.

export type Hint = Record<string, unknown> | null;

export class InstantError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly hint: Hint = null,
    readonly status: number = statusForType(type),
  ) {
    super(message);
    this.name = 'InstantError';
  }

  body(): { type: string; message: string; hint: Hint } {
    return { type: this.type, message: this.message, hint: this.hint };
  }
}

function statusForType(type: string): number {
  if (type === 'rate-limited' || type === 'timeout') return 429;
  if (type === 'unknown' || type === 'sql-exception') return 500;
  return 400;
}

/** One entry of `hint.errors` in a validation error. */
export interface ValidationEntry {
  message?: string;
  expected?: string;
  'expected?'?: string;
  in?: unknown[];
  hint?: unknown;
  [key: string]: unknown;
}

/**
 * `ex/throw-validation-err!`: the message is "Validation failed for <type>" plus ": " and every entry's
 * message joined by ", " when entries carry messages.
 */
export function validationError(inputType: string, input: unknown, errors: ValidationEntry[]): InstantError {
  const messages = errors.map((e) => e.message).filter((m): m is string => typeof m === 'string');
  const base = `Validation failed for ${inputType}`;
  const message = messages.length ? `${base}: ${messages.join(', ')}` : base;
  return new InstantError('validation-failed', message, { 'data-type': inputType, input, errors });
}

/** Prints a path the way Clojure prints a vector of strings: `["body" "query"]`. */
export function clojureVector(path: readonly string[]): string {
  return `[${path.map((p) => JSON.stringify(p)).join(' ')}]`;
}

export function paramMissing(path: string[], extraHint: Record<string, unknown> = {}): InstantError {
  return new InstantError('param-missing', `Missing parameter: ${clojureVector(path)}`, { in: path, ...extraHint });
}

export function paramMalformed(path: string[], input: unknown, extraHint: Record<string, unknown> = {}): InstantError {
  return new InstantError('param-malformed', `Malformed parameter: ${clojureVector(path)}`, {
    in: path,
    ...extraHint,
    'original-input': input,
  });
}

/** `ex/assert-record!`. */
export function recordNotFound(recordType: string, hint: Record<string, unknown> = {}): InstantError {
  return new InstantError('record-not-found', `Record not found: ${recordType}`, { ...hint, 'record-type': recordType });
}

export function recordExpired(recordType: string, hint: Record<string, unknown> = {}): InstantError {
  return new InstantError('record-expired', `Record expired: ${recordType}`, { ...hint, 'record-type': recordType });
}

/** A Postgres `raise_exception` surfaced by Instant as `sql-raise`. */
export function sqlRaise(message: string): InstantError {
  return new InstantError('sql-raise', `Raised Exception: ${message}`, null);
}

/** Anything that is not an InstantError becomes Instant's opaque 500. */
export function toInstantError(e: unknown): InstantError {
  if (e instanceof InstantError) return e;
  return new InstantError('unknown', 'Something went wrong. Sorry about this!', {}, 500);
}
