import { eq } from 'drizzle-orm';
import { staffUsers } from '../../../db/schema';
import type { VerbArgs } from '../context';
import { ForbiddenError } from '../errors';
import { requirePermission } from '../permissions';
import { listApiTokens } from './api-tokens';

/** The signed-in user's own account as the account page shows it: second factor on or not, their API tokens. */
export async function ownAccount({ ctx }: VerbArgs<unknown>) {
  requirePermission(ctx.actor, 'ownAccount');
  if (ctx.actor.kind !== 'staff') throw new ForbiddenError();
  const [user] = await ctx.tx.select({ secret: staffUsers.totpSecret, step: staffUsers.totpLastStep }).from(staffUsers).where(eq(staffUsers.id, ctx.actor.staffId));
  const tokens = await listApiTokens(ctx.tx, ctx.actor.staffId);
  return { totpEnabled: !!user?.secret && user.step !== null, tokens };
}
