// POST /admin/query_perms_check and /admin/transact_perms_check (admin/routes.clj), the SDK's
// `db.asUser(x).debugQuery(q)` / `debugTransact(chunks)`: run a query or a transaction as the impersonated
// user with the app's rules (or `rules-override`) and report every rule check. They need the admin token
// *and* an impersonation header; a transaction is rolled back unless `dangerously-commit-tx` is set and
// every check passed.

import { validationError } from '../errors.js';
import { isObject, type Json } from '../json.js';
import { Deadline, DEFAULT_LIMITS } from '../limits.js';
import type { Requester } from '../permissions.js';
import { RulesPolicy } from '../permissions/policy.js';
import type { RateLimiter } from '../rateLimits/index.js';
import { parseRules, RuleSet } from '../permissions/rules.js';
import { queryParam, stepsParam } from './adminRoutes.js';
import type { Services } from './services.js';
import { authedAppId, resolveRequester } from './requester.js';
import { asNonBlankString, optionalParam, type ApiRequest } from './io.js';

/** Admin token checked first, then who to act as; acting as admin is refused. */
function impersonated(req: ApiRequest, s: Services): Requester {
  authedAppId(req, s.engine);
  const requester = resolveRequester(req, s.engine, s.users);
  if (requester.admin) throw validationError('non-admin', 'non-admin', [{ message: 'Cannot test perms as admin' }]);
  return requester;
}

/** `ip-override` / `origin-override` stand in for where the request comes from. */
function withOverrides(req: ApiRequest, requester: Requester): Requester {
  const ip = optionalParam(req, 'body', 'ip-override', asNonBlankString);
  const origin = optionalParam(req, 'body', 'origin-override', asNonBlankString);
  return { ...requester, ...(ip ? { ip } : {}), ...(origin ? { origin } : {}) };
}

/** The app's `$rateLimits` buckets: the debug endpoints take tokens as Instant's do (they run the same rules). */
function rateLimiterFor(s: Services, appId: string): RateLimiter | undefined {
  const current = s.engine.policyFor(appId);
  return current instanceof RulesPolicy ? current.rateLimiter : undefined;
}

/** The rules to check with: a valid `rules-override`, else the app's (none: everything is allowed). */
function rulesFor(req: ApiRequest, s: Services, appId: string): RuleSet {
  const override = req.body?.['rules-override'];
  if (override !== undefined && override !== null && override !== false) return parseRules(override);
  const current = s.engine.policyFor(appId);
  return current instanceof RulesPolicy ? current.rules : new RuleSet({});
}

export function queryPermsCheckPost(req: ApiRequest, s: Services): Json {
  const requester = impersonated(req, s);
  const inference = Boolean(req.body?.['inference?']);
  const rules = rulesFor(req, s, requester.appId);
  const who = withOverrides(req, requester);
  const query = queryParam(req);
  const ruleParams = isObject(query.$$ruleParams) ? query.$$ruleParams : {};
  const policy = new RulesPolicy(rules, { collect: true, showCelErrors: true, rateLimiter: rateLimiterFor(s, requester.appId) });
  const deadline = Deadline.after((s.limits ?? DEFAULT_LIMITS).queryTimeoutMs);
  const result = s.engine.query(who.appId, query, { inference, requester: { ...who, ruleParams }, policy, deadline });
  return { 'check-results': policy.results, result, 'rule-wheres': null };
}

export function transactPermsCheckPost(req: ApiRequest, s: Services): Json {
  const requester = impersonated(req, s);
  const commit = Boolean(req.body?.['dangerously-commit-tx']);
  const who = withOverrides(req, requester);
  const steps = stepsParam(req);
  const throwOnMissingAttrs = Boolean(req.body?.['throw-on-missing-attrs?']);
  const rules = rulesFor(req, s, requester.appId);
  if (!Array.isArray(steps)) throw validationError('steps', steps, [{ expected: 'coll?', in: [] }]);
  const policy = new RulesPolicy(rules, { collect: true, showCelErrors: true, rateLimiter: rateLimiterFor(s, requester.appId) });
  const result = s.engine.transact(who.appId, steps, {
    throwOnMissingAttrs,
    requester: who,
    policy,
    rollbackIf: () => !commit || !policy.allChecksPassed(),
  });
  return {
    'tx-id': result.txId,
    'all-checks-ok?': policy.allChecksPassed(),
    'committed?': result.committed,
    'check-results': policy.results,
  };
}
