import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { MONITORED_STATUSES, persons } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError, ValidationError } from '../errors';
import { NOT_MONITORED_JA } from '../messages-ja';
import { parseInput } from '../validation';
import { findPersonInScope } from './find-person-in-scope';
import { requirePermission } from '../permissions';

const extendMonitoringSchema = z.object({
  personId: z.uuid({ message: 'must be a person id' }),
  plannedEnd: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }),
});

/**
 * Staff move the planned end of someone's monitoring (健康観察期間の延長・変更). The date
 * must not be before the start of monitoring; the tick ends monitoring the day after it.
 * @example await extendMonitoring({ ctx, input: { personId, plannedEnd: '2026-12-01' } })
 */
export async function extendMonitoring({ ctx, input }: VerbArgs<unknown>): Promise<{ personId: string; plannedEnd: string; previous: string | null }> {
  requirePermission(ctx.actor, 'extendMonitoring');
  const f = parseInput(extendMonitoringSchema, input);
  const person = await findPersonInScope(ctx, f.personId);
  if (!MONITORED_STATUSES.includes(person.status)) throw new ConflictError('this person is not under monitoring', undefined, NOT_MONITORED_JA);
  if (person.monitoringStart && f.plannedEnd < person.monitoringStart) {
    throw new ValidationError([{ field: 'plannedEnd', message: 'must not be before the start of monitoring', messageJa: '健康観察の開始日より前にはできません' }]);
  }
  await ctx.tx.update(persons).set({ monitoringPlannedEnd: f.plannedEnd, monitoringEndSetByStaff: true, updatedAt: ctx.now }).where(eq(persons.id, person.id));
  await writeAudit(ctx, { action: 'update', entity: 'person', entityId: person.id, personId: person.id, details: { field: 'monitoring_planned_end' } });
  return { personId: person.id, plannedEnd: f.plannedEnd, previous: person.monitoringPlannedEnd };
}
