// The server's Ed25519 signing key (webhook_jwt.clj, util/crypt.clj): it signs every delivery
// (`Instant-Signature`) and the JWT that lets a receiver fetch the payload. One key per data store, kept in
// the database beside the data it signs for; the private key never leaves this module (not logged, not
// served). The `kid` is a decimal uint32 like Tink's key ids, derived from the public key.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { Db } from '../storage/db.js';

export interface Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  alg: 'EdDSA';
  use: 'sig';
  kid: string;
  x: string;
}

const DDL = `CREATE TABLE IF NOT EXISTS webhook_signing_keys (
  kid         TEXT PRIMARY KEY,
  private_key TEXT NOT NULL,
  created_at  INTEGER NOT NULL
)`;

export class SigningKey {
  readonly kid: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  private constructor(privateKey: KeyObject) {
    this.privateKey = privateKey;
    this.publicKey = createPublicKey(privateKey);
    this.kid = String(createHash('sha256').update(this.rawPublic()).digest().readUInt32BE(0));
  }

  /** The stored key, or a new one stored now (the first time webhooks are used with this data). */
  static load(db: Db): SigningKey {
    db.exec(DDL);
    const row = db.prepare<[], { private_key: string }>('SELECT private_key FROM webhook_signing_keys ORDER BY created_at LIMIT 1').get();
    if (row) return new SigningKey(createPrivateKey(row.private_key));
    const key = new SigningKey(generateKeyPairSync('ed25519').privateKey);
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    db.prepare('INSERT INTO webhook_signing_keys (kid, private_key, created_at) VALUES (?, ?, ?)').run(key.kid, pem, Date.now());
    return key;
  }

  private rawPublic(): Buffer {
    // The JWK's `x` is the raw 32-byte public key (RFC 8037).
    return Buffer.from(this.publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  }

  /** `GET /.well-known/webhooks/jwks.json` (`crypt/ed25519-public-jwks`). */
  jwks(): { keys: Jwk[] } {
    return { keys: [{ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: this.kid, x: this.rawPublic().toString('base64url') }] };
  }

  sign(data: Buffer): Buffer {
    return sign(null, data, this.privateKey);
  }

  verify(data: Buffer, signature: Buffer): boolean {
    return verify(null, data, this.publicKey, signature);
  }
}
