// The database-facing core of the server, independent of HTTP: apps, attrs, InstaQL queries and
// InstaML transactions over one SQLite database. Every transaction runs inside one SQLite transaction,
// so it is atomic and, once this returns, durable.

import type { SchemaIR } from '../ir/types.js';
import type { Db } from './storage/db.js';
import { AppStore } from './storage/apps.js';
import { AttrStore, type AttrIndex } from './storage/attrs.js';
import { sortsDifferently } from './storage/sortValue.js';
import { TripleStore } from './storage/triples.js';
import { syncAttrs } from './schema/schemaAttrs.js';
import { runQuery, type QueryOptions } from './query/execute.js';
import { validateAdminSteps } from './transact/steps.js';
import { createMissingAttrs } from './transact/missingAttrs.js';
import { storableSteps } from './transact/loneSurrogates.js';
import { assertNoStorageColumnWrites } from './permissions/systemColumns.js';
import { expandSteps, validateTxSteps } from './transact/expand.js';
import { executeTxSteps, type TxChanges, type TxResult } from './transact/executor.js';
import type { TxStep } from './transact/txSteps.js';
import { ALLOW_ALL, type PermissionPolicy, type Requester } from './permissions.js';
import type { JsonObject } from './json.js';

/** Thrown inside the SQLite transaction to roll it back after a dry run. */
class Rollback extends Error {}

/** A committed write to one app (live queries listen for these). */
export interface Commit {
  appId: string;
  /** Absent for schema changes, which are not transactions. */
  txId?: number;
  changes: TxChanges;
}

export type CommitListener = (commit: Commit) => void;

const SCHEMA_CHANGE: TxChanges = Object.freeze({ attrIds: new Set<string>(), attrsChanged: true });

export class Engine {
  readonly apps: AppStore;
  readonly attrStore: AttrStore;
  readonly triples: TripleStore;
  /** Apps with their own permission policy (rules); the others use `policy`. */
  private readonly appPolicies = new Map<string, PermissionPolicy>();
  /** Loaded attrs per app, valid while nothing wrote to the database (see `attrs`). */
  private readonly attrCache = new Map<string, AttrIndex>();
  private attrCacheVersion = -1;
  private readonly dataVersion;
  private readonly commitListeners = new Set<CommitListener>();
  /** The signed `url` of a `$files` blob, added to query results (set by the files capability, files/index.ts). */
  fileUrl?: (appId: string, locationId: string) => string;

  constructor(
    readonly db: Db,
    readonly policy: PermissionPolicy = ALLOW_ALL,
  ) {
    this.apps = new AppStore(db);
    this.attrStore = new AttrStore(db);
    this.triples = new TripleStore(db);
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  /** Creates the app (or resets its admin token) and brings its attrs in line with the schema. */
  ensureApp(appId: string, adminToken: string, schema?: SchemaIR): void {
    this.write(() => {
      this.apps.upsert(appId, adminToken);
      this.applySchema(appId, schema);
    });
    this.committed({ appId, changes: SCHEMA_CHANGE });
  }

  updateSchema(appId: string, schema: SchemaIR): void {
    this.write(() => this.applySchema(appId, schema));
    this.committed({ appId, changes: SCHEMA_CHANGE });
  }

  /**
   * A schema change made of steps (instant-cli's push): `run` writes through `attrStore` and `triples` inside
   * one SQLite transaction, so anything it throws leaves the app as it was.
   */
  changeSchema<T>(appId: string, run: (attrs: AttrIndex) => T): T {
    const result = this.write(() => run(this.attrStore.load(appId)));
    this.committed({ appId, changes: SCHEMA_CHANGE });
    return result;
  }

  /**
   * Calls `listener` after every committed write (never for rolled-back or dry runs), synchronously,
   * once the SQLite transaction is durable. Returns the function that removes it.
   */
  onCommit(listener: CommitListener): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** A listener's failure must not turn a committed write into an error for its caller. */
  private committed(commit: Commit): void {
    for (const listener of this.commitListeners) {
      try {
        listener(commit);
      } catch {
        // The listener owns its errors (live queries log their own).
      }
    }
  }

  /**
   * Syncs attrs; attrs that became indexed get explicit nulls on existing entities, as in Instant, and
   * attrs whose index or type changed get their triples' sort values recomputed.
   */
  private applySchema(appId: string, schema: SchemaIR | undefined): void {
    const before = this.attrStore.load(appId);
    const newlyIndexed = syncAttrs(this.attrStore, appId, before, schema);
    const attrs = this.attrStore.load(appId);
    for (const attr of attrs.all) {
      const old = before.get(attr.id);
      if (old && sortsDifferently(old, attr)) this.triples.resort(appId, attr);
    }
    const now = Date.now();
    for (const attr of newlyIndexed) {
      const idAttr = attrs.idAttr(attr.etype);
      if (idAttr) this.triples.fillNulls(appId, idAttr.id, attr.id, now);
    }
  }

  /**
   * One SQLite transaction, taken as a write lock up front (BEGIN IMMEDIATE) so that another process on
   * the same file can never make us fail half-way through with SQLITE_BUSY. Cached attrs are dropped
   * either way; storage keys only when the transaction rolled back (they may name rows that are gone).
   */
  private write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (e) {
      this.triples.keys.forget();
      throw e;
    } finally {
      this.attrCache.clear();
    }
  }

  /**
   * The app's attrs, loaded once and reused until a write: ours clear the cache, and SQLite's
   * `data_version` tells when another connection to the same file committed.
   */
  attrs(appId: string): AttrIndex {
    const version = this.dataVersion.get() as number;
    if (version !== this.attrCacheVersion) {
      this.attrCache.clear();
      this.attrCacheVersion = version;
    }
    let attrs = this.attrCache.get(appId);
    if (!attrs) {
      attrs = this.attrStore.load(appId);
      this.attrCache.set(appId, attrs);
    }
    return attrs;
  }

  /** Deletes every entity of the app in one transaction; its schema, rules and token stay. */
  wipeData(appId: string): void {
    this.write(() => this.triples.deleteAllOfApp(appId));
  }

  /**
   * A write that replaces an app's storage wholesale (a backup import swapping its shadow app in, see
   * backup/swap.ts): every cached storage key is dropped, and listeners hear of it as a schema change.
   */
  replaceAppStorage<T>(appId: string, fn: () => T): T {
    let result: T;
    try {
      result = this.write(fn);
    } finally {
      this.triples.keys.forget();
    }
    this.committed({ appId, changes: SCHEMA_CHANGE });
    return result;
  }

  /** Gives an app its own policy (e.g. its rules), or back the server's default with undefined. */
  setPolicy(appId: string, policy: PermissionPolicy | undefined): void {
    if (policy) this.appPolicies.set(appId, policy);
    else this.appPolicies.delete(appId);
  }

  policyFor(appId: string): PermissionPolicy {
    return this.appPolicies.get(appId) ?? this.policy;
  }

  /** `policy` overrides the app's (the debug endpoints run with their own). */
  query(appId: string, query: JsonObject, opts: QueryOptions): JsonObject {
    const fileUrl = this.fileUrl && ((locationId: string) => this.fileUrl!(appId, locationId));
    return runQuery(this.triples, this.attrs(appId), appId, query, { fileUrl, ...opts, policy: opts.policy ?? this.policyFor(appId) });
  }

  /**
   * POST /admin/transact: admin steps, validated, expanded and executed atomically. `rollbackIf` (asked
   * once everything ran) turns the transaction into a dry run: `committed` says whether it was kept.
   */
  transact(
    appId: string,
    raw: unknown[],
    opts: { throwOnMissingAttrs: boolean; requester: Requester; policy?: PermissionPolicy; rollbackIf?: () => boolean },
  ): TxResult & { committed: boolean } {
    validateAdminSteps(raw);
    const steps = storableSteps(raw);
    const policy = opts.policy ?? this.policyFor(appId);
    let result: TxResult | undefined;
    try {
      this.write(() => {
        const { attrs, added } = createMissingAttrs(this.attrs(appId), steps, opts.throwOnMissingAttrs);
        const txSteps: TxStep[] = [
          ...added.map((attr): TxStep => ({ op: 'add-attr', attr })),
          ...expandSteps(attrs, steps),
        ];
        validateTxSteps(attrs, txSteps);
        // Non-admin writes get the whole system-column check with their permission checks.
        if (opts.requester.admin) assertNoStorageColumnWrites(attrs, txSteps);
        result = executeTxSteps({ store: this.triples, attrStore: this.attrStore, appId, attrs, requester: opts.requester, policy }, txSteps);
        if (opts.rollbackIf?.()) throw new Rollback();
      });
    } catch (e) {
      if (e instanceof Rollback) return { ...result!, committed: false };
      throw e;
    }
    this.committed({ appId, txId: result!.txId, changes: result!.changes });
    return { ...result!, committed: true };
  }

  /** Internal writes (auth): tx-steps run as admin in their own transaction. */
  transactSteps(appId: string, build: (attrs: AttrIndex) => TxStep[]): TxResult {
    const result = this.write(() => {
      const attrs = this.attrs(appId);
      return executeTxSteps({ store: this.triples, attrStore: this.attrStore, appId, attrs }, build(attrs));
    });
    this.committed({ appId, txId: result.txId, changes: result.changes });
    return result;
  }
}
