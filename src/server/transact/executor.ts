// Runs tx-steps atomically (transaction.clj `transact!`). The caller wraps this in one SQLite transaction.
//
// Ordering quirk kept on purpose (semantics §3.3): steps are grouped by op, and groups run in the order
// in which each op first appears. So `[delete X, update X]` leaves X alive and `[update X, delete X]`
// deletes it.

import type { Attr, AttrIndex, AttrStore } from '../storage/attrs.js';
import { InstantError } from '../errors.js';
import type { TripleStore } from '../storage/triples.js';
import { ALLOW_ALL, type PermissionPolicy, type Requester } from '../permissions.js';
import { assertNamesStorable, assertStepsStorable } from './nullChars.js';
import { expandCascades, resolveDeleteLookups, validateModes, type DataView } from './preprocess.js';
import { validateRequired } from './required.js';
import { LookupRef, type TxOp, type TxStep } from './txSteps.js';
import { GroupWriter } from './writes.js';
import { sortsDifferently } from '../storage/sortValue.js';

export interface ExecuteOptions {
  store: TripleStore;
  attrStore: AttrStore;
  appId: string;
  /** Attrs including those the transaction adds (Instant's "optimistic attrs"). */
  attrs: AttrIndex;
  requester?: Requester;
  policy?: PermissionPolicy;
  now?: number;
}

export interface TxResult {
  txId: number;
  createdAt: number;
  /** What the transaction wrote, for live queries (which subscriptions can have changed). */
  changes: TxChanges;
}

export interface TxChanges {
  /** Every attr with a triple written or removed, plus every attr a step names (a superset is harmless). */
  attrIds: ReadonlySet<string>;
  /** Attrs were added, updated or deleted: queries may resolve differently, whatever they read. */
  attrsChanged: boolean;
}

export function executeTxSteps(opts: ExecuteOptions, steps: TxStep[]): TxResult {
  const view: DataView = { store: opts.store, appId: opts.appId, attrs: opts.attrs };
  const order = distinctOps(steps);
  const prepared = expandCascades(view, resolveDeleteLookups(view, steps));
  const grouped = groupByOp(prepared);
  // Permissions (non-admin): update/delete/link checks before writing, create checks after.
  const permissions = opts.requester && !opts.requester.admin ? (opts.policy ?? ALLOW_ALL).checkTransaction(opts.requester, view, prepared) : undefined;
  validateModes(view, order.flatMap((op) => grouped.get(op) ?? []));
  const tx = opts.store.beginTransaction(opts.appId, opts.now);
  const writer = new GroupWriter(view, tx.createdAt);
  for (const op of order) {
    const group = grouped.get(op) ?? [];
    assertNamesStorable(group);
    assertStepsStorable(group);
    runGroup(opts, view, writer, op, group);
  }
  validateRequired(view, writer.touched);
  permissions?.afterWrite();
  return { txId: tx.id, createdAt: tx.createdAt, changes: changesOf([...steps, ...prepared], writer.touched) };
}

/** `touched` holds `entity\0attr` keys (writes.ts); steps add the attrs they name, lookups included. */
function changesOf(steps: TxStep[], touched: ReadonlySet<string>): TxChanges {
  const attrIds = new Set<string>();
  for (const key of touched) attrIds.add(key.slice(key.indexOf('\u0000') + 1));
  let attrsChanged = false;
  for (const step of steps) {
    if (step.op === 'add-attr' || step.op === 'update-attr' || step.op === 'delete-attr') attrsChanged = true;
    if ('attrId' in step) attrIds.add(step.attrId);
    if ('eid' in step && step.eid instanceof LookupRef) attrIds.add(step.eid.attrId);
    if ('value' in step && step.value instanceof LookupRef) attrIds.add(step.value.attrId);
  }
  return { attrIds, attrsChanged };
}

/** Two attrs can't share a forward identity (Instant's `app_ident_uq`). */
function addAttr(opts: ExecuteOptions, view: DataView, attr: Attr, writer: GroupWriter): void {
  const clash = opts.attrStore.load(opts.appId).fwd(attr.etype, attr.label);
  if (clash) {
    throw new InstantError('record-not-unique', `\`${attr.label}\` already exists on \`${attr.etype}\``, {
      'record-type': 'ident',
      etype: attr.etype,
      label: attr.label,
    });
  }
  opts.attrStore.insert(opts.appId, attr);
  // A new indexed data attr gives existing entities of its namespace an explicit null.
  const idAttr = view.attrs.idAttr(attr.etype);
  if (attr.indexed && attr.valueType === 'blob' && idAttr && attr.label !== 'id') {
    opts.store.fillNulls(opts.appId, idAttr.id, attr.id, writer.now);
  }
}

function distinctOps(steps: TxStep[]): TxOp[] {
  return [...new Set(steps.map((s) => s.op))];
}

function groupByOp(steps: TxStep[]): Map<TxOp, TxStep[]> {
  const groups = new Map<TxOp, TxStep[]>();
  for (const step of steps) {
    const group = groups.get(step.op);
    if (group) group.push(step);
    else groups.set(step.op, [step]);
  }
  return groups;
}

function runGroup(opts: ExecuteOptions, view: DataView, writer: GroupWriter, op: TxOp, steps: TxStep[]): void {
  const of = <K extends TxOp>(k: K) => steps.filter((s): s is Extract<TxStep, { op: K }> => s.op === k);
  switch (op) {
    case 'add-attr':
      for (const s of of('add-attr')) addAttr(opts, view, s.attr, writer);
      return;
    case 'update-attr':
      for (const s of of('update-attr')) {
        const current = view.attrs.get(s.attr.id);
        if (!current) continue;
        const next = { ...current, ...s.attr };
        opts.attrStore.update(opts.appId, next);
        if (sortsDifferently(current, next)) opts.store.resort(opts.appId, next);
      }
      return;
    case 'delete-attr':
      for (const s of of('delete-attr')) {
        opts.store.deleteAllOfAttr(opts.appId, s.attrId);
        opts.attrStore.delete(opts.appId, s.attrId);
      }
      return;
    case 'delete-entity':
      return writer.deleteEntities(of('delete-entity'));
    case 'add-triple':
      return writer.addTriples(of('add-triple'));
    case 'deep-merge-triple':
      return writer.mergeTriples(of('deep-merge-triple'));
    case 'retract-triple':
      return writer.retractTriples(of('retract-triple'));
    case 'rule-params':
      // Only read by permission checks.
      return;
  }
}
