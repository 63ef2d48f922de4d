// POST /admin/query, POST /admin/transact and GET /admin/schema.

import { paramMalformed, paramMissing, validationError } from '../errors.js';
import { getKey, isObject, setKey, type Json, type JsonObject } from '../json.js';
import type { Attr } from '../storage/attrs.js';
import { Deadline, DEFAULT_LIMITS } from '../limits.js';
import type { Services } from './services.js';
import { authedAppId, resolveRequester } from './requester.js';
import type { ApiRequest } from './io.js';

export function queryParam(req: ApiRequest): JsonObject {
  const raw = req.body?.query;
  if (raw === undefined || raw === null || raw === false) throw paramMissing(['body', 'query']);
  if (!isObject(raw)) throw paramMalformed(['body', 'query'], raw);
  return raw;
}

export function queryPost(req: ApiRequest, s: Services): Json {
  const query = queryParam(req);
  const inference = Boolean(req.body?.['inference?']);
  const requester = resolveRequester(req, s.engine, s.users);
  // $$ruleParams only matter to permission rules, which admin requests bypass.
  const ruleParams = !requester.admin && isObject(query.$$ruleParams) ? query.$$ruleParams : {};
  const deadline = Deadline.after((s.limits ?? DEFAULT_LIMITS).queryTimeoutMs);
  return s.engine.query(requester.appId, query, { inference, requester: { ...requester, ruleParams }, deadline });
}

/** `body.steps`, present and a collection; whether it is a list is checked after the requester. */
export function stepsParam(req: ApiRequest): object {
  const steps = req.body?.steps;
  if (steps === undefined || steps === null || steps === false) throw paramMissing(['body', 'steps']);
  if (typeof steps !== 'object') throw paramMalformed(['body', 'steps'], steps);
  return steps;
}

export function transactPost(req: ApiRequest, s: Services): Json {
  const steps = stepsParam(req);
  const throwOnMissingAttrs = Boolean(req.body?.['throw-on-missing-attrs?']);
  const requester = resolveRequester(req, s.engine, s.users);
  if (!Array.isArray(steps)) throw validationError('steps', steps, [{ expected: 'coll?', in: [] }]);
  const { txId } = s.engine.transact(requester.appId, steps, { throwOnMissingAttrs, requester });
  return { 'tx-id': txId };
}

/** Experimental in Instant; handy locally to discover attr ids (cursors are built from them). */
export function schemaGet(req: ApiRequest, s: Services): Json {
  const appId = authedAppId(req, s.engine);
  const visible = s.engine
    .attrs(appId)
    .all.filter((a) => a.catalog !== 'system' || ['$users', '$files', '$streams'].includes(a.etype));
  const blobs: JsonObject = {};
  const refs: JsonObject = {};
  for (const a of visible) {
    if (a.valueType === 'ref') {
      setKey(refs, [a.etype, a.label, a.revEtype, a.revLabel].join('-'), attrJson(a));
    } else {
      // Names are user data: an entity named `__proto__` must not reach Object.prototype.
      let byLabel = getKey(blobs, a.etype) as JsonObject | undefined;
      if (!byLabel) setKey(blobs, a.etype, (byLabel = {}));
      setKey(byLabel, a.label, attrJson(a));
    }
  }
  return { schema: { refs, blobs } };
}

/** Instant's attr JSON (`InstantDBAttr`); identity ids are not modelled locally, the attr id stands in. */
export function attrJson(a: Attr): JsonObject {
  const out: JsonObject = {
    id: a.id,
    'value-type': a.valueType,
    cardinality: a.cardinality,
    'forward-identity': [a.id, a.etype, a.label],
    'unique?': a.unique,
    'index?': a.indexed,
    'required?': a.required,
    'checked-data-type': a.checkedType ?? null,
    catalog: a.catalog,
  };
  if (a.revEtype !== undefined) out['reverse-identity'] = [a.id, a.revEtype, a.revLabel ?? null];
  if (a.onDelete) out['on-delete'] = a.onDelete;
  if (a.onDeleteReverse) out['on-delete-reverse'] = a.onDeleteReverse;
  return out;
}
