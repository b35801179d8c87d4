import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { checkSessions, MONITORED_STATUSES, PERSON_STATUSES, persons, personStatusHistory } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ValidationError } from '../errors';
import { parseInput } from '../validation';
import { centreToday } from './centre-today';
import { personInScope, staffIdOf } from './person-in-scope';
import { requirePermission } from '../permissions';

export const personStatusSchema = z.object({
  status: z.enum(PERSON_STATUSES, { message: `must be one of ${PERSON_STATUSES.join(', ')}` }),
  note: z.string().trim().max(500, 'must be at most 500 characters').optional(),
  /** 入院日 / 退院日 / 死亡日 when the status needs one */
  date: z.preprocess((v) => (v === '' ? undefined : v), z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }).optional()),
});

/**
 * Change a person's status (自宅療養 → 入院 …) with a history row. Leaving the monitored
 * statuses (hospitalized, deceased, ended) cancels today's open checks, so no prompt or
 * reminder goes out; the scheduler only creates checks for monitored statuses.
 * Ending monitoring on purpose uses endMonitoring (it records the reason and end date).
 */
export async function changePersonStatus({ ctx, input }: VerbArgs<{ personId: string } & Record<string, unknown>>): Promise<{ status: string; cancelledChecks: number }> {
  requirePermission(ctx.actor, 'changePersonStatus');
  const f = parseInput(personStatusSchema, input);
  const person = await personInScope(ctx, input.personId, { forUpdate: true });
  if (f.status === person.status) return { status: person.status, cancelledChecks: 0 };
  if (f.status === 'monitoring_ended') {
    throw new ValidationError([{ field: 'status', message: 'use "end monitoring" to end monitoring', messageJa: '健康観察の終了は「観察終了」から行ってください' }]);
  }
  const set: Partial<typeof persons.$inferInsert> = { status: f.status, updatedAt: ctx.now };
  const date = f.date ?? (await centreToday(ctx, person.responsibleCentreId));
  if (f.status.startsWith('hospitalized') && !person.admissionDate) set.admissionDate = date;
  if (f.status === 'deceased') set.dateOfDeath = date;
  if (person.status.startsWith('hospitalized') && MONITORED_STATUSES.includes(f.status)) set.dischargeDate = date;
  await ctx.tx.update(persons).set(set).where(eq(persons.id, person.id));
  await ctx.tx.insert(personStatusHistory).values({ personId: person.id, status: f.status, note: f.note ?? null, changedBy: staffIdOf(ctx), changedAt: ctx.now });
  let cancelled = 0;
  if (!MONITORED_STATUSES.includes(f.status)) {
    const rows = await ctx.tx
      .update(checkSessions)
      .set({ status: 'cancelled', nextActionAt: null, updatedAt: ctx.now })
      .where(and(eq(checkSessions.personId, person.id), inArray(checkSessions.status, ['pending', 'prompted', 'active'])))
      .returning({ id: checkSessions.id });
    cancelled = rows.length;
  }
  await writeAudit(ctx, { action: 'change_status', entity: 'person', entityId: person.id, personId: person.id, details: { from: person.status, to: f.status } });
  return { status: f.status, cancelledChecks: cancelled };
}
