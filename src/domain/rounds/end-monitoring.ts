import { z } from 'zod';
import { MONITORED_STATUSES } from '../../../db/schema';
import type { VerbArgs } from '../context';
import { ConflictError } from '../errors';
import { NOT_MONITORED_JA } from '../messages-ja';
import { parseInput } from '../validation';
import { closeMonitoring } from './close-monitoring';
import { findPersonInScope } from './find-person-in-scope';
import { requirePermission } from '../permissions';

const endMonitoringSchema = z.object({
  personId: z.uuid({ message: 'must be a person id' }),
  reason: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters').default('ended_by_staff'),
});

/**
 * Staff end someone's monitoring early (健康観察の早期終了): status 'monitoring_ended',
 * open checks cancelled, prompts stop; audited, within the actor's scope.
 * @example await endMonitoring({ ctx, input: { personId, reason: '症状消失のため' } })
 */
export async function endMonitoring({ ctx, input }: VerbArgs<unknown>): Promise<{ personId: string }> {
  requirePermission(ctx.actor, 'endMonitoring');
  const f = parseInput(endMonitoringSchema, input);
  const person = await findPersonInScope(ctx, f.personId);
  if (!MONITORED_STATUSES.includes(person.status)) throw new ConflictError('this person is not under monitoring', undefined, NOT_MONITORED_JA);
  const actor = ctx.actor.kind === 'staff' ? { kind: ctx.actor.via === 'token' ? ('token' as const) : ('staff' as const), id: ctx.actor.staffId, staffId: ctx.actor.staffId } : { kind: 'system' as const, id: 'end-monitoring' };
  await closeMonitoring(ctx.tx, { personIds: [person.id], now: ctx.now, reason: f.reason, actor });
  return { personId: person.id };
}
