// The platform routes (dash/routes.clj and superadmin/routes.clj, as far as instant-cli's pull, push and
// query and @instantdb/platform need them). Paths carry ids, so they are matched by pattern; the work is in
// ../platform.

import type { Json } from '../json.js';
import { platform, type PlatformCall } from '../platform/index.js';
import { asUuid, requiredParam, type ApiRequest } from './io.js';
import type { Services } from './services.js';

type PlatformHandler = (call: PlatformCall, s: Services, req: ApiRequest) => Json;

/** `ex/get-param! [:body :steps] coll?`. */
const stepsOf = (req: ApiRequest) => requiredParam(req, 'body', 'steps', (x) => (Array.isArray(x) ? (x as unknown[]) : undefined));
const uuidPathParam = (call: PlatformCall, name: string) => requiredParam({ query: call.params } as unknown as ApiRequest, 'params', name, asUuid);

const PLATFORM_ROUTES: [method: string, pattern: string, handler: PlatformHandler][] = [
  ['POST', '/dash/apps/ephemeral', platform.createEphemeralApp],
  ['GET', '/dash/apps/:app_id/schema/pull', platform.schemaPull],
  ['POST', '/dash/apps/:app_id/schema/steps/apply', (call, s, req) => platform.applySteps(call, s, stepsOf(req))],
  ['GET', '/dash/apps/:app_id/perms/pull', platform.permsPull],
  ['POST', '/dash/apps/:app_id/rules', platform.rulesPush],
  ['GET', '/dash/apps/:app_id/indexing-jobs/group/:group_id', (call, s) => platform.jobsOfGroup(call, s, uuidPathParam(call, 'group_id'))],
  ['GET', '/dash/apps/:app_id/indexing-jobs/:job_id', (call, s) => platform.job(call, s, uuidPathParam(call, 'job_id'))],
  ['GET', '/superadmin/apps/:app_id/schema', platform.schemaGet],
  ['GET', '/superadmin/apps/:app_id/perms', platform.permsPull],
  ['POST', '/superadmin/apps/:app_id/perms', platform.rulesPush],
];

function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return undefined;
  }
  return params;
}

/** The handler for a platform route, with its path params bound; undefined for any other path. */
export function platformRoute(method: string, path: string): ((req: ApiRequest, s: Services) => Json) | undefined {
  for (const [m, pattern, handler] of PLATFORM_ROUTES) {
    if (m !== method) continue;
    const params = match(pattern, path);
    if (params) return (req, s) => handler({ headers: req.headers, body: req.body, params }, s, req);
  }
  return undefined;
}
