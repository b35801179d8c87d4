import { eq } from 'drizzle-orm';
import { jurisdictions } from '../../../db/schema';
import type { Ctx } from '../context';
import { ForbiddenError } from '../errors';

/**
 * Shared is not owned (issue 19.5): a centre a person is only shared with (関係保健所)
 * sees and follows the person, but moving the person or changing who it is shared with
 * belongs to the responsible centre (担当保健所) and those above it — its prefecture and
 * the nation. Otherwise a shared centre could transfer the person to itself and the
 * owner would lose access.
 */
export async function requireResponsibleCentre(ctx: Ctx, responsibleCentreId: string): Promise<void> {
  const a = ctx.actor;
  if (a.kind !== 'staff' || a.role === 'national_officer') return;
  if ((a.role === 'nurse' || a.role === 'centre_admin') && a.jurisdictionId === responsibleCentreId) return;
  if (a.role === 'prefecture_officer' && a.jurisdictionPath) {
    const [centre] = await ctx.tx.select({ path: jurisdictions.path }).from(jurisdictions).where(eq(jurisdictions.id, responsibleCentreId));
    if (centre?.path.startsWith(a.jurisdictionPath)) return;
  }
  throw new ForbiddenError(
    'only the responsible health centre (or its prefecture or the nation) may transfer this person or change its sharing',
    '移管と共有の変更は、担当保健所（またはその都道府県・国）のみが行えます。共有を受けている保健所からは行えません。',
  );
}
