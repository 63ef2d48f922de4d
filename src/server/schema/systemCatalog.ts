// The system namespaces the local server needs (a subset of Instant's system_catalog.clj): `$users`,
// `$files` and the two namespaces auth stores its secrets in. They live in the triple store like any other data, so
// users created by auth are queryable as `{ $users: {} }` and linkable from user namespaces.

import { blobAttr, type AttrSpec } from '../storage/attrs.js';

function attr(etype: string, label: string, props: Partial<AttrSpec> = {}): AttrSpec {
  return blobAttr(etype, label, { catalog: 'system', ...props });
}

export const SYSTEM_ATTRS: readonly AttrSpec[] = [
  attr('$users', 'id', { unique: true, indexed: true }),
  attr('$users', 'email', { unique: true, indexed: true, checkedType: 'string' }),
  attr('$users', 'type', { checkedType: 'string' }),
  attr('$users', 'imageURL', { checkedType: 'string' }),
  // A guest linked to the user it was upgraded into; deleting the primary user deletes its guests.
  attr('$users', 'linkedPrimaryUser', {
    valueType: 'ref',
    revEtype: '$users',
    revLabel: 'linkedGuestUsers',
    onDelete: 'cascade',
  }),
  attr('$magicCodes', 'id', { unique: true, indexed: true }),
  attr('$magicCodes', 'codeHash', { indexed: true, checkedType: 'string' }),
  attr('$magicCodes', 'email', { indexed: true, checkedType: 'string' }),
  attr('$userRefreshTokens', 'id', { unique: true, indexed: true }),
  attr('$userRefreshTokens', 'hashedToken', { unique: true, indexed: true, checkedType: 'string' }),
  // Deleting a user deletes its refresh tokens.
  attr('$userRefreshTokens', '$user', {
    valueType: 'ref',
    revEtype: '$users',
    revLabel: '$userRefreshTokens',
    indexed: true,
    onDelete: 'cascade',
  }),
  // $files (system_catalog.clj `$files-attrs`): `url` is computed when a query reads it, never stored;
  // `location-id` names the blob and is hidden from results unless asked for.
  attr('$files', 'id', { unique: true, indexed: true }),
  attr('$files', 'path', { unique: true, indexed: true, checkedType: 'string' }),
  attr('$files', 'size', { indexed: true, checkedType: 'number' }),
  attr('$files', 'content-type', { indexed: true, checkedType: 'string' }),
  attr('$files', 'content-disposition', { indexed: true, checkedType: 'string' }),
  attr('$files', 'location-id', { unique: true, indexed: true, checkedType: 'string' }),
  attr('$files', 'key-version', { checkedType: 'number' }),
  attr('$files', 'url', { checkedType: 'string' }),
];

/** System attrs a user's schema may not redefine (it may add its own attrs to `$users`). */
export function isSystemAttr(etype: string, label: string): boolean {
  return SYSTEM_ATTRS.some((a) => a.etype === etype && a.label === label);
}
