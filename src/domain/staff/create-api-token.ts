import { eq } from 'drizzle-orm';
import { apiTokens, staffUsers } from '../../../db/schema';
import { randomToken, sha256 } from '../../platform/security/tokens';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { Env } from '../../config/env';
import { requirePermission } from '../permissions';

export type TokenLifetimeEnv = Pick<Env, 'API_TOKEN_DAYS' | 'API_TOKEN_MAX_DAYS'>;
const DEFAULT_LIFETIME: TokenLifetimeEnv = { API_TOKEN_DAYS: 90, API_TOKEN_MAX_DAYS: 365 };

/**
 * Issue an API bearer token for a staff user; the token is returned once and stored hashed.
 * Every token expires: after `days` (default API_TOKEN_DAYS, at most API_TOKEN_MAX_DAYS).
 */
export async function createApiToken({ ctx, input, env = DEFAULT_LIFETIME }: VerbArgs<{ staffEmail?: string; staffId?: string; name: string; days?: number }> & { env?: TokenLifetimeEnv }): Promise<{ id: string; token: string; expiresAt: Date }> {
  requirePermission(ctx.actor, 'createApiToken');
  const where = input.staffId ? eq(staffUsers.id, input.staffId) : eq(staffUsers.email, (input.staffEmail ?? '').trim().toLowerCase());
  const [user] = await ctx.tx.select({ id: staffUsers.id, disabled: staffUsers.disabled }).from(staffUsers).where(where);
  if (!user) throw new NotFoundError('staff_user');
  if (ctx.actor.kind === 'staff' && ctx.actor.staffId !== user.id) throw new ForbiddenError('you can only create tokens for yourself');
  if (user.disabled) throw new ForbiddenError('this staff user is disabled');
  const days = input.days ?? env.API_TOKEN_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > env.API_TOKEN_MAX_DAYS) {
    throw new ValidationError([{ field: 'days', message: `must be a whole number of days from 1 to ${env.API_TOKEN_MAX_DAYS}`, messageJa: `有効期間は1〜${env.API_TOKEN_MAX_DAYS}日の整数で指定してください` }]);
  }
  const expiresAt = new Date(ctx.now.getTime() + days * 86_400_000);
  const token = randomToken('mmr_');
  const [row] = await ctx.tx
    .insert(apiTokens)
    .values({ staffUserId: user.id, name: input.name.trim() || 'token', tokenHash: sha256(token), prefix: token.slice(0, 10), createdAt: ctx.now, expiresAt })
    .returning({ id: apiTokens.id });
  await writeAudit(ctx, { action: 'create', entity: 'api_token', entityId: row!.id, details: { staffUserId: user.id, days } });
  return { id: row!.id, token, expiresAt };
}
