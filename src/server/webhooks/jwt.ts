// The payload JWT (webhook_jwt.clj `webhook-payload-jwt`): EdDSA, signed with the webhook signing key, valid
// for an hour, bound to one (app, webhook, isn). The payload route accepts it in place of an admin token.

import { validationError } from '../errors.js';
import type { SigningKey } from './keys.js';

export interface PayloadClaims {
  appId: string;
  webhookId: string;
  isn: string;
}

const LIFETIME_SECONDS = 3600;

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signPayloadJwt(key: SigningKey, issuer: string, claims: PayloadClaims, nowMs: number): string {
  const header = b64({ kid: key.kid, typ: 'JWT', alg: 'EdDSA' });
  const body = b64({
    iss: issuer,
    sub: claims.appId,
    exp: Math.floor(nowMs / 1000) + LIFETIME_SECONDS,
    'app-id': claims.appId,
    'webhook-id': claims.webhookId,
    isn: claims.isn,
  });
  const signature = key.sign(Buffer.from(`${header}.${body}`)).toString('base64url');
  return `${header}.${body}.${signature}`;
}

/** Instant answers every bad token the same way, without echoing it. */
function invalid(message = 'Invalid JWT.') {
  return validationError('jwt', '<redacted token>', [{ message }]);
}

/** `verify-webhook-payload-jwt`: our signature, not expired, and claims equal to the request's. */
export function verifyPayloadJwt(key: SigningKey, issuer: string, token: string, expected: PayloadClaims, nowMs: number): void {
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid();
  const [header, body, signature] = parts as [string, string, string];
  if (!key.verify(Buffer.from(`${header}.${body}`), Buffer.from(signature, 'base64url'))) throw invalid();
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof claims.exp !== 'number') throw invalid('JWT missing required claims: [exp]');
  if (claims.exp * 1000 <= nowMs) throw invalid('Expired JWT');
  const mismatch =
    claims.iss !== issuer ||
    claims.sub !== expected.appId ||
    claims['app-id'] !== expected.appId ||
    claims['webhook-id'] !== expected.webhookId ||
    claims.isn !== expected.isn;
  if (mismatch) throw invalid('JWT claims do not match the requested payload');
}
