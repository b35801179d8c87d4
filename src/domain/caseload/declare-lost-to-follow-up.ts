import { z } from 'zod';
import { followUpLosses, MONITORED_STATUSES } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError } from '../errors';
import { staffIdOf } from '../persons/person-in-scope';
import { closeMonitoring } from '../rounds/close-monitoring';
import { findPersonInScope } from '../rounds/find-person-in-scope';
import { parseInput } from '../validation';
import { unsuccessfulCallsBeforeLost, unsuccessfulCallsSinceReached } from './staff-calls';
import { requirePermission } from '../permissions';

const schema = z.object({ note: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(1000, 'must be at most 1000 characters').optional()) }).strict();

/**
 * 追跡不能 (lost to follow-up): allowed only after the centre's number of unsuccessful staff
 * calls (default 3) since the person was last reached; the declaration lists those calls.
 * Monitoring ends with reason 'lost_to_follow_up' (the prompts stop). Audited.
 * @example await declareLostToFollowUp({ ctx, input: { personId, note: '3日間電話がつながらない' } })
 */
export async function declareLostToFollowUp({ ctx, input }: VerbArgs<{ personId: string } & Record<string, unknown>>) {
  requirePermission(ctx.actor, 'declareLostToFollowUp');
  const { personId, ...fields } = input;
  const f = parseInput(schema, fields);
  const person = await findPersonInScope(ctx, personId);
  const needed = await unsuccessfulCallsBeforeLost(ctx, person.responsibleCentreId);
  const calls = await unsuccessfulCallsSinceReached(ctx, person.id);
  if (calls.length < needed) {
    throw new ConflictError(`${needed} unsuccessful calls are needed first (${calls.length} so far)`, { needed, made: calls.length }, `追跡不能にするには、つながらなかった電話連絡が${needed}回以上必要です（現在${calls.length}回）`);
  }
  const callIds = calls.map((c) => c.id);
  const [row] = await ctx.tx
    .insert(followUpLosses)
    .values({ personId: person.id, declaredBy: staffIdOf(ctx), declaredAt: ctx.now, note: f.note ?? null, callIds })
    .onConflictDoNothing()
    .returning({ personId: followUpLosses.personId });
  if (!row) throw new ConflictError('already declared lost to follow-up', undefined, 'すでに追跡不能とされています');
  if (MONITORED_STATUSES.includes(person.status)) {
    const actor = ctx.actor.kind === 'staff' ? { kind: ctx.actor.via === 'token' ? ('token' as const) : ('staff' as const), id: ctx.actor.staffId, staffId: ctx.actor.staffId } : { kind: 'system' as const, id: 'lost-to-follow-up' };
    await closeMonitoring(ctx.tx, { personIds: [person.id], now: ctx.now, reason: 'lost_to_follow_up', actor });
  }
  await writeAudit(ctx, { action: 'declare_lost', entity: 'person', entityId: person.id, personId: person.id, details: { callIds } });
  return { personId: person.id, callIds };
}
