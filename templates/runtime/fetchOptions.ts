// Per-call `fetchOpts`, as `@instantdb/admin`'s `query(q, { fetchOpts })` takes them
// (client/packages/admin/src/index.ts `query`): spread into the `fetch` init, their headers under the
// client's own (which win), so that Next.js can cache a read (`next: { revalidate, tags }`).

/** Next.js' extension of `fetch` (its data cache): https://nextjs.org/docs/app/api-reference/functions/fetch */
export interface NextFetchOptions {
  /** Seconds to cache the response for; `false` caches indefinitely, `0` never. */
  revalidate?: number | false | undefined;
  /** Tags for `revalidateTag`. */
  tags?: string[] | undefined;
}

/** Extra `fetch` options for one read; the client sets `method`, `body` and the request's `signal` itself. */
export type FetchOptions = Omit<RequestInit, 'method' | 'body' | 'signal'> & {
  next?: NextFetchOptions | undefined;
};

/** The extra headers, names lower-cased so that the client's own headers replace them rather than join them. */
export function extraHeaders(fetchOpts: FetchOptions | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (fetchOpts?.headers) new Headers(fetchOpts.headers).forEach((value, name) => (out[name] = value));
  return out;
}

/**
 * The `fetch` init of a request: the call's `fetchOpts` under what the client must send. `cache: 'no-store'`
 * (reads are never served stale by default) unless the call chose a cache mode or a Next.js revalidation
 * time: Next.js refuses `no-store` together with `revalidate`.
 */
export function fetchInit(
  base: { method: string; headers: Record<string, string>; body: string | null; signal: AbortSignal | null },
  fetchOpts: FetchOptions | undefined,
): RequestInit {
  if (!fetchOpts) return { ...base, cache: 'no-store' };
  const { headers: _headers, ...rest } = fetchOpts;
  const chosen = rest.cache !== undefined || rest.next?.revalidate !== undefined;
  return {
    ...(chosen ? {} : { cache: 'no-store' as const }),
    ...rest,
    ...base,
    headers: { ...extraHeaders(fetchOpts), ...base.headers },
  };
}
