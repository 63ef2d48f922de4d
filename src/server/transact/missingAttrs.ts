// Attribute auto-creation before a transaction runs (admin/model.clj `create-missing-attrs`). Lookup
// attrs are collected first (unique + indexed; `<link>.id` creates a has-one unique ref), then the keys of
// create/update/merge objects (blob attrs) and link labels (ref attrs to a namespace named after the
// label, cardinality many). With `throw-on-missing-attrs?` the list is an error instead.

import { randomUUID } from 'node:crypto';
import { validationError } from '../errors.js';
import { isObject, type Json } from '../json.js';
import { blobAttr, type Attr, type AttrIndex } from '../storage/attrs.js';
import { isRefLookup, lookupPair, refLookupLabel, type LookupPair } from './lookups.js';
import type { AdminStep } from './steps.js';

const OBJ_ACTIONS = new Set(['link', 'unlink', 'create', 'update', 'merge']);
const UPDATE_ACTIONS = new Set(['create', 'update', 'merge']);
const REF_ACTIONS = new Set(['link', 'unlink']);
const LOOKUP_ACTIONS = new Set(['link', 'unlink', 'create', 'update', 'merge', 'delete']);

class Acc {
  readonly added: Attr[] = [];
  constructor(public attrs: AttrIndex) {}

  add(attr: Omit<Attr, 'id'>): void {
    const full: Attr = { ...attr, id: randomUUID() };
    this.added.push(full);
    this.attrs = this.attrs.with([full]);
  }
}


function refAttr(etype: string, label: string, props: Partial<Attr> = {}): Omit<Attr, 'id'> {
  return { ...blobAttr(etype, label), valueType: 'ref', cardinality: 'many', revEtype: label, revLabel: etype, ...props };
}

export interface MissingAttrsResult {
  attrs: AttrIndex;
  added: Attr[];
}

export function createMissingAttrs(attrs: AttrIndex, steps: AdminStep[], throwOnMissing: boolean): MissingAttrsResult {
  const acc = new Acc(attrs);
  for (const step of steps) addLookupAttrs(acc, step);
  for (const step of steps) if (OBJ_ACTIONS.has(step[0])) addObjAttrs(acc, step);
  if (throwOnMissing && acc.added.length) {
    throw validationError('steps', steps, [
      {
        message: 'Attributes are missing in your schema',
        hint: { attributes: acc.added.map((a) => `${a.etype}.${a.label}`) },
      },
    ]);
  }
  return { attrs: acc.attrs, added: acc.added };
}

function addLookupAttrs(acc: Acc, [action, etype, eid, obj]: AdminStep): void {
  if (!LOOKUP_ACTIONS.has(action) || typeof etype !== 'string') return;
  const pair = lookupPair(eid as Json);
  if (pair) addForLookup(acc, pair, etype);
  if (action !== 'link' || !isObject(obj)) return;
  for (const [label, targets] of Object.entries(obj)) {
    for (const target of linkTargets(targets)) {
      const targetPair = lookupPair(target);
      if (!targetPair) continue;
      addForRefLookup(acc, label, etype);
      addForLinkLookup(acc, targetPair, label, etype);
    }
  }
}

/** Link values: one eid, an array of eids, or (as in Clojure, which iterates maps) an object of pairs. */
export function linkTargets(v: Json): Json[] {
  if (Array.isArray(v)) return v;
  if (isObject(v)) return Object.entries(v).map(([k, x]) => [k, x]);
  return [v];
}

function addForRefLookup(acc: Acc, label: string, etype: string): void {
  if (acc.attrs.fwd(etype, label) || acc.attrs.rev(etype, label)) return;
  acc.add(refAttr(etype, label, { unique: true, indexed: true, cardinality: 'one' }));
}

function addForLookup(acc: Acc, pair: LookupPair, etype: string): void {
  if (isRefLookup(acc.attrs, etype, pair[0])) {
    addForRefLookup(acc, refLookupLabel(pair), etype);
    return;
  }
  if (!acc.attrs.fwd(etype, pair[0])) acc.add(blobAttr(etype, pair[0], { unique: true, indexed: true }));
}

function addForLinkLookup(acc: Acc, pair: LookupPair, linkLabel: string, etype: string): void {
  const fwd = acc.attrs.fwd(etype, linkLabel);
  const rev = acc.attrs.rev(etype, linkLabel);
  const linkEtype = fwd?.revEtype ?? rev?.etype ?? linkLabel;
  addForLookup(acc, pair, linkEtype);
}

function addObjAttrs(acc: Acc, [action, etype, , obj]: AdminStep): void {
  if (typeof etype !== 'string') return;
  if (!acc.attrs.fwd(etype, 'id')) acc.add(blobAttr(etype, 'id', { unique: true }));
  if (!isObject(obj)) return;
  for (const label of Object.keys(obj)) {
    const fwd = acc.attrs.fwd(etype, label);
    if (UPDATE_ACTIONS.has(action) && !fwd) {
      acc.add(blobAttr(etype, label, label === 'id' ? { unique: true } : {}));
    } else if (REF_ACTIONS.has(action) && !fwd && !acc.attrs.rev(etype, label)) {
      acc.add(refAttr(etype, label));
    }
  }
}
