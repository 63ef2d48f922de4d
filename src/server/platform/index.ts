// The platform capability: what instant-cli (pull, push, query) and @instantdb/platform call besides the
// admin API, authenticated with an app's admin token. HTTP wiring is in http/platformRoutes.ts.
//   schemaPull.ts    the schema as the dashboard routes give it
//   schemaSteps.ts   a pushed schema's steps, validated and applied atomically
//   indexingJobs.ts  constraint steps (index, unique, required, types) checked against the data
//   perms.ts         rules pull and push
//   apps.ts          temporary apps and app titles

import type { Json, JsonObject } from '../json.js';
import type { Services } from '../http/services.js';
import { dashAppId } from '../dashAuth.js';
import { appTitle, createEphemeralApp } from './apps.js';
import { jobById, jobsOfGroup } from './indexingJobs.js';
import { pullPerms, pushPerms } from './perms.js';
import { attrsToSchema, schemaPull } from './schemaPull.js';
import { applySchemaSteps } from './schemaSteps.js';

export interface PlatformCall {
  headers: Record<string, string | undefined>;
  params: Record<string, string>;
  body: Record<string, Json> | undefined;
}

function app(call: PlatformCall, s: Services): string {
  return dashAppId(s.engine, call.headers.authorization, call.params.app_id);
}

export const platform = {
  schemaPull: (call: PlatformCall, s: Services): JsonObject => {
    const appId = app(call, s);
    return schemaPull(s.engine.attrs(appId).all, appTitle(s.engine, appId));
  },
  schemaGet: (call: PlatformCall, s: Services): JsonObject => ({ schema: attrsToSchema(s.engine.attrs(app(call, s)).all) }),
  applySteps: (call: PlatformCall, s: Services, steps: unknown[]): JsonObject => applySchemaSteps(s.engine, app(call, s), steps),
  permsPull: (call: PlatformCall, s: Services): JsonObject => ({ perms: pullPerms(s, app(call, s)) }),
  rulesPush: (call: PlatformCall, s: Services): JsonObject => pushPerms(s, app(call, s), call.body),
  jobsOfGroup: (call: PlatformCall, s: Services, groupId: string): JsonObject => ({ jobs: jobsOfGroup(s.engine, app(call, s), groupId) }),
  job: (call: PlatformCall, s: Services, jobId: string): JsonObject => ({ job: jobById(s.engine, app(call, s), jobId) }),
  createEphemeralApp: (call: PlatformCall, s: Services): JsonObject => createEphemeralApp(s, call.body),
};
