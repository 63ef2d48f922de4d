// Magic codes (model/app_user_magic_code.clj): six digits drawn from 0-8 (Instant's `rand-num-str` uses
// `(range 0 9)`), stored as a sha256 in `$magicCodes`, several valid at once, single-use, and expiring
// after the app's expiry (24 hours by default).

import { randomInt, randomUUID } from 'node:crypto';
import { sha256 } from '../../util/hash.js';
import { recordExpired, recordNotFound } from '../errors.js';
import { decode, encode } from '../json.js';
import type { AttrIndex } from '../storage/attrs.js';
import type { Engine } from '../engine.js';
import type { TxStep } from '../transact/txSteps.js';

export const DEFAULT_MAGIC_CODE_EXPIRY_MINUTES = 24 * 60;

function randomCode(): string {
  return Array.from({ length: 6 }, () => String(randomInt(0, 9))).join('');
}

function attrId(attrs: AttrIndex, label: string): string {
  const attr = attrs.fwd('$magicCodes', label);
  if (!attr) throw new Error(`system attr $magicCodes.${label} is missing`);
  return attr.id;
}

export class MagicCodes {
  constructor(
    private readonly engine: Engine,
    readonly expiryMinutes: number = DEFAULT_MAGIC_CODE_EXPIRY_MINUTES,
  ) {}

  create(appId: string, email: string): string {
    const code = randomCode();
    const id = randomUUID();
    this.engine.transactSteps(appId, (attrs): TxStep[] => [
      { op: 'add-triple', eid: id, attrId: attrId(attrs, 'id'), value: id },
      { op: 'add-triple', eid: id, attrId: attrId(attrs, 'codeHash'), value: sha256(code) },
      { op: 'add-triple', eid: id, attrId: attrId(attrs, 'email'), value: email },
    ]);
    return code;
  }

  /**
   * `consume!`: a matching code is deleted; a missing one is `record-not-found`, an expired one
   * `record-expired` (that failure rolls back in Instant too, so the expired code stays, unusable).
   */
  consume(appId: string, email: string, code: string, now: number = Date.now()): void {
    const attrs = this.engine.attrs(appId);
    const args = { args: [{ email, code, 'app-id': appId }] };
    const emailAttr = attrId(attrs, 'email');
    const match = this.engine.triples
      .withValue(appId, attrId(attrs, 'codeHash'), encode(sha256(code)))
      .map((t) => t.entity_id)
      .find((eid) => this.engine.triples.values(appId, eid, emailAttr).some((t) => decode(t.value) === email));
    if (!match) throw recordNotFound('app-user-magic-code', args);
    const created = this.engine.triples.values(appId, match, attrId(attrs, 'id'))[0]?.created_at ?? 0;
    if (created + this.expiryMinutes * 60_000 < now) throw recordExpired('app-user-magic-code', args);
    this.engine.transactSteps(appId, (): TxStep[] => [{ op: 'delete-entity', eid: match, etype: '$magicCodes' }]);
  }
}
