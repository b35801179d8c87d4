import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { notifications } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError } from '../errors';
import { parseInput } from '../validation';
import { notificationInScope } from './get-notification';
import { announceNotification, requireMayDecide } from './notification-scope';
import { requirePermission } from '../permissions';

export const returnNotificationSchema = z.object({
  id: z.uuid(),
  reason: z.string({ message: 'is required' }).trim().min(1, 'is required').max(1000, 'must be at most 1000 characters'),
});

/** The receiving centre returns a filed 発生届 to the clinician with a reason (返戻); they may correct and file it again. */
export async function returnNotification({ ctx, input }: VerbArgs<unknown>): Promise<{ id: string; status: 'returned' }> {
  requirePermission(ctx.actor, 'returnNotification');
  const f = parseInput(returnNotificationSchema, input);
  const row = await notificationInScope(ctx, f.id, { forUpdate: true });
  if (!row.centre) throw new ConflictError('this notification has not been filed', undefined, 'この届出はまだ提出されていません');
  requireMayDecide(ctx.actor, row.centre);
  if (row.n.status !== 'submitted') throw new ConflictError('this notification has already been decided', { status: row.n.status }, 'この届出はすでに処理されています');
  const [n] = await ctx.tx
    .update(notifications)
    .set({ status: 'returned', reply: f.reason, decidedAt: ctx.now, decidedBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null, updatedAt: ctx.now })
    .where(eq(notifications.id, row.n.id))
    .returning();
  await writeAudit(ctx, { action: 'return', entity: 'notification', entityId: row.n.id });
  await announceNotification(ctx, n!);
  return { id: row.n.id, status: 'returned' };
}
