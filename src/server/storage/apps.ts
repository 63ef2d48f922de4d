// Apps and their admin tokens. Only a sha256 of each token is stored; checks compare in constant time.

import { timingSafeEqual } from 'node:crypto';
import { sha256 } from '../../util/hash.js';
import type { Db } from './db.js';

export class AppStore {
  private readonly selectOne;
  private readonly insertStmt;
  private readonly updateToken;
  private readonly selectByHash;

  constructor(db: Db) {
    this.selectOne = db.prepare<[string], { id: string; admin_token_hash: string }>(
      'SELECT id, admin_token_hash FROM apps WHERE id = ?',
    );
    this.insertStmt = db.prepare('INSERT INTO apps (id, admin_token_hash, created_at) VALUES (?, ?, ?)');
    this.updateToken = db.prepare('UPDATE apps SET admin_token_hash = ? WHERE id = ?');
    this.selectByHash = db.prepare<[string], { id: string }>('SELECT id FROM apps WHERE admin_token_hash = ?');
  }

  exists(appId: string): boolean {
    return this.selectOne.get(appId) !== undefined;
  }

  /** Creates the app, or sets its admin token when it already exists. */
  upsert(appId: string, adminToken: string): void {
    const hash = sha256(adminToken);
    if (this.exists(appId)) this.updateToken.run(hash, appId);
    else this.insertStmt.run(appId, hash, Date.now());
  }

  tokenMatches(appId: string, adminToken: string): boolean {
    const row = this.selectOne.get(appId);
    if (!row) return false;
    const expected = Buffer.from(row.admin_token_hash, 'hex');
    const actual = Buffer.from(sha256(adminToken), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  /** The app an admin token belongs to (Instant's `app-model/get-by-admin-token`); looked up by its sha256. */
  appOfToken(adminToken: string): string | undefined {
    return this.selectByHash.get(sha256(adminToken))?.id;
  }
}
