import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { CertificateKind } from '../../../db/schema';

/** What a certificate says; the hash and signature cover exactly these fields. */
export interface CertificateContent {
  id: string;
  kind: CertificateKind;
  holderName: string;
  centreNameJa: string;
  periodStart: string;
  periodEnd: string;
  issuedOn: string;
}

const DOMAIN = 'mimamori/certificate/v1';

/** The content as one canonical string (fixed field order, JSON-escaped). */
export function canonicalContent(c: CertificateContent): string {
  return JSON.stringify([DOMAIN, c.id, c.kind, c.holderName, c.centreNameJa, c.periodStart, c.periodEnd, c.issuedOn]);
}

export const contentHashOf = (c: CertificateContent): string => createHash('sha256').update(canonicalContent(c)).digest('hex');

/** HMAC-SHA256 of the content hash with the app secret: only this installation can make one. */
export const signatureOf = (secret: string, hash: string): string => createHmac('sha256', secret).update(`${DOMAIN}:${hash}`).digest('base64url');

/** The stored row still says what was signed: its hash matches its fields and the signature matches the hash. */
export function contentVerifies(secret: string, c: CertificateContent, stored: { contentHash: string; signature: string }): boolean {
  const hash = contentHashOf(c);
  const a = Buffer.from(hash);
  const b = Buffer.from(stored.contentHash);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
  const s1 = Buffer.from(signatureOf(secret, hash));
  const s2 = Buffer.from(stored.signature);
  return s1.length === s2.length && timingSafeEqual(s1, s2);
}
