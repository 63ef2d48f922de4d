// Rules through the dashboard routes (dash/routes.clj `perms-pull-get`, `rules-post`; superadmin/routes.clj
// `app-rules-get`, `app-rules-post`): pull gives the app's rules document, push validates it as Instant does
// (`rule-model/validation-errors`: CEL that does not compile, unknown binds, field rules on `id`, ...) and
// replaces the app's rules only when it is valid.

import { paramMissing } from '../errors.js';
import { isObject, type Json, type JsonObject } from '../json.js';
import type { Services } from '../http/services.js';
import { RulesPolicy } from '../permissions/policy.js';

/** The app's rules, or null when it has none (a custom permissions hook has no document either). */
export function pullPerms(s: Services, appId: string): Json {
  const policy = s.engine.policyFor(appId);
  if (!(policy instanceof RulesPolicy)) return null;
  const doc = policy.rules.doc;
  return Object.keys(doc).length ? doc : null;
}

/** `ex/get-param! [:body :code]`, then the rules: invalid ones throw `validation-failed` for `rule`. */
export function pushPerms(s: Services, appId: string, body: Record<string, Json> | undefined): JsonObject {
  const code = body?.code;
  if (code === undefined || code === null || code === false) throw paramMissing(['body', 'code']);
  if (!s.setRules) throw new Error('this server cannot change rules');
  s.setRules(appId, code as object);
  const stored = pullPerms(s, appId);
  return { rules: { app_id: appId, code: isObject(stored) ? stored : {} } };
}
