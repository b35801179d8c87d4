import { eq } from 'drizzle-orm';
import { certificates, type CertificateKind } from '../../../db/schema';
import type { DbOrTx } from '../../../db/client';
import { contentVerifies } from './certificate-content';

export type Verification = { valid: true; kind: CertificateKind; periodStart: string; periodEnd: string; issuedOn: string } | { valid: false };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * /verify/<id>: was this certificate issued here, for which dates — nothing else (no name,
 * no centre). Unknown, revoked and altered certificates (a stored field changed after
 * signing, or a forged hash) all answer the same `{ valid: false }`. Public: no audit row
 * (nothing personal is read out).
 */
export async function verifyCertificate(db: DbOrTx, secret: string, id: string): Promise<Verification> {
  if (!UUID.test(id)) return { valid: false };
  const [c] = await db.select().from(certificates).where(eq(certificates.id, id.toLowerCase()));
  if (!c || c.revokedAt) return { valid: false };
  if (!contentVerifies(secret, c, c)) return { valid: false };
  return { valid: true, kind: c.kind, periodStart: c.periodStart, periodEnd: c.periodEnd, issuedOn: c.issuedOn };
}
