import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { certificates } from '../../../db/schema';
import { requireRoleAtLeast } from '../access';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError } from '../errors';
import { personInScope, staffIdOf } from '../persons/person-in-scope';
import { parseInput } from '../validation';
import { certificateInScope } from './issue-certificate';
import { requirePermission } from '../permissions';

const schema = z.object({ reason: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters') });

/**
 * Revoke a certificate (issued in error, or replaced by a corrected one): it no longer
 * verifies and can no longer be downloaded. nurse and up, within scope. Audited.
 */
export async function revokeCertificate({ ctx, input }: VerbArgs<{ personId: string; certificateId: string; reason?: unknown }>): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'revokeCertificate');
  requireRoleAtLeast(ctx.actor, 'nurse');
  const f = parseInput(schema, { reason: input.reason });
  const cert = await certificateInScope(ctx, input.personId, input.certificateId);
  if (cert.revokedAt) throw new ConflictError('already revoked', undefined, 'この証明書はすでに取り消されています');
  await ctx.tx.update(certificates).set({ revokedAt: ctx.now, revokedBy: staffIdOf(ctx), revokeReason: f.reason }).where(eq(certificates.id, cert.id));
  await writeAudit(ctx, { action: 'revoke', entity: 'certificate', entityId: cert.id, personId: cert.personId, details: { kind: cert.kind } });
  return { id: cert.id };
}

/** A person's certificates, newest first (part of reading the record). */
export async function certificatesOf(ctx: Ctx, personId: string) {
  return ctx.tx
    .select({ id: certificates.id, kind: certificates.kind, periodStart: certificates.periodStart, periodEnd: certificates.periodEnd, issuedOn: certificates.issuedOn, createdAt: certificates.createdAt, revokedAt: certificates.revokedAt, revokeReason: certificates.revokeReason })
    .from(certificates)
    .where(eq(certificates.personId, personId))
    .orderBy(desc(certificates.createdAt));
}
export type CertificateSummary = Awaited<ReturnType<typeof certificatesOf>>[number];

/** GET /api/v1/persons/:id/certificates: audited as a read. */
export async function getPersonCertificates({ ctx, input }: VerbArgs<{ personId: string }>) {
  requirePermission(ctx.actor, 'getPersonCertificates');
  const person = await personInScope(ctx, input.personId);
  await writeAudit(ctx, { action: 'read', entity: 'person', entityId: person.id, personId: person.id, details: { view: 'certificates' } });
  return { certificates: await certificatesOf(ctx, person.id) };
}
