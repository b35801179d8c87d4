import { z } from 'zod';
import { alertEvents } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { parseInput } from '../validation';
import { alertInScope, notifyAlertChanged, staffIdOf } from './alert-in-scope';
import { requirePermission } from '../permissions';

export const noteAlertSchema = z.object({
  note: z.string().trim().min(1, 'is required').max(2000, 'must be at most 2000 characters'),
});

/** Add a note to an alert (a call's content, advice given); kept in the alert's history. */
export async function noteAlert({ ctx, input }: VerbArgs<{ alertId: string } & Record<string, unknown>>): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'noteAlert');
  const { note } = parseInput(noteAlertSchema, input);
  const alert = await alertInScope(ctx, input.alertId);
  const [row] = await ctx.tx.insert(alertEvents).values({ alertId: alert.id, kind: 'noted', actorStaffId: staffIdOf(ctx), note, createdAt: ctx.now }).returning({ id: alertEvents.id });
  await writeAudit(ctx, { action: 'note', entity: 'alert', entityId: alert.id, personId: alert.personId });
  await notifyAlertChanged(ctx, alert, 'noted');
  return { id: row!.id };
}
