import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { jurisdictions, medicalInstitutions, notifications } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { activeCentreByCode } from '../jurisdictions/find-jurisdiction';
import { centreOfResidence } from '../jurisdictions/residence-centre';
import { localDateOf } from '../time';
import { parseInput } from '../validation';
import { notificationFieldsSchema, requiredProblems } from './notification-input';
import { announceNotification } from './notification-scope';
import { requirePermission } from '../permissions';

export const saveNotificationSchema = z.object({
  id: z.uuid().optional(),
  fields: z.unknown(),
  // false: keep as a draft (一時保存); true: file it with the health centre.
  submit: z.boolean().default(false),
});

async function clinicianInstitution(ctx: Ctx) {
  const a = ctx.actor;
  if (a.kind !== 'staff' || a.role !== 'clinician' || !a.institutionId) throw new ForbiddenError('only a clinician of a medical institution files a notification', '発生届を提出できるのは医療機関の医師です');
  const [row] = await ctx.tx.select({ i: medicalInstitutions, centre: jurisdictions }).from(medicalInstitutions).innerJoin(jurisdictions, eq(jurisdictions.id, medicalInstitutions.jurisdictionId)).where(eq(medicalInstitutions.id, a.institutionId));
  if (!row) throw new ForbiddenError();
  if (!row.i.active) throw new ForbiddenError('this medical institution is deactivated', 'この医療機関は無効になっています');
  return row;
}

/**
 * A clinician saves a 発生届 as a draft or files it (`submit`). Filing enforces the
 * required items (Japanese messages per field) and routes it to the health centre of the
 * person's residence (居住地管轄): the centre chosen, else the one whose municipalities the
 * address lies in (centreOfResidence), else the institution's centre with a note saying
 * why the address named none — whose 「届出受理」 queue
 * hears of it at once (NOTIFY). A draft, or a notification the centre returned, can be
 * changed and filed again; a filed one waits for the centre.
 */
export async function saveNotification({ ctx, input }: VerbArgs<unknown>): Promise<{ id: string; status: string }> {
  requirePermission(ctx.actor, 'saveNotification');
  const { id, fields: raw, submit } = parseInput(saveNotificationSchema, input);
  const { i: institution, centre: reportingCentre } = await clinicianInstitution(ctx);
  const fields = parseInput(notificationFieldsSchema, raw ?? {});
  let centreId: string | null = null;
  let routingNote: string | null = null;
  if (fields.residenceCentreCode) centreId = (await activeCentreByCode(ctx, fields.residenceCentreCode, 'residenceCentreCode')).id;
  if (submit) {
    const problems = requiredProblems(fields, localDateOf(ctx.now, 'Asia/Tokyo'));
    if (problems.length) throw new ValidationError(problems);
    if (!centreId) {
      const residence = await centreOfResidence(ctx, fields.address);
      centreId = residence.centre?.id ?? null;
      routingNote = residence.noteJa;
    }
    if (!centreId) {
      if (!reportingCentre.active) throw new ValidationError([{ field: 'residenceCentreCode', message: "the institution's health centre is deactivated: choose the centre of residence", messageJa: '医療機関の所管保健所が無効です。居住地の保健所を選んでください' }]);
      centreId = reportingCentre.id;
    }
  }
  const values = {
    fields: fields as Record<string, unknown>,
    centreId,
    reportingCentreId: reportingCentre.id,
    routingNote: centreId === reportingCentre.id ? routingNote : null,
    status: submit ? ('submitted' as const) : ('draft' as const),
    submittedAt: submit ? ctx.now : null,
    updatedAt: ctx.now,
  };
  let row: typeof notifications.$inferSelect;
  if (id) {
    const [existing] = await ctx.tx.select().from(notifications).where(and(eq(notifications.id, id), eq(notifications.institutionId, institution.id))).for('update');
    if (!existing) throw new NotFoundError('notification', id);
    if (existing.status !== 'draft' && existing.status !== 'returned') throw new ConflictError('this notification has been filed and can no longer be changed', { status: existing.status }, 'この届出は提出済みのため変更できません');
    // A returned notification keeps its status until it is filed again (the clinician still sees the reply).
    const status = submit ? 'submitted' : existing.status;
    [row] = (await ctx.tx.update(notifications).set({ ...values, status }).where(eq(notifications.id, id)).returning()) as [typeof row];
  } else {
    [row] = (await ctx.tx.insert(notifications).values({ ...values, institutionId: institution.id, filedBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null, createdAt: ctx.now }).returning()) as [typeof row];
  }
  await writeAudit(ctx, { action: submit ? 'submit' : id ? 'update' : 'create', entity: 'notification', entityId: row.id, details: { fields: Object.keys(fields).filter((k) => (fields as Record<string, unknown>)[k] !== undefined) } });
  if (submit) await announceNotification(ctx, row);
  return { id: row.id, status: row.status };
}
