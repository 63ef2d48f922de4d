// The signed-in user of an incoming request. Instant's client SDKs post the user to a route of your app
// (`createInstantRouteHandler`, core/src/createRouteHandler.ts), which keeps it in the HttpOnly cookie
// `instant_user_<appId>` (URI-encoded JSON with a `refresh_token`); `auth.getUserFromRequest` reads that cookie
// and verifies its token with the server (client/packages/admin/src/index.ts `getUserFromRequest`).

/** A request as the Fetch API has it (Next.js route handlers, Remix, Hono), or Node's (Express, `http`). */
export type IncomingRequest =
  | { headers: { get(name: string): string | null } }
  | { headers: Record<string, string | string[] | undefined> };

export function userCookieName(appId: string): string {
  return `instant_user_${appId}`;
}

function cookieHeader(req: IncomingRequest): string {
  const { headers } = req;
  if (typeof headers.get === 'function')
    return (headers.get as (name: string) => string | null)('cookie') ?? '';
  const raw = (headers as Record<string, string | string[] | undefined>)['cookie'];
  return Array.isArray(raw) ? raw.join('; ') : (raw ?? '');
}

/** One cookie's value, as the `cookie` package parses it (first occurrence wins; `%` escapes decoded when valid). */
export function readCookie(header: string, name: string): string | undefined {
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    try {
      return value.includes('%') ? decodeURIComponent(value) : value;
    } catch {
      return value;
    }
  }
  return undefined;
}

/**
 * The user the cookie holds, when it has a refresh token. A cookie that is not JSON counts as none (the SDK
 * throws its `SyntaxError` instead: a request's cookies are the caller's to send, not a server fault).
 */
export function cookieUser(
  req: IncomingRequest,
  appId: string,
): { refresh_token: string; [key: string]: unknown } | null {
  const value = readCookie(cookieHeader(req), userCookieName(appId));
  if (value === undefined) return null;
  let user: unknown;
  try {
    user = JSON.parse(value);
  } catch {
    return null;
  }
  const token =
    user && typeof user === 'object' ? (user as { refresh_token?: unknown }).refresh_token : undefined;
  return typeof token === 'string' && token ? (user as { refresh_token: string }) : null;
}

/** What Instant's client SDKs post to the route handler. */
export interface RouteHandlerBody {
  type?: string;
  appId?: string;
  /** The signed-in user, or null on sign-out. */
  user?: { refresh_token?: string; [key: string]: unknown } | null;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

/**
 * The route Instant's client SDKs sync the signed-in user to (`firstPartyPath` in their `init`): a POST handler
 * that sets the `instant_user_<appId>` cookie (HttpOnly, Secure, SameSite=Strict, 7 days) or clears it on sign-out.
 * Answers as `@instantdb/core`'s does, including its errors (400 bad JSON or type, 403 another app).
 *
 *   // app/api/instant/route.ts (Next.js)
 *   export const { POST } = createInstantRouteHandler({ appId: process.env.INSTANT_APP_ID! });
 */
export function createInstantRouteHandler(config: { appId: string }): {
  POST(req: Request): Promise<Response>;
} {
  const name = userCookieName(config.appId);
  const cookie = (value: string, maxAge: number) =>
    `${name}=${value}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${maxAge}`;
  return {
    POST: async (req) => {
      let body: RouteHandlerBody;
      try {
        body = (await req.json()) as RouteHandlerBody;
      } catch {
        return json(400, { ok: false, error: 'Invalid JSON body' });
      }
      if (!body?.type) return json(400, { ok: false, error: 'Missing "type" field' });
      if (body.appId !== config.appId) return json(403, { ok: false, error: 'App ID mismatch' });
      if (body.type !== 'sync-user') return json(400, { ok: false, error: `Unknown type: ${body.type}` });
      const user = body.user ?? null;
      const value = user?.refresh_token
        ? cookie(encodeURIComponent(JSON.stringify(user)), 604800)
        : cookie('', -1);
      return json(200, { ok: true }, { 'Set-Cookie': value });
    },
  };
}
