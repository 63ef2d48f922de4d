// Public entry point of the local Instant-compatible admin API server.

export { startServer } from './server.js';
export type { StartServerOptions, RunningServer, AddAppOptions } from './server.js';
export type { PeerInput, RoomSession } from './presence/rooms.js';
export { runServe, findSchemaFile, defaultDataFile, maskToken } from './serve.js';
export type { ServeOptions, ServeResult } from './serve.js';
export { ALLOW_ALL } from './permissions.js';
export type { PermissionPolicy, QueryFilter, TransactionCheck, Requester, QueryPermissionContext } from './permissions.js';
export { createRulesPolicy, RulesPolicy, ruleValidationIssues, type RulesPolicyOptions, type RuleIssue } from './permissions/index.js';
export { InstantError } from './errors.js';
export { DEFAULT_LIMITS, type ServerLimits } from './limits.js';
export type { OutgoingEmail, EmailHook } from './auth/email.js';
