// The `url` of a `$files` row: a link to the blob, signed and expiring like Instant's S3 presigned URLs
// (storage/s3.clj `location-id-url`): signed at the start of the current UTC day and valid for 7 days
// from then, so the URL of a file stays the same all day (browsers can cache it). The signature is an
// HMAC-SHA256 of app, location and expiry under a per-data-file secret, so URLs survive a restart.

import { createHmac, timingSafeEqual } from 'node:crypto';

const DAY_MS = 24 * 60 * 60 * 1000;
export const URL_LIFETIME_MS = 7 * DAY_MS;
/** The route that serves blobs: `/storage/blobs/<appId>/<locationId>?expires=…&signature=…`. */
export const BLOB_ROUTE_PREFIX = '/storage/blobs/';

export type UrlCheck = 'ok' | 'expired' | 'forged';

export class UrlSigner {
  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  private signature(appId: string, locationId: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${appId}\n${locationId}\n${expires}`).digest('base64url');
  }

  /** Path and query of the blob's URL (the caller prefixes the server's origin). */
  sign(appId: string, locationId: string): string {
    const dayStart = Math.floor(this.now() / DAY_MS) * DAY_MS;
    const expires = Math.floor((dayStart + URL_LIFETIME_MS) / 1000);
    const signature = this.signature(appId, locationId, expires);
    return `${BLOB_ROUTE_PREFIX}${appId}/${encodeURIComponent(locationId)}?expires=${expires}&signature=${signature}`;
  }

  check(appId: string, locationId: string, expires: string | undefined, signature: string | undefined): UrlCheck {
    if (!expires || !signature || !/^\d{1,15}$/.test(expires)) return 'forged';
    const expected = Buffer.from(this.signature(appId, locationId, Number(expires)));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
    return Number(expires) * 1000 <= this.now() ? 'expired' : 'ok';
  }
}
