// Required attrs are checked after all writes of a transaction (triple.clj `validate-required!`): every
// entity touched by the transaction that still has data in a namespace with required attrs must hold a
// non-null value for each of them (and its `id`). Deleting the whole entity is therefore fine, while
// retracting a required link or deleting the entity it points to is not.

import { InstantError } from '../errors.js';
import type { Attr } from '../storage/attrs.js';
import type { DataView } from './preprocess.js';

interface MissingRecord {
  entity_id: string;
  attr_id: string;
  etype: string;
  label: string;
  is_required: boolean;
}

export function validateRequired(view: DataView, touched: Iterable<string>): void {
  const candidates = new Map<string, { eid: string; etype: string }>();
  for (const key of touched) {
    const [eid, attrId] = key.split('\u0000');
    const etype = view.attrs.get(attrId)?.etype;
    if (etype === undefined || !view.attrs.ofEtype(etype).some((a) => a.required)) continue;
    candidates.set(`${eid}\u0000${etype}`, { eid, etype });
  }
  const missing: MissingRecord[] = [];
  for (const { eid, etype } of candidates.values()) missing.push(...missingFor(view, eid, etype));
  if (missing.length) throw requiredError(missing);
}

/**
 * The required attrs (and `id`) the entity has no non-null value for, unless it has no non-null value in
 * the namespace at all. Asked attr by attr, so that an entity with thousands of links costs no more than
 * any other (every transaction that touches it checks it).
 */
function missingFor(view: DataView, eid: string, etype: string): MissingRecord[] {
  const attrs = view.attrs.ofEtype(etype);
  const has = (a: Attr) => view.store.hasNonNull(view.appId, eid, a.id);
  const checked = attrs.filter((a) => a.required || a.label === 'id');
  const absent = checked.filter((a) => !has(a));
  if (absent.length === 0) return [];
  if (absent.length === checked.length && !attrs.some((a) => !checked.includes(a) && has(a))) return [];
  return absent.map((a) => ({ entity_id: eid, attr_id: a.id, etype, label: a.label, is_required: a.required }));
}

function requiredError(records: MissingRecord[]): InstantError {
  const groups = new Map<string, MissingRecord[]>();
  for (const r of records) {
    const key = `${r.etype}/${r.label}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const message = [...groups]
    .map(([name, rs]) =>
      rs.length === 1
        ? `Missing required attribute \`${name}\`: ${rs[0].entity_id}`
        : `Missing required attributes \`${name}\`: ${rs.map((r) => r.entity_id).join(', ')}`,
    )
    .join('. ');
  return new InstantError('validation-failed', message, { records });
}
