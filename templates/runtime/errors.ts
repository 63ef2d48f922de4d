/** An error response from the Instant admin API, shaped like `@instantdb/admin`'s `InstantAPIError`. */
export class InstantAPIError extends Error {
  readonly status: number;
  readonly body: { type?: string | undefined; message?: string; hint?: unknown; [key: string]: unknown };
  readonly hint: unknown;
  readonly traceId: string | undefined;

  constructor(status: number, body: InstantAPIError['body']) {
    super(body.message || `API Error (${status})`);
    this.name = 'InstantAPIError';
    this.status = status;
    this.body = body;
    this.hint = body.hint;
    this.traceId = (body['traceId'] || body['trace-id'] || undefined) as string | undefined;
  }

  get type(): string | undefined {
    return this.body.type;
  }
}

/** Rejected on the client, before any request: names the entity, the attribute and the fix. */
export class InstantValidationError extends Error {
  readonly issues: readonly string[];

  constructor(message: string, issues: readonly string[]) {
    super(message);
    this.issues = issues;
    this.name = 'InstantValidationError';
  }
}

/** Replaces every occurrence of a secret (Instant echoes the admin token in some hints), keeping the shape. */
export function redact<T>(value: T, secret: string | undefined): T {
  if (!secret) return value;
  const masked = `${secret.slice(0, 4)}…(redacted)`;
  // A walk, not a JSON round trip: that would drop `type: undefined` from the body of a text error (§1.4).
  const walk = (v: unknown): unknown =>
    typeof v === 'string'
      ? v.split(secret).join(masked)
      : Array.isArray(v)
        ? v.map(walk)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([key, inner]) => [walk(key), walk(inner)]))
          : v;
  return walk(value) as T;
}
