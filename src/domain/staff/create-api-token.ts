import { eq } from 'drizzle-orm';
import { apiTokens, staffUsers } from '../../../db/schema';
import { randomToken, sha256 } from '../../platform/security/tokens';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ForbiddenError, NotFoundError } from '../errors';

/** Issue an API bearer token for a staff user; the token is returned once and stored hashed. */
export async function createApiToken({ ctx, input }: VerbArgs<{ staffEmail?: string; staffId?: string; name: string }>): Promise<{ id: string; token: string }> {
  const where = input.staffId ? eq(staffUsers.id, input.staffId) : eq(staffUsers.email, (input.staffEmail ?? '').trim().toLowerCase());
  const [user] = await ctx.tx.select({ id: staffUsers.id, disabled: staffUsers.disabled }).from(staffUsers).where(where);
  if (!user) throw new NotFoundError('staff_user');
  if (ctx.actor.kind === 'staff' && ctx.actor.staffId !== user.id) throw new ForbiddenError('you can only create tokens for yourself');
  if (user.disabled) throw new ForbiddenError('this staff user is disabled');
  const token = randomToken('mmr_');
  const [row] = await ctx.tx
    .insert(apiTokens)
    .values({ staffUserId: user.id, name: input.name.trim() || 'token', tokenHash: sha256(token), prefix: token.slice(0, 10), createdAt: ctx.now })
    .returning({ id: apiTokens.id });
  await writeAudit(ctx, { action: 'create', entity: 'api_token', entityId: row!.id, details: { staffUserId: user.id } });
  return { id: row!.id, token };
}
