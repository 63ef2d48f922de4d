// Checking a delivery (`Instant-Signature: t=<unix s>,kid=<key id>,v1=<hex Ed25519 signature of "t.body">`,
// webhook_sender.clj `sign-webhook`) with WebCrypto. Public keys come from the server's JWKS
// (`<apiURI>/.well-known/webhooks/jwks.json`) and are cached by server and kid for the life of the process.

import { InstantWebhookError } from './webhookErrors.js';

interface Jwk extends JsonWebKey {
  kid?: string;
}

const keyCache = new Map<string, Promise<CryptoKey>>();

export interface SignatureParts {
  t: string;
  kid: string;
  v1: string;
}

export function parseSignatureHeader(header: string): SignatureParts {
  const parts: Record<string, string> = {};
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) parts[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  const missing = ['t', 'kid', 'v1'].filter((k) => !parts[k]);
  if (missing.length || !/^\d+$/.test(parts['t']!) || !/^([0-9a-f]{2})+$/i.test(parts['v1']!)) {
    throw new InstantWebhookError(
      'malformed-signature',
      `Invalid Instant-Signature header${missing.length ? `: missing ${missing.join(', ')}` : ''}.`,
    );
  }
  return { t: parts['t']!, kid: parts['kid']!, v1: parts['v1']! };
}

/** A signature older (or further in the future) than `tolerance` seconds is stale: it may be a replay. */
export function checkTimestamp(t: string, receivedAt: Date, tolerance: number): void {
  const age = Math.floor(receivedAt.getTime() / 1000) - Number(t);
  if (Math.abs(age) > tolerance) {
    throw new InstantWebhookError(
      'stale',
      `Webhook signature is ${age > 0 ? `${age} s old` : `${-age} s in the future`}; the tolerance is ${tolerance} s.`,
    );
  }
}

export function publicKey(
  apiURI: string,
  kid: string,
  fetchImpl: typeof globalThis.fetch,
): Promise<CryptoKey> {
  const cacheKey = `${apiURI} ${kid}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = loadKey(apiURI, kid, fetchImpl);
    keyCache.set(cacheKey, key);
    // A failed lookup is not cached: the next delivery asks again.
    key.catch(() => keyCache.delete(cacheKey));
  }
  return key;
}

async function loadKey(apiURI: string, kid: string, fetchImpl: typeof globalThis.fetch): Promise<CryptoKey> {
  const url = `${apiURI}/.well-known/webhooks/jwks.json`;
  const res = await fetchImpl(url, { headers: { accept: 'application/json' } });
  if (!res.ok)
    throw new InstantWebhookError(
      'unknown-key',
      `Could not fetch the signing keys from ${url} (HTTP ${res.status}).`,
    );
  const jwks = (await res.json()) as { keys?: Jwk[] };
  const jwk = jwks.keys?.find((k) => k.kid === kid);
  if (!jwk)
    throw new InstantWebhookError(
      'unknown-key',
      `No signing key with kid ${kid} at ${url}: the delivery was not signed by this server.`,
    );
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519')
    throw new InstantWebhookError('unknown-key', `Signing key ${kid} is not an Ed25519 key.`);
  return globalThis.crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['verify']);
}

export async function verifySignature(key: CryptoKey, parts: SignatureParts, body: string): Promise<void> {
  const signature = new Uint8Array(parts.v1.length / 2);
  for (let i = 0; i < signature.length; i++)
    signature[i] = Number.parseInt(parts.v1.slice(i * 2, i * 2 + 2), 16);
  const message = new TextEncoder().encode(`${parts.t}.${body}`);
  if (!(await globalThis.crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message))) {
    throw new InstantWebhookError(
      'bad-signature',
      'Instant-Signature did not validate: the body or the signature was altered, or another key signed it.',
    );
  }
}
