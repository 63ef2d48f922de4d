// Live queries (`POST /admin/subscribe-query`): each subscription is one SSE connection with one query.
// After every committed write (Engine.onCommit) the subscriptions whose read set the write touched are
// recomputed (once per distinct query and requester), and those whose result changed get `refresh-ok`.
// Writes are gathered and handled on the next turn of the event loop, so the transaction's response is
// not held up, and a burst of commits to one app costs one recomputation per subscription.

import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Commit, Engine } from '../engine.js';
import { InstantError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { Deadline, type ServerLimits } from '../limits.js';
import { ALLOW_ALL, type PermissionPolicy, type QueryPermissionContext } from '../permissions.js';
import { RulesPolicy } from '../permissions/policy.js';
import type { ResultMeta } from '../query/execute.js';
import { coerceQuery } from '../query/forms.js';
import { addQueryOk, errorMessage, evaluationText, refreshOkText, sseInit, type Evaluation } from './messages.js';
import { readSetOf, touches, type ReadSet } from './readSet.js';
import { SseConnection } from './sseConnection.js';

export interface SubscribeSpec {
  appId: string;
  /** As received, `$$ruleParams` included (it is echoed back as `q`). */
  query: JsonObject;
  inference: boolean;
  requester: QueryPermissionContext;
}

export type LiveLimits = Pick<ServerLimits, 'maxSubscriptionsPerApp' | 'maxSubscriptions' | 'maxSubscriptionBufferBytes' | 'queryTimeoutMs'>;

export interface LiveOptions {
  /** The reconnect delay the SSE stream asks for; Instant's `sse-retry-interval-ms` default is 500. */
  retryMs?: number;
  /** Interval of keep-alive comments; Instant's undertow SSE keep-alive is 15 s. */
  keepAliveMs?: number;
  log?: (line: string) => void;
}

interface Subscription {
  sessionId: string;
  spec: SubscribeSpec;
  conn: SseConnection;
  /** Subscriptions with the same key have the same result: it is computed once per refresh. */
  key: string;
  /** Undefined once its query failed: Instant drops a failed query, the connection stays open. */
  read?: ReadSet;
  /** The last evaluation sent, serialized (`{"instaql-result":…,"result-meta":…}`). */
  last?: string;
}

/** Writes to one app not handled yet. */
interface PendingWrite {
  txId?: number;
  attrIds: Set<string>;
  attrsChanged: boolean;
}

type Outcome = { ev: Evaluation; state: string } | { error: unknown };

export class LiveQueries {
  private readonly apps = new Map<string, Set<Subscription>>();
  private total = 0;
  private readonly pending = new Map<string, PendingWrite>();
  private flushScheduled = false;
  private readonly lastTxIds = new Map<string, number>();
  private readonly machineId = randomUUID();
  private readonly retryMs: number;
  private readonly log: (line: string) => void;
  private readonly keepAliveTimer: NodeJS.Timeout;
  private readonly detach: () => void;
  private readonly maxTxId;

  constructor(
    private readonly engine: Engine,
    private readonly limits: LiveLimits,
    options: LiveOptions = {},
  ) {
    this.retryMs = options.retryMs ?? 500;
    this.log = options.log ?? (() => undefined);
    this.maxTxId = engine.db.prepare<[string], number | null>('SELECT max(id) FROM transactions WHERE app_id = ?').pluck();
    this.detach = engine.onCommit((commit) => this.committed(commit));
    this.keepAliveTimer = setInterval(() => this.each((s) => s.conn.keepAlive()), options.keepAliveMs ?? 15_000);
    this.keepAliveTimer.unref();
  }

  /** Open subscriptions, of one app or of the server. */
  count(appId?: string): number {
    return appId === undefined ? this.total : (this.apps.get(appId)?.size ?? 0);
  }

  /**
   * Takes over `res`: opens the stream, sends `sse-init` and the query's first result (or its error). Throws
   * an InstantError, before anything is written, when a limit is reached.
   */
  subscribe(res: ServerResponse, spec: SubscribeSpec): void {
    this.checkLimits(spec.appId);
    const sessionId = randomUUID();
    const sub: Subscription = {
      sessionId,
      spec,
      key: JSON.stringify([spec.query, spec.inference, spec.requester]),
      conn: new SseConnection(res, this.limits.maxSubscriptionBufferBytes, () => this.remove(sub)),
    };
    this.add(sub);
    sub.conn.open(this.retryMs);
    sub.conn.send(sseInit(this.machineId, sessionId, randomUUID()));
    this.addQuery(sub);
  }

  /** Recomputes every subscription of the app (its permission rules changed). */
  refreshApp(appId: string): void {
    this.committed({ appId, changes: { attrIds: new Set(), attrsChanged: true } });
  }

  /** Ends every stream, forgets every subscription and stops listening to the engine. */
  close(): void {
    clearInterval(this.keepAliveTimer);
    this.detach();
    this.each((s) => {
      s.conn.drop();
      this.remove(s);
    });
    this.pending.clear();
  }

  private checkLimits(appId: string): void {
    const { maxSubscriptionsPerApp, maxSubscriptions } = this.limits;
    if (this.count(appId) < maxSubscriptionsPerApp && this.total < maxSubscriptions) return;
    const perApp = this.count(appId) >= maxSubscriptionsPerApp;
    const limit = perApp ? maxSubscriptionsPerApp : maxSubscriptions;
    throw new InstantError(
      'rate-limited',
      `Too many live queries: this ${perApp ? 'app' : 'server'} already has ${limit} open. Close some (sub.close()) or raise limits.${perApp ? 'maxSubscriptionsPerApp' : 'maxSubscriptions'}.`,
      { limit, scope: perApp ? 'app' : 'server' },
    );
  }

  private addQuery(sub: Subscription): void {
    const clientEventId = randomUUID();
    const { spec } = sub;
    const outcome = this.compute(spec);
    if ('error' in outcome) {
      const event = { op: 'add-query', 'session-id': sub.sessionId, 'client-event-id': clientEventId, q: spec.query, 'return-type': 'tree' };
      sub.conn.send(errorMessage(outcome.error, event));
      return;
    }
    sub.last = outcome.state;
    sub.read = this.readSet(spec);
    sub.conn.send(addQueryOk(spec.query, outcome.ev, this.lastTxId(spec.appId), clientEventId));
  }

  private compute(spec: SubscribeSpec): Outcome {
    const meta: ResultMeta = { 'page-info': {}, aggregate: {} };
    try {
      const result = this.engine.query(spec.appId, spec.query, {
        inference: spec.inference,
        requester: spec.requester,
        deadline: Deadline.after(this.limits.queryTimeoutMs),
        meta,
      });
      const ev = { result, meta };
      return { ev, state: evaluationText(ev) };
    } catch (error) {
      if (!(error instanceof InstantError)) this.log(`[instant-codegen] live query failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { error };
    }
  }

  private readSet(spec: SubscribeSpec): ReadSet {
    const policy = this.engine.policyFor(spec.appId);
    const everything = !spec.requester.admin && rulesMayReadElsewhere(policy);
    return readSetOf(coerceQuery(spec.query), this.engine.attrs(spec.appId), everything);
  }

  // ---- commits ----

  private committed(commit: Commit): void {
    if (commit.txId !== undefined) this.lastTxIds.set(commit.appId, commit.txId);
    if (!this.apps.has(commit.appId)) return;
    const write = this.pending.get(commit.appId) ?? { attrIds: new Set<string>(), attrsChanged: false };
    for (const id of commit.changes.attrIds) write.attrIds.add(id);
    write.attrsChanged ||= commit.changes.attrsChanged;
    this.pending.set(commit.appId, write);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const writes = [...this.pending];
    this.pending.clear();
    for (const [appId, write] of writes) this.refresh(appId, write);
  }

  private refresh(appId: string, write: PendingWrite): void {
    const subs = this.apps.get(appId);
    if (!subs) return;
    const attrs = this.engine.attrs(appId);
    const txId = this.lastTxId(appId);
    const outcomes = new Map<string, Outcome>();
    for (const sub of subs) {
      if (!sub.read || sub.conn.closed) continue;
      if (!write.attrsChanged && !touches(sub.read, write.attrIds, attrs)) continue;
      let outcome = outcomes.get(sub.key);
      if (!outcome) outcomes.set(sub.key, (outcome = this.compute(sub.spec)));
      if ('error' in outcome) {
        sub.conn.send(errorMessage(outcome.error, { op: 'refresh', 'session-id': sub.sessionId, 'processed-tx-id': txId }));
        sub.read = undefined;
        continue;
      }
      if (write.attrsChanged) sub.read = this.readSet(sub.spec);
      if (outcome.state === sub.last) continue;
      sub.last = outcome.state;
      sub.conn.sendText(refreshOkText(sub.spec.query, outcome.state, txId));
    }
  }

  private lastTxId(appId: string): number {
    let txId = this.lastTxIds.get(appId);
    if (txId === undefined) this.lastTxIds.set(appId, (txId = this.maxTxId.get(appId) ?? 0));
    return txId;
  }

  // ---- bookkeeping ----

  private add(sub: Subscription): void {
    let subs = this.apps.get(sub.spec.appId);
    if (!subs) this.apps.set(sub.spec.appId, (subs = new Set()));
    subs.add(sub);
    this.total++;
  }

  private remove(sub: Subscription): void {
    const subs = this.apps.get(sub.spec.appId);
    if (!subs?.delete(sub)) return;
    this.total--;
    if (!subs.size) this.apps.delete(sub.spec.appId);
  }

  private each(fn: (sub: Subscription) => void): void {
    for (const subs of [...this.apps.values()]) for (const sub of [...subs]) fn(sub);
  }
}

/** Rules with `ref(...)` read linked data, which can change without any write to the query's namespaces. */
function rulesMayReadElsewhere(policy: PermissionPolicy): boolean {
  if (policy === ALLOW_ALL) return false;
  if (policy instanceof RulesPolicy) return /\bref\s*\(/.test(JSON.stringify(policy.rules.doc));
  return true;
}
