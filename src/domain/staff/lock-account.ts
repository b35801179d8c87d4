import { and, eq, isNull } from 'drizzle-orm';
import { staffSessions, staffUsers } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx } from '../context';
import { LOCK_MS } from './sign-in-failures';

/**
 * Lock a staff account for LOCK_MS and end every session it has — also those already past
 * the second factor: whoever triggered the lock may hold one (findStaffSession refuses a
 * locked account's sessions too, so none survives a race).
 */
export async function lockAccount(ctx: Ctx, staffId: string, reason: 'password' | 'totp'): Promise<Date> {
  const until = new Date(ctx.now.getTime() + LOCK_MS);
  await ctx.tx.update(staffUsers).set({ lockedUntil: until, lockReason: reason, failedLogins: 0, updatedAt: ctx.now }).where(eq(staffUsers.id, staffId));
  const ended = await ctx.tx
    .update(staffSessions)
    .set({ revokedAt: ctx.now })
    .where(and(eq(staffSessions.staffUserId, staffId), isNull(staffSessions.revokedAt)))
    .returning({ id: staffSessions.id });
  await writeAudit(ctx, { action: 'lock', entity: 'staff_user', entityId: staffId, details: { reason, sessionsEnded: ended.length } });
  return until;
}

/** Lift a lock (the owner proved both factors, or an administrator reset the account). */
export async function unlockAccount(ctx: Ctx, staffId: string): Promise<void> {
  await ctx.tx.update(staffUsers).set({ lockedUntil: null, lockReason: null, failedLogins: 0, updatedAt: ctx.now }).where(eq(staffUsers.id, staffId));
  await writeAudit(ctx, { action: 'unlock', entity: 'staff_user', entityId: staffId });
}
