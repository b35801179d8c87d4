import { createHash } from 'node:crypto';

// A fixed namespace for Mimamori's LINE retry keys (generated once; never change it, or
// in-flight retries would get new keys and could be delivered twice).
const NAMESPACE = '6f1d3c1e-8a57-4d0b-9a43-52b1f6f0c2a9';

/**
 * LINE wants X-Line-Retry-Key to be a UUID; ours are derived from outbound_messages.retry_key
 * (RFC 4122 version 5: SHA-1 of namespace + name), so a retried job sends the same key and
 * LINE refuses a second delivery with 409.
 * @example lineRetryUuid('line:prompt:…') // '1b0e…-…-5…-…'
 */
export function lineRetryUuid(name: string): string {
  const ns = Buffer.from(NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
