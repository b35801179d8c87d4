import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { notifications, persons } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError } from '../errors';
import { personInScope } from '../persons/person-in-scope';
import { registerPerson } from '../persons/register-person';
import { addTestRecord } from '../persons/test-records';
import { parseInput } from '../validation';
import { notificationInScope } from './get-notification';
import type { NotificationFields } from './notification-input';
import { announceNotification, requireMayDecide } from './notification-scope';
import { personFromNotification } from './person-from-notification';
import { requirePermission } from '../permissions';

export const acceptNotificationSchema = z.object({
  id: z.uuid(),
  // Attach to this existing person (one of the possible duplicates) instead of registering a new one.
  personId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional()),
  // 患者ID at the centre; default derived from the notification's id.
  caseNumber: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(40, 'must be at most 40 characters').optional()),
  reply: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(1000, 'must be at most 1000 characters').optional()),
});

/**
 * A nurse of the receiving centre (or an officer above it) accepts a filed 発生届: either
 * the person is registered from it through registerPerson — flow, rounds and first checks
 * like any person — or it is attached to an existing person the duplicate check found.
 * The test on the form becomes the person's test record. From this moment the case counts
 * in the centre's, the prefecture's and the nation's statistics (getStats counts accepted
 * notifications). The clinician sees the status and reply.
 */
export async function acceptNotification({ ctx, input }: VerbArgs<unknown>): Promise<{ id: string; personId: string; created: boolean }> {
  requirePermission(ctx.actor, 'acceptNotification');
  const f = parseInput(acceptNotificationSchema, input);
  const row = await notificationInScope(ctx, f.id, { forUpdate: true });
  if (!row.centre) throw new ConflictError('this notification has not been filed', undefined, 'この届出はまだ提出されていません');
  requireMayDecide(ctx.actor, row.centre);
  if (row.n.status !== 'submitted') throw new ConflictError('this notification has already been decided', { status: row.n.status }, 'この届出はすでに処理されています');
  const fields = row.n.fields as NotificationFields;
  let personId: string;
  const created = !f.personId;
  if (f.personId) {
    const person = await personInScope(ctx, f.personId, { forUpdate: true });
    personId = person.id;
    if (!person.reportingInstitutionId) await ctx.tx.update(persons).set({ reportingInstitutionId: row.n.institutionId, updatedAt: ctx.now }).where(eq(persons.id, person.id));
    await writeAudit(ctx, { action: 'attach_notification', entity: 'person', entityId: person.id, personId: person.id, details: { notificationId: row.n.id } });
  } else {
    const caseNumber = f.caseNumber ?? `HN-${row.n.id.slice(0, 8).toUpperCase()}`;
    ({ id: personId } = await registerPerson({ ctx, input: personFromNotification(fields, { caseNumber, centreCode: row.centre.code, institutionCode: row.inst.code }) }));
  }
  if (fields.testMethod) await addTestRecord({ ctx, input: { personId, specimenDate: fields.specimenDate, method: fields.testMethod, result: fields.testResult ?? 'positive' } });
  const staffId = ctx.actor.kind === 'staff' ? ctx.actor.staffId : null;
  const [n] = await ctx.tx.update(notifications).set({ status: 'accepted', personId, reply: f.reply ?? null, decidedAt: ctx.now, decidedBy: staffId, updatedAt: ctx.now }).where(eq(notifications.id, row.n.id)).returning();
  await writeAudit(ctx, { action: 'accept', entity: 'notification', entityId: row.n.id, personId, details: { created } });
  await announceNotification(ctx, n!);
  return { id: row.n.id, personId, created };
}
