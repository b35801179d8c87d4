import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { certificates, checkSessions } from '../../../db/schema';
import { appSecret, type Env } from '../../config/env';
import { writeAudit } from '../audit';
import { ConflictError } from '../errors';
import { withTransaction, type VerbArgs } from '../context';
import { createWebLinkSigner } from '../web/link-token';
import { certificateLinkSigner, verifyUrl } from './certificate-link';
import { contentVerifies } from './certificate-content';
import { certificateInScope, issueCertificate, type CertificateRow } from './issue-certificate';
import { renderCertificatePdf } from './render-certificate-pdf';
import { requirePermission } from '../permissions';

/** The PDF of a stored certificate, if it still verifies (never a PDF of an altered row). */
async function pdfOf(env: Env, cert: CertificateRow): Promise<Uint8Array | null> {
  if (cert.revokedAt || !contentVerifies(appSecret(env), cert, cert)) return null;
  return renderCertificatePdf(cert, verifyUrl(env, cert.id));
}

/** Staff print a certificate from the person page (印刷). Audited. */
export async function printCertificate({ ctx, input, env }: VerbArgs<{ personId: string; certificateId: string }> & { env: Env }): Promise<Uint8Array | null> {
  requirePermission(ctx.actor, 'printCertificate');
  const cert = await certificateInScope(ctx, input.personId, input.certificateId);
  await writeAudit(ctx, { action: 'print', entity: 'certificate', entityId: cert.id, personId: cert.personId });
  return pdfOf(env, cert);
}

/**
 * The patient's download from a certificate link (/certificates/<token>, sent by LINE or
 * SMS): a valid, unexpired token of a certificate that still verifies. Audited as the patient.
 */
export async function downloadByCertificateLink(db: Db, env: Env, token: string, now: Date): Promise<Uint8Array | null> {
  const v = await certificateLinkSigner(env).verify(token);
  if (!v.ok || v.expiresAt.getTime() < now.getTime()) return null;
  const [cert] = await db.select().from(certificates).where(eq(certificates.id, v.sessionId));
  if (!cert) return null;
  await withTransaction(db, { actor: { kind: 'patient', personId: cert.personId, channel: 'web' }, now }, (ctx) =>
    writeAudit(ctx, { action: 'download', entity: 'certificate', entityId: cert.id, personId: cert.personId }));
  return pdfOf(env, cert);
}

/** A check link still opens the certificate this long after the check itself closed. */
const CHECK_LINK_GRACE_MS = 90 * 86_400_000;

/**
 * The patient's download from their web check link (/c/<token>/certificate): the link's
 * person gets their 療養証明書 — issued now if it was not yet (they need no phone call to the
 * centre for it) — once monitoring has ended. Null when the link or the person does not qualify.
 */
export async function downloadByCheckLink(db: Db, env: Env, token: string, now: Date): Promise<Uint8Array | null> {
  const v = await createWebLinkSigner(appSecret(env)).verify(token);
  if (!v.ok || v.expiresAt.getTime() + CHECK_LINK_GRACE_MS < now.getTime()) return null;
  const [session] = await db.select({ personId: checkSessions.personId }).from(checkSessions).where(eq(checkSessions.id, v.sessionId));
  if (!session) return null;
  const cert = await withTransaction(db, { actor: { kind: 'patient', personId: session.personId, channel: 'web' }, now }, async (ctx) => {
    try {
      await issueCertificate({ ctx, input: { personId: session.personId, kind: 'recuperation' }, secret: appSecret(env) });
    } catch (err) {
      if (err instanceof ConflictError) return null; // not ended yet, or not a patient: the page says so
      throw err;
    }
    const [row] = await ctx.tx.select().from(certificates).where(and(eq(certificates.personId, session.personId), eq(certificates.kind, 'recuperation'), isNull(certificates.revokedAt))).orderBy(desc(certificates.createdAt)).limit(1);
    if (row) await writeAudit(ctx, { action: 'download', entity: 'certificate', entityId: row.id, personId: row.personId });
    return row ?? null;
  });
  return cert ? pdfOf(env, cert) : null;
}
