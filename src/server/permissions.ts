// Who is asking, and the hook where permission rules will plug in.
//
// Admin requests bypass rules. Impersonated requests (as-email / as-token / as-guest) are allowed for now;
// the rule engine (semantics.md §5, a later issue) implements PermissionPolicy: queries call `canView`
// for every entity they would return (dropped entities vanish silently, with their children), and
// transactions call `checkTransaction` with the expanded steps before anything is committed.

import type { TxStep } from './transact/txSteps.js';
import type { Json } from './json.js';

export interface Requester {
  appId: string;
  admin: boolean;
  /** The impersonated `$users` record (null for guests and admins). */
  user: Record<string, unknown> | null;
}

export interface QueryPermissionContext extends Requester {
  ruleParams: Record<string, Json>;
}

export interface PermissionPolicy {
  /** Return false to drop the entity from a query result. */
  canView(ctx: QueryPermissionContext, etype: string, entity: Record<string, Json>): boolean;
  /** Throw an InstantError (`permission-denied`) to reject the whole transaction. */
  checkTransaction(ctx: Requester, steps: readonly TxStep[]): void;
}

export const ALLOW_ALL: PermissionPolicy = {
  canView: () => true,
  checkTransaction: () => undefined,
};
