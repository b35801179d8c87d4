import { and, eq } from 'drizzle-orm';
import { onCallShifts } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { rotaJurisdiction } from './rota-scope';
import { requirePermission } from '../permissions';

/** Remove a shift from a rota (the same roles as adding one). Pages already sent keep their copy of the name and number. */
export async function removeOnCallShift({ ctx, input }: VerbArgs<{ code: string; shiftId: string }>): Promise<{ removed: true }> {
  requirePermission(ctx.actor, 'removeOnCallShift');
  const j = await rotaJurisdiction(ctx, input.code, 'write');
  const deleted = await ctx.tx
    .delete(onCallShifts)
    .where(and(eq(onCallShifts.id, input.shiftId), eq(onCallShifts.jurisdictionId, j.id)))
    .returning({ id: onCallShifts.id });
  if (!deleted.length) throw new NotFoundError('on_call_shift', input.shiftId);
  await writeAudit(ctx, { action: 'delete', entity: 'on_call_shift', entityId: input.shiftId, details: { jurisdiction: j.code } });
  return { removed: true };
}
