import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { CERTIFICATE_KINDS, certificates, jurisdictions, type CertificateKind } from '../../../db/schema';
import { requireRoleAtLeast } from '../access';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError, NotFoundError } from '../errors';
import { personInScope, staffIdOf } from '../persons/person-in-scope';
import { localDateOf } from '../time';
import { parseInput } from '../validation';
import { isErased } from '../retention/find-due-persons';
import { contentHashOf, signatureOf, type CertificateContent } from './certificate-content';
import { requirePermission } from '../permissions';

const schema = z.object({ kind: z.enum(CERTIFICATE_KINDS).default('recuperation') });

/** Classifications that had a recuperation period and 就業制限 (patients, not contacts). */
const CERTIFIED = ['confirmed', 'asymptomatic'];

/**
 * Issue a certificate (療養証明書 `recuperation`, 就業制限通知 `work_restriction`) for a patient
 * whose monitoring has ended: the holder's name, the period (start of monitoring to its last
 * day), the centre and today's date, hashed and signed. One valid certificate of a kind a
 * person: issuing again returns it (`issued: false`); revoke it first to issue a corrected one.
 * Staff (nurse and up) and the patient themself (their link) may issue. Audited.
 * @example await issueCertificate({ ctx, input: { personId, kind: 'recuperation' }, secret })
 */
export async function issueCertificate({ ctx, input, secret }: VerbArgs<{ personId: string; kind?: unknown }> & { secret: string }): Promise<{ id: string; issued: boolean }> {
  requirePermission(ctx.actor, 'issueCertificate');
  if (ctx.actor.kind === 'staff') requireRoleAtLeast(ctx.actor, 'nurse');
  const f = parseInput(schema, { kind: input.kind });
  const person = await personInScope(ctx, input.personId, { forUpdate: true });
  if (ctx.actor.kind === 'patient' && ctx.actor.personId !== person.id) throw new ConflictError('not your record');
  const [existing] = await ctx.tx.select({ id: certificates.id }).from(certificates).where(and(eq(certificates.personId, person.id), eq(certificates.kind, f.kind), isNull(certificates.revokedAt))).orderBy(desc(certificates.createdAt)).limit(1);
  if (existing) return { id: existing.id, issued: false };
  if (await isErased(ctx.tx, person.id)) throw new ConflictError('the record was erased', undefined, 'この記録は保存期間を過ぎて削除されています');
  if (person.status !== 'monitoring_ended' || !person.monitoringActualEnd) throw new ConflictError('monitoring has not ended', undefined, '健康観察が終了してから発行できます');
  if (!CERTIFIED.includes(person.classification)) throw new ConflictError('certificates are for patients (confirmed or asymptomatic)', undefined, '療養証明書・就業制限通知は患者（確定・無症状病原体保有者）に発行します');
  const start = person.monitoringStart ?? person.onsetDate ?? person.diagnosisDate;
  if (!start) throw new ConflictError('the start of the period is not recorded', undefined, '療養期間の開始日（健康観察開始日・発症日・診断日）が登録されていません');
  const actualEnd = person.monitoringActualEnd;
  const end = person.monitoringPlannedEnd && person.monitoringPlannedEnd < actualEnd ? person.monitoringPlannedEnd : actualEnd;
  const [centre] = await ctx.tx.select().from(jurisdictions).where(eq(jurisdictions.id, person.responsibleCentreId));
  const id = crypto.randomUUID();
  const content: CertificateContent = { id, kind: f.kind, holderName: person.name, centreNameJa: centre!.nameJa, periodStart: start, periodEnd: end < start ? start : end, issuedOn: localDateOf(ctx.now, centre!.timeZone) };
  const contentHash = contentHashOf(content);
  await ctx.tx.insert(certificates).values({ ...content, personId: person.id, centreId: centre!.id, contentHash, signature: signatureOf(secret, contentHash), issuedBy: staffIdOf(ctx), createdAt: ctx.now });
  await writeAudit(ctx, { action: 'issue', entity: 'certificate', entityId: id, personId: person.id, details: { kind: f.kind, contentHash } });
  return { id, issued: true };
}

/** A certificate of a person in the actor's scope (else not found). */
export async function certificateInScope(ctx: Ctx, personId: string, certificateId: string) {
  const person = await personInScope(ctx, personId);
  const [cert] = await ctx.tx.select().from(certificates).where(and(eq(certificates.id, certificateId), eq(certificates.personId, person.id)));
  if (!cert) throw new NotFoundError('certificate', certificateId);
  return cert;
}

export type CertificateRow = typeof certificates.$inferSelect;
export const isKind = (v: unknown): v is CertificateKind => (CERTIFICATE_KINDS as readonly unknown[]).includes(v);
