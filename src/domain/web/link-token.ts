/**
 * The web check-in link token: `<payload>.<mac>`, both base64url.
 *   payload = check session id (16 bytes) ‖ expiry in Unix seconds (5 bytes, big-endian)
 *   mac     = HMAC-SHA256(appSecret, "mimamori/web-link/v1" ‖ payload), first 16 bytes (128 bits)
 * It carries no personal data: only which check session and until when. The session
 * belongs to one person, so a link cannot be re-targeted without breaking the MAC.
 * Web Crypto only, so the same code runs on Node and on Workers.
 *
 * @example
 * const signer = createWebLinkSigner(appSecret(env));
 * const token = await signer.sign(sessionId, expiresAt);   // "q83v…Pw.Zk9…"  (51 characters)
 * const r = await signer.verify(token);                     // { ok: true, sessionId, expiresAt }
 */

const WEB_LINK_DOMAIN = 'mimamori/web-link/v1';
const ID_BYTES = 16;
const EXPIRY_BYTES = 5;
export const MAC_BYTES = 16;
const PAYLOAD_BYTES = ID_BYTES + EXPIRY_BYTES;
const B64URL = /^[A-Za-z0-9_-]+$/;

export type VerifiedLink = { ok: true; sessionId: string; expiresAt: Date } | { ok: false; reason: 'malformed' | 'bad_signature' };

export interface WebLinkSigner {
  sign(sessionId: string, expiresAt: Date): Promise<string>;
  /** Checks shape and MAC only; the caller compares expiresAt with its clock. */
  verify(token: string): Promise<VerifiedLink>;
}

/** `domain` separates kinds of link (a certificate link is not a check link, though both carry an id). */
export function createWebLinkSigner(secret: string, domain: string = WEB_LINK_DOMAIN): WebLinkSigner {
  const DOMAIN = new TextEncoder().encode(domain);
  let key: Promise<CryptoKey> | undefined;
  const getKey = () =>
    (key ??= crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']));
  const mac = async (payload: Uint8Array) => {
    const message = new Uint8Array(DOMAIN.length + payload.length);
    message.set(DOMAIN);
    message.set(payload, DOMAIN.length);
    const full = new Uint8Array(await crypto.subtle.sign('HMAC', await getKey(), message));
    return full.slice(0, MAC_BYTES);
  };
  return {
    async sign(sessionId, expiresAt) {
      const payload = new Uint8Array(PAYLOAD_BYTES);
      payload.set(uuidToBytes(sessionId));
      writeUint40(payload, ID_BYTES, Math.floor(expiresAt.getTime() / 1000));
      return `${toBase64Url(payload)}.${toBase64Url(await mac(payload))}`;
    },
    async verify(token) {
      const parts = token.split('.');
      if (parts.length !== 2 || !parts.every((p) => B64URL.test(p))) return { ok: false, reason: 'malformed' };
      const payload = fromBase64Url(parts[0]!);
      const given = fromBase64Url(parts[1]!);
      if (payload.length !== PAYLOAD_BYTES || given.length !== MAC_BYTES) return { ok: false, reason: 'malformed' };
      if (!constantTimeEqual(await mac(payload), given)) return { ok: false, reason: 'bad_signature' };
      return { ok: true, sessionId: bytesToUuid(payload.subarray(0, ID_BYTES)), expiresAt: new Date(readUint40(payload, ID_BYTES) * 1000) };
    },
  };
}

/** Compares every byte whatever the first difference, so timing tells nothing about the MAC. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Splits a token into its fields without checking it (tests use this to show what a link carries). */
export function decodeWebLinkPayload(token: string): { sessionId: string; expiresAtSeconds: number; payloadBytes: number; macBytes: number } {
  const [p = '', m = ''] = token.split('.');
  const payload = fromBase64Url(p);
  return { sessionId: bytesToUuid(payload.subarray(0, ID_BYTES)), expiresAtSeconds: readUint40(payload, ID_BYTES), payloadBytes: payload.length, macBytes: fromBase64Url(m).length };
}

function uuidToBytes(id: string): Uint8Array {
  const hex = id.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error('a check session id must be a UUID');
  const out = new Uint8Array(ID_BYTES);
  for (let i = 0; i < ID_BYTES; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToUuid(b: Uint8Array): string {
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// 5 bytes of seconds reach the year 36812; plain arithmetic because bit operators stop at 32 bits.
function writeUint40(buf: Uint8Array, at: number, value: number): void {
  let v = value;
  for (let i = EXPIRY_BYTES - 1; i >= 0; i--) {
    buf[at + i] = v % 256;
    v = Math.floor(v / 256);
  }
}

function readUint40(buf: Uint8Array, at: number): number {
  let v = 0;
  for (let i = 0; i < EXPIRY_BYTES; i++) v = v * 256 + (buf[at + i] ?? 0);
  return v;
}

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array {
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return new Uint8Array(0);
  }
}
