import { createHash } from 'node:crypto';

/** Hex sha256 of a string (as UTF-8) or of bytes. */
export function sha256(input: string | Buffer): string {
  return createHash('sha256').update(input).digest('hex');
}
