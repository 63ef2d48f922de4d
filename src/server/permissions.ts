// Who is asking, and the hook where permission rules plug in.
//
// Admin requests bypass rules. Impersonated requests (as-email / as-token / as-guest) go through the
// app's PermissionPolicy (semantics.md §5): a query asks its QueryFilter about every entity it would
// return or pass through in a where path (dropped entities vanish silently, with their children; field
// rules hide keys), and a transaction is checked with its expanded steps before anything is written, the
// returned check running once the writes are done (create rules see the new data). permissions/
// implements Instant's CEL rules, which the server applies by default (an empty rules document still has
// the built-in `$users` rules and system-column protection); ALLOW_ALL lets everything through.

import type { Json } from './json.js';
import type { QueryReader } from './query/reader.js';
import type { DataView } from './transact/preprocess.js';
import type { TxStep } from './transact/txSteps.js';

export interface Requester {
  appId: string;
  admin: boolean;
  /** The impersonated `$users` record (null for guests and admins). */
  user: Record<string, unknown> | null;
  /** Where the request comes from, for rules (`request.ip`, `request.origin`). */
  ip?: string;
  origin?: string;
}

export interface QueryPermissionContext extends Requester {
  ruleParams: Record<string, Json>;
}

/** What one query may show. */
export interface QueryFilter {
  /** null drops the entity (and its children); otherwise the attributes field rules hide. */
  view(etype: string, eid: string): ReadonlySet<string> | null;
}

/** The part of a transaction's checks that runs after its writes, inside the same SQLite transaction. */
export interface TransactionCheck {
  afterWrite(): void;
}

export interface PermissionPolicy {
  /** The filter of one non-admin query. */
  queryFilter(ctx: QueryPermissionContext, reader: QueryReader): QueryFilter;
  /** Checks a non-admin transaction before anything is written; throws an InstantError (`permission-denied`) to reject it. */
  checkTransaction(ctx: Requester, view: DataView, steps: readonly TxStep[]): TransactionCheck;
}

const NOTHING_HIDDEN: ReadonlySet<string> = new Set();

export const ALLOW_ALL: PermissionPolicy = {
  queryFilter: () => ({ view: () => NOTHING_HIDDEN }),
  checkTransaction: () => ({ afterWrite: () => undefined }),
};
