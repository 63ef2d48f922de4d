// `$users` and refresh tokens, stored as ordinary entities (model/app_user.clj,
// model/app_user_refresh_token.clj). Refresh tokens are random v4 uuids of which only a sha256 is kept.

import { randomUUID } from 'node:crypto';
import { sha256 } from '../../util/hash.js';
import { validationError } from '../errors.js';
import { decode, encode, setKey, type Json, type JsonObject } from '../json.js';
import { formatInstantDate } from '../dates.js';
import type { AttrIndex } from '../storage/attrs.js';
import type { Engine } from '../engine.js';
import type { TxStep } from '../transact/txSteps.js';

export type User = JsonObject;

/** `hash-token`: sha256 over the token's 16 uuid bytes, hex encoded. */
export function hashToken(token: string): string {
  return sha256(Buffer.from(token.replace(/-/g, ''), 'hex'));
}

function attrId(attrs: AttrIndex, etype: string, label: string): string {
  const attr = attrs.fwd(etype, label);
  if (!attr) throw new Error(`system attr ${etype}.${label} is missing`);
  return attr.id;
}

export class Users {
  constructor(private readonly engine: Engine) {}

  /** The user in Instant's "db format": triples by label plus app_id, created_at and isGuest. */
  get(appId: string, id: string): User | null {
    const attrs = this.engine.attrs(appId);
    const triples = this.engine.triples
      .ofEntity(appId, id)
      .filter((t) => attrs.get(t.attr_id)?.etype === '$users');
    if (!triples.length) return null;
    const user: User = { app_id: appId };
    for (const t of triples) {
      const label = attrs.get(t.attr_id)!.label;
      setKey(user, label, decode(t.value));
      if (label === 'id') user.created_at = formatInstantDate(t.created_at);
    }
    user.isGuest = user.type === 'guest';
    return user;
  }

  byEmail(appId: string, email: string): User | null {
    const attrs = this.engine.attrs(appId);
    const row = this.engine.triples.withValue(appId, attrId(attrs, '$users', 'email'), encode(email))[0];
    return row ? this.get(appId, row.entity_id) : null;
  }

  byRefreshToken(appId: string, token: string): User | null {
    const tokenId = this.tokenEntity(appId, token);
    if (!tokenId) return null;
    const attrs = this.engine.attrs(appId);
    const owner = this.engine.triples.values(appId, tokenId, attrId(attrs, '$userRefreshTokens', '$user'))[0];
    return owner ? this.get(appId, decode(owner.value) as string) : null;
  }

  private tokenEntity(appId: string, token: string): string | undefined {
    const attrs = this.engine.attrs(appId);
    const hashed = attrId(attrs, '$userRefreshTokens', 'hashedToken');
    return this.engine.triples.withValue(appId, hashed, encode(hashToken(token)))[0]?.entity_id;
  }

  /** `validate-extra-fields!`: keys must be custom `$users` attrs. */
  validateExtraFields(appId: string, extraFields: unknown): void {
    if (!extraFields || typeof extraFields !== 'object') return;
    const attrs = this.engine.attrs(appId);
    for (const key of Object.keys(extraFields)) {
      const attr = attrs.fwd('$users', key);
      if (!attr) {
        throw validationError('extra-fields', extraFields, [
          { message: `Unknown field: ${key}. It must be defined in your $users schema.` },
        ]);
      }
      if (attr.catalog === 'system') {
        throw validationError('extra-fields', extraFields, [{ message: `Cannot set system field: ${key}` }]);
      }
    }
  }

  /** `app-user/create!`: `email` is written whenever given (even null), `type` and extra fields when set. */
  create(
    appId: string,
    params: { id?: string; email?: string | null; type?: string; extraFields?: Record<string, Json> },
  ): User {
    const id = params.id ?? randomUUID();
    this.engine.transactSteps(appId, (attrs) => {
      const set = (label: string, value: Json): TxStep => ({
        op: 'add-triple',
        eid: id,
        attrId: attrId(attrs, '$users', label),
        value,
      });
      const steps: TxStep[] = [set('id', id)];
      if ('email' in params) steps.push(set('email', params.email ?? null));
      if (params.type !== undefined) steps.push(set('type', params.type));
      for (const [k, v] of Object.entries(params.extraFields ?? {})) steps.push(set(k, v));
      return steps;
    });
    return this.get(appId, id)!;
  }

  /** Deletes the user (cascading to its refresh tokens and linked guests); returns what was deleted. */
  delete(appId: string, id: string): User | null {
    const user = this.get(appId, id);
    if (!user) return null;
    this.engine.transactSteps(appId, () => [{ op: 'delete-entity', eid: id, etype: '$users' }]);
    return user;
  }

  /** Links a guest to the user it signed in as (`linkedPrimaryUser`). */
  linkGuest(appId: string, guestId: string, primaryId: string): void {
    this.engine.transactSteps(appId, (attrs) => [
      { op: 'add-triple', eid: guestId, attrId: attrId(attrs, '$users', 'linkedPrimaryUser'), value: primaryId },
    ]);
  }

  createRefreshToken(appId: string, userId: string): string {
    const token = randomUUID();
    const entity = randomUUID();
    this.engine.transactSteps(appId, (attrs) => {
      const set = (label: string, value: Json): TxStep => ({
        op: 'add-triple',
        eid: entity,
        attrId: attrId(attrs, '$userRefreshTokens', label),
        value,
      });
      return [set('id', entity), set('hashedToken', hashToken(token)), set('$user', userId)];
    });
    return token;
  }

  deleteRefreshTokensOf(appId: string, userId: string): void {
    const attrs = this.engine.attrs(appId);
    const owner = attrId(attrs, '$userRefreshTokens', '$user');
    const ids = this.engine.triples.withValue(appId, owner, encode(userId)).map((t) => t.entity_id);
    if (ids.length) {
      this.engine.transactSteps(appId, () => ids.map((eid): TxStep => ({ op: 'delete-entity', eid, etype: '$userRefreshTokens' })));
    }
  }

  deleteRefreshToken(appId: string, token: string): void {
    const eid = this.tokenEntity(appId, token);
    if (eid) this.engine.transactSteps(appId, () => [{ op: 'delete-entity', eid, etype: '$userRefreshTokens' }]);
  }
}
