import { eq } from 'drizzle-orm';
import { jurisdictions } from '../../../db/schema';
import type { VerbArgs } from '../context';
import { listOnCall } from './list-on-call';
import { requirePermission } from '../permissions';

/**
 * The warning for the signed-in nurse's or administrator's own health centre when the
 * coming 24 hours have closed hours with nobody on call (shown on the triage screen), or
 * null. Other roles (and centres with a rota) get null.
 */
export async function onCallWarning({ ctx }: VerbArgs<null>): Promise<{ code: string; warningJa: string } | null> {
  requirePermission(ctx.actor, 'onCallWarning');
  if (ctx.actor.kind !== 'staff' || !['nurse', 'centre_admin'].includes(ctx.actor.role) || !ctx.actor.jurisdictionId) return null;
  const [j] = await ctx.tx.select({ code: jurisdictions.code, kind: jurisdictions.kind }).from(jurisdictions).where(eq(jurisdictions.id, ctx.actor.jurisdictionId));
  if (!j || j.kind !== 'health_centre') return null;
  const view = await listOnCall({ ctx, input: { code: j.code } });
  return view.warningJa ? { code: j.code, warningJa: view.warningJa } : null;
}
