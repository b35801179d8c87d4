import { and, eq, isNull } from 'drizzle-orm';
import { apiTokens, staffSessions } from '../../../db/schema';
import type { Ctx } from '../context';

/**
 * End everything a staff user is signed in with: every console session and every API token.
 * Used when their role, scope or standing changes, so the very next request is refused
 * rather than served with the old (or new) reach; they sign in again, which also asks for
 * the second factor the new role may require. Returns the counts for the audit row.
 */
export async function endStaffAccess(ctx: Ctx, staffId: string): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  const sessions = await ctx.tx
    .update(staffSessions)
    .set({ revokedAt: ctx.now })
    .where(and(eq(staffSessions.staffUserId, staffId), isNull(staffSessions.revokedAt)))
    .returning({ id: staffSessions.id });
  const tokens = await ctx.tx
    .update(apiTokens)
    .set({ revokedAt: ctx.now })
    .where(and(eq(apiTokens.staffUserId, staffId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return { sessionsEnded: sessions.length, tokensRevoked: tokens.length };
}
