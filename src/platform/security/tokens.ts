import { createHash, randomBytes } from 'node:crypto';

/** A random token for cookies and API bearer tokens: 256 bits, base64url. */
export function randomToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Tokens are looked up by their SHA-256; the token itself is never stored. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
