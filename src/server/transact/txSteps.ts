// The internal transaction steps (Instant's `tx-steps`) that admin steps expand into.

import type { Attr } from '../storage/attrs.js';
import type { Json, JsonObject } from '../json.js';

/** A lookup ref `[attr-id, value]`: the entity whose unique attr holds the value. */
export class LookupRef {
  constructor(
    readonly attrId: string,
    readonly value: Json,
  ) {}

  key(): string {
    return `${this.attrId}\u0000${JSON.stringify(this.value)}`;
  }

  /** How Clojure prints it in messages: `[#uuid "…" "value"]`. */
  toString(): string {
    return `[#uuid "${this.attrId}" ${JSON.stringify(this.value)}]`;
  }
}

export type Eid = string | LookupRef;
export type Mode = 'create' | 'update' | 'upsert';

export type TxStep =
  | { op: 'add-attr'; attr: Attr }
  | { op: 'update-attr'; attr: Partial<Attr> & { id: string } }
  | { op: 'delete-attr'; attrId: string }
  | { op: 'add-triple'; eid: Eid; attrId: string; value: Json | LookupRef; mode?: Mode }
  | { op: 'deep-merge-triple'; eid: Eid; attrId: string; value: Json; mode?: Mode }
  | { op: 'retract-triple'; eid: Eid; attrId: string; value: Json | LookupRef }
  | { op: 'delete-entity'; eid: Eid; etype: string }
  | { op: 'rule-params'; eid: Eid; etype: string; params: JsonObject };

export type TxOp = TxStep['op'];

export function eidToString(eid: Eid): string {
  return typeof eid === 'string' ? eid : eid.toString();
}
