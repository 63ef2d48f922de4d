// Work done against the state *before* the transaction writes anything (transaction.clj
// `preprocess-tx-steps` and `validate-mode`): deletes through lookups are resolved (unresolvable ones are
// dropped), cascading deletes are expanded, and create/update modes are checked.

import { validationError } from '../errors.js';
import { encode } from '../json.js';
import type { AttrIndex } from '../storage/attrs.js';
import type { TripleStore } from '../storage/triples.js';
import { assertLookupStorable } from './nullChars.js';
import { LookupRef, eidToString, type TxStep } from './txSteps.js';

export interface DataView {
  store: TripleStore;
  appId: string;
  attrs: AttrIndex;
}

export function resolveLookup(view: DataView, lookup: LookupRef): string | undefined {
  return view.store.withValue(view.appId, lookup.attrId, encode(lookup.value))[0]?.entity_id;
}

/** An entity exists in a namespace when it has any triple of that namespace. */
export function existsInEtype(view: DataView, eid: string, etype: string): boolean {
  return view.store.ofEntity(view.appId, eid).some((t) => view.attrs.get(t.attr_id)?.etype === etype);
}

export function resolveDeleteLookups(view: DataView, steps: TxStep[]): TxStep[] {
  const out: TxStep[] = [];
  for (const step of steps) {
    if ((step.op === 'delete-entity' || step.op === 'rule-params') && step.eid instanceof LookupRef) {
      if (step.op === 'delete-entity') assertLookupStorable(step.eid);
      const eid = resolveLookup(view, step.eid);
      if (eid) out.push({ ...step, eid });
      else if (step.op === 'rule-params') out.push(step);
      continue;
    }
    out.push(step);
  }
  return out;
}

/**
 * `expand-delete-entity-cascade`: deleting X also deletes every entity linked to X through an attr with
 * `on-delete cascade` (X is the link's target) or `on-delete-reverse cascade` (X owns the link), recursively.
 * Cascaded deletes inherit the ruleParams the transaction gave the entity whose delete started them.
 */
export function expandCascades(view: DataView, steps: TxStep[]): TxStep[] {
  const roots = steps.filter(
    (s): s is Extract<TxStep, { op: 'delete-entity' }> => s.op === 'delete-entity' && typeof s.eid === 'string',
  );
  if (roots.length === 0) return steps;
  const seen = new Set(roots.map((s) => `${s.eid}\u0000${s.etype}`));
  const queue = roots.map((s) => ({ eid: s.eid as string, etype: s.etype, root: s.eid as string }));
  const cascaded: TxStep[] = [];
  const inherited: TxStep[] = [];
  const rootParams = new Map(steps.flatMap((s) => (s.op === 'rule-params' && typeof s.eid === 'string' ? [[s.eid, s.params] as const] : [])));
  // An index, not shift(): shifting a long array is linear, and cascades can reach many entities.
  for (let k = 0; k < queue.length; k++) {
    const { eid, etype, root } = queue[k];
    for (const next of cascadeTargets(view, eid, etype)) {
      const key = `${next.eid}\u0000${next.etype}`;
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push({ ...next, root });
      cascaded.push({ op: 'delete-entity', eid: next.eid, etype: next.etype });
      const params = rootParams.get(root);
      if (params) inherited.push({ op: 'rule-params', eid: next.eid, etype: next.etype, params });
    }
  }
  return [...steps, ...cascaded, ...inherited];
}

function cascadeTargets(view: DataView, eid: string, etype: string): { eid: string; etype: string }[] {
  const out: { eid: string; etype: string }[] = [];
  for (const attr of view.attrs.all) {
    if (attr.valueType !== 'ref') continue;
    if (attr.onDelete === 'cascade' && attr.revEtype === etype) {
      for (const t of view.store.withValue(view.appId, attr.id, encode(eid))) out.push({ eid: t.entity_id, etype: attr.etype });
    }
    if (attr.onDeleteReverse === 'cascade' && attr.etype === etype && attr.revEtype) {
      for (const t of view.store.values(view.appId, eid, attr.id)) {
        const target = JSON.parse(t.value) as unknown;
        if (typeof target === 'string') out.push({ eid: target, etype: attr.revEtype });
      }
    }
  }
  return out;
}

/** `validate-mode`: `create` must not find the entity, `update` (upsert: false) must. */
export function validateModes(view: DataView, steps: TxStep[]): void {
  const moded = steps.filter(
    (s): s is Extract<TxStep, { op: 'add-triple' | 'deep-merge-triple' }> =>
      (s.op === 'add-triple' || s.op === 'deep-merge-triple') && (s.mode === 'create' || s.mode === 'update'),
  );
  if (moded.length === 0) return;
  const exists = (s: (typeof moded)[number]): boolean => {
    if (s.eid instanceof LookupRef) {
      assertLookupStorable(s.eid);
      return resolveLookup(view, s.eid) !== undefined;
    }
    const etype = view.attrs.get(s.attrId)?.etype;
    return etype !== undefined && existsInEtype(view, s.eid, etype);
  };
  const existing = moded.filter((s) => s.mode === 'create' && exists(s));
  if (existing.length) {
    throw validationError('tx-step', existing.map(describe), [
      { message: `Creating entities that exist: ${existing.map((s) => eidToString(s.eid)).join(', ')}` },
    ]);
  }
  const missing = moded.filter((s) => s.mode === 'update' && !exists(s));
  if (missing.length) {
    throw validationError('tx-step', missing.map(describe), [
      { message: `Updating entities that don't exist: ${missing.map((s) => eidToString(s.eid)).join(', ')}` },
    ]);
  }
}

function describe(s: Extract<TxStep, { op: 'add-triple' | 'deep-merge-triple' }>): Record<string, unknown> {
  return {
    op: s.op,
    eid: s.eid instanceof LookupRef ? [s.eid.attrId, s.eid.value] : s.eid,
    aid: s.attrId,
    value: s.value instanceof LookupRef ? [s.value.attrId, s.value.value] : s.value,
    opts: { mode: s.mode },
  };
}
