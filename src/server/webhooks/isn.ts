// Instant's ISN ("instant sequence number", server/src/instant/isn.clj): `<slot hex>/<lsn hi hex>/<lsn lo hex>`,
// 12 bytes when hashed (int32 slot, int64 lsn). Locally the slot is 0 and the LSN is the transaction id, so
// events sort like Instant's and the idempotency keys are computed the same way (model/webhook.clj).

import { createHash } from 'node:crypto';

export function isnOfTx(txId: number): string {
  const lsn = BigInt(txId);
  const hi = (lsn >> 32n).toString(16).toUpperCase();
  const lo = (lsn & 0xffffffffn).toString(16).toUpperCase();
  return `0/${hi}/${lo}`;
}

/** The transaction id of an ISN this server issued, or undefined for anything else (`isn/of-string` failing). */
export function txOfIsn(isn: string): number | undefined {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(isn);
  if (!match) return undefined;
  const lsn = (BigInt(`0x${match[2]}`) << 32n) | BigInt(`0x${match[3]}`);
  // Only slot 0 exists locally.
  return Number.parseInt(match[1]!, 16) === 0 ? Number(lsn) : undefined;
}

function isnBytes(isn: string): Buffer {
  const buf = Buffer.alloc(12);
  buf.writeInt32BE(0, 0);
  buf.writeBigInt64BE(BigInt(txOfIsn(isn) ?? 0), 4);
  return buf;
}

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** The first 128 bits of a sha-256, as a uuid (`uuid-util/<-bytes` reads two longs). */
function uuidOfDigest(digest: Buffer): string {
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `payload-idempotency-key`: one per (webhook, transaction); a resend carries the same key. */
export function payloadIdempotencyKey(webhookId: string, isn: string): string {
  return uuidOfDigest(createHash('sha256').update(uuidBytes(webhookId)).update(isnBytes(isn)).digest());
}

/** `record-idempotency-key`: one per (namespace, action, entity, transaction). */
export function recordIdempotencyKey(namespace: string, action: string, id: string, isn: string): string {
  return uuidOfDigest(
    createHash('sha256').update(namespace, 'utf8').update(action, 'utf8').update(uuidBytes(id)).update(isnBytes(isn)).digest(),
  );
}
