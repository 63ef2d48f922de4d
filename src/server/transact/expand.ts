// Admin steps → tx-steps (admin/model.clj `to-tx-steps`). `id` keys in objects are ignored; update and
// merge write the `id` triple first; link/unlink write ref triples oriented forward, whichever label
// (forward or reverse) the step used; a lookup as the source of a link also writes the `id` triple so
// the entity exists afterwards.

import { validationError } from '../errors.js';
import { coerceUuid, isObject, isUuid, type Json, type JsonObject } from '../json.js';
import type { Attr, AttrIndex } from '../storage/attrs.js';
import { extractLookup } from './lookups.js';
import { linkTargets } from './missingAttrs.js';
import type { AdminStep } from './steps.js';
import { LookupRef, type Eid, type Mode, type TxStep } from './txSteps.js';

export function expandSteps(attrs: AttrIndex, steps: AdminStep[]): TxStep[] {
  return steps.flatMap((step) => expandStep(attrs, step));
}

function withoutId(obj: Json): JsonObject {
  const copy: JsonObject = isObject(obj) ? { ...obj } : {};
  delete copy.id;
  return copy;
}

function modeOf(opts: Json | undefined): Mode | undefined {
  if (!isObject(opts) || opts.upsert === undefined || opts.upsert === null) return undefined;
  return opts.upsert ? 'upsert' : 'update';
}

function expandStep(attrs: AttrIndex, step: AdminStep): TxStep[] {
  const [action, etypeArg, eidArg, objArg, opts] = step;
  switch (action) {
    case 'create':
      return objectTriples(attrs, etypeArg as string, eidArg, withoutId(objArg), 'add-triple', 'create');
    case 'update':
      return objectTriples(attrs, etypeArg as string, eidArg, withoutId(objArg), 'add-triple', modeOf(opts));
    case 'merge':
      return objectTriples(attrs, etypeArg as string, eidArg, withoutId(objArg), 'deep-merge-triple', modeOf(opts));
    case 'link':
    case 'unlink':
      return linkTriples(attrs, etypeArg as string, eidArg, withoutId(objArg), action);
    case 'delete':
      return [{ op: 'delete-entity', eid: extractLookup(attrs, etypeArg as string, eidArg), etype: etypeArg as string }];
    case 'ruleParams':
      return [
        {
          op: 'rule-params',
          eid: extractLookup(attrs, etypeArg as string, eidArg),
          etype: etypeArg as string,
          params: withoutId(objArg),
        },
      ];
    case 'add-attr':
      return [{ op: 'add-attr', attr: attrFromJson(etypeArg as JsonObject) }];
    case 'update-attr':
      return [{ op: 'update-attr', attr: attrPatchFromJson(etypeArg as JsonObject) }];
    case 'delete-attr':
      return [{ op: 'delete-attr', attrId: coerceUuid(etypeArg) ?? String(etypeArg) }];
  }
}

function attrId(attrs: AttrIndex, etype: string, label: string): string {
  // Missing attrs were created (or rejected) before expansion, so this only fails on a server bug.
  const attr = attrs.fwd(etype, label);
  if (!attr) throw new Error(`attr ${etype}.${label} should exist`);
  return attr.id;
}

/** `id` first so that an update through a lookup does not clobber the lookup attr. */
function objectTriples(
  attrs: AttrIndex,
  etype: string,
  eidArg: Json,
  obj: JsonObject,
  op: 'add-triple' | 'deep-merge-triple',
  mode: Mode | undefined,
): TxStep[] {
  const eid = extractLookup(attrs, etype, eidArg);
  const withMode = mode ? { mode } : {};
  const steps: TxStep[] = [{ op: 'add-triple', eid, attrId: attrId(attrs, etype, 'id'), value: eid, ...withMode }];
  for (const [label, value] of Object.entries(obj)) {
    steps.push({ op, eid, attrId: attrId(attrs, etype, label), value, ...withMode } as TxStep);
  }
  return steps;
}

function linkTriples(attrs: AttrIndex, etype: string, eidArg: Json, obj: JsonObject, action: 'link' | 'unlink'): TxStep[] {
  const source = extractLookup(attrs, etype, eidArg);
  const op = action === 'link' ? 'add-triple' : 'retract-triple';
  const steps: TxStep[] = [];
  if (source instanceof LookupRef) {
    steps.push({ op: 'add-triple', eid: source, attrId: attrId(attrs, etype, 'id'), value: source });
  }
  for (const [label, targets] of Object.entries(obj)) {
    const fwd = attrs.fwd(etype, label);
    const rev = attrs.rev(etype, label);
    const attr = fwd ?? rev;
    if (!attr) throw new Error(`link attr ${etype}.${label} should exist`);
    for (const target of linkTargets(targets)) {
      steps.push(fwd ? forwardRef(attrs, op, attr, source, target) : reverseRef(attrs, op, attr, source, target));
    }
  }
  return steps;
}

/** Forward label: the step's entity owns the ref triple and the link value is its target. */
function forwardRef(attrs: AttrIndex, op: 'add-triple' | 'retract-triple', attr: Attr, stepEntity: Eid, linkValue: Json): TxStep {
  return { op, eid: stepEntity, attrId: attr.id, value: extractLookup(attrs, attr.revEtype ?? attr.etype, linkValue) };
}

/** Reverse label: the link value owns the ref triple and points at the step's entity. */
function reverseRef(attrs: AttrIndex, op: 'add-triple' | 'retract-triple', attr: Attr, stepEntity: Eid, linkValue: Json): TxStep {
  return { op, eid: extractLookup(attrs, attr.etype, linkValue), attrId: attr.id, value: stepEntity };
}

const CARDINALITIES = new Set(['one', 'many']);

/** `add-attr` takes Instant's attr JSON (`forward-identity`, `value-type`, `unique?`, …). */
function attrFromJson(json: JsonObject): Attr {
  const fwd = Array.isArray(json['forward-identity']) ? json['forward-identity'] : [];
  const rev = Array.isArray(json['reverse-identity']) ? json['reverse-identity'] : undefined;
  const valueType = json['value-type'] === 'ref' ? 'ref' : 'blob';
  if (!isUuid(json.id) || typeof fwd[1] !== 'string' || typeof fwd[2] !== 'string') {
    throw validationError('tx-steps', json, [{ expected: 'attr?', in: [] }]);
  }
  const attr: Attr = {
    id: json.id.toLowerCase(),
    etype: fwd[1],
    label: fwd[2],
    valueType,
    cardinality: CARDINALITIES.has(json.cardinality as string) ? (json.cardinality as 'one' | 'many') : 'many',
    unique: json['unique?'] === true,
    indexed: json['index?'] === true,
    required: json['required?'] === true,
    catalog: 'user',
  };
  if (rev && typeof rev[1] === 'string' && typeof rev[2] === 'string') {
    attr.revEtype = rev[1];
    attr.revLabel = rev[2];
  }
  const checked = json['checked-data-type'];
  if (checked === 'string' || checked === 'number' || checked === 'boolean' || checked === 'date') attr.checkedType = checked;
  if (json['on-delete'] === 'cascade') attr.onDelete = 'cascade';
  if (json['on-delete-reverse'] === 'cascade') attr.onDeleteReverse = 'cascade';
  return attr;
}

function attrPatchFromJson(json: JsonObject): Partial<Attr> & { id: string } {
  if (!isUuid(json.id)) throw validationError('tx-steps', json, [{ expected: 'attr-update?', in: [] }]);
  const patch: Partial<Attr> & { id: string } = { id: json.id.toLowerCase() };
  if (typeof json['unique?'] === 'boolean') patch.unique = json['unique?'];
  if (typeof json['index?'] === 'boolean') patch.indexed = json['index?'];
  if (typeof json['required?'] === 'boolean') patch.required = json['required?'];
  if (json.cardinality === 'one' || json.cardinality === 'many') patch.cardinality = json.cardinality;
  // A rename (instant-cli push --rename) moves the identity; the attr id, and so its data, stay.
  const fwd = json['forward-identity'];
  if (Array.isArray(fwd) && typeof fwd[1] === 'string' && typeof fwd[2] === 'string') Object.assign(patch, { etype: fwd[1], label: fwd[2] });
  const rev = json['reverse-identity'];
  if (Array.isArray(rev) && typeof rev[1] === 'string' && typeof rev[2] === 'string') Object.assign(patch, { revEtype: rev[1], revLabel: rev[2] });
  if (json['on-delete'] === 'cascade') patch.onDelete = 'cascade';
  if (json['on-delete-reverse'] === 'cascade') patch.onDeleteReverse = 'cascade';
  const checked = json['checked-data-type'];
  if (checked === null) patch.checkedType = undefined;
  if (checked === 'string' || checked === 'number' || checked === 'boolean' || checked === 'date') patch.checkedType = checked;
  return patch;
}

/**
 * `tx/validate!`: a lookup on an `id` attr must carry a uuid ("Invalid lookup ..."), in entity (`in [i 1]`)
 * or value (`in [i 3]`) position.
 */
export function validateTxSteps(attrs: AttrIndex, steps: TxStep[]): void {
  steps.forEach((step, i) => {
    if (step.op !== 'add-triple' && step.op !== 'deep-merge-triple' && step.op !== 'retract-triple' && step.op !== 'delete-entity') {
      return;
    }
    checkIdLookup(attrs, step, step.eid, [i, 1]);
    if (step.op !== 'delete-entity' && step.value instanceof LookupRef) checkIdLookup(attrs, step, step.value, [i, 3]);
  });
}

function checkIdLookup(attrs: AttrIndex, step: TxStep, lookup: Eid, at: number[]): void {
  if (!(lookup instanceof LookupRef)) return;
  const attr = attrs.get(lookup.attrId);
  if (attr?.label !== 'id' || isUuid(lookup.value)) return;
  throw validationError('tx-steps', step, [
    {
      message: `Invalid lookup '${lookup.toString()}'. The lookup attribute is '${attr.etype}.${attr.label}', but the lookup value is not a valid UUID.`,
      in: at,
    },
  ]);
}
