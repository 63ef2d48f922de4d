// POST /admin/subscribe-query (admin/routes.clj `query-sse`): parse and authenticate like /admin/query,
// then hand the response over to the live queries. Errors up to here are ordinary JSON responses (the
// SDK reports them as the subscription's error); the query's own errors travel over the stream.

import type { ServerResponse } from 'node:http';
import { isObject } from '../json.js';
import { queryParam } from './adminRoutes.js';
import type { ApiRequest } from './io.js';
import { resolveRequester } from './requester.js';
import type { Services } from './services.js';

export function subscribeQueryStream(req: ApiRequest, s: Services, res: ServerResponse): void {
  // The router only routes here when the server has live queries.
  if (!s.live) throw new Error('live queries are not enabled');
  const live = s.live;
  const query = queryParam(req);
  const inference = Boolean(req.body?.['inference?']);
  const requester = resolveRequester(req, s.engine, s.users);
  // $$ruleParams only matter to permission rules, which admin subscriptions bypass.
  const ruleParams = !requester.admin && isObject(query.$$ruleParams) ? query.$$ruleParams : {};
  live.subscribe(res, { appId: requester.appId, query, inference, requester: { ...requester, ruleParams } });
}
