import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { auditLog, staffSessions, staffUsers } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { LOCK_MS, MAX_FAILED_LOGINS } from './sign-in';

/**
 * A wrong second-factor code, recorded in its own transaction (verifyTotp's rolls back).
 * Counted from the audit log over the lock window, not in failed_logins: a correct password
 * resets that counter, so someone holding the password could otherwise guess codes forever
 * by signing in again every four tries. Five wrong codes lock the account like five wrong
 * passwords, and every session still waiting for its code is ended.
 */
export async function noteTotpFailure({ ctx, input }: VerbArgs<{ staffId: string }>): Promise<{ locked: boolean }> {
  const [user] = await ctx.tx.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.id, input.staffId)).for('update');
  if (!user) return { locked: false };
  await writeAudit(ctx, { action: 'totp_failed', entity: 'staff_user', entityId: user.id });
  const since = new Date(ctx.now.getTime() - LOCK_MS);
  const [row] = await ctx.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(and(eq(auditLog.entity, 'staff_user'), eq(auditLog.entityId, user.id), eq(auditLog.action, 'totp_failed'), gt(auditLog.createdAt, since)));
  if ((row?.n ?? 0) < MAX_FAILED_LOGINS) return { locked: false };
  await ctx.tx.update(staffUsers).set({ lockedUntil: new Date(ctx.now.getTime() + LOCK_MS), failedLogins: 0, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  await ctx.tx
    .update(staffSessions)
    .set({ revokedAt: ctx.now })
    .where(and(eq(staffSessions.staffUserId, user.id), eq(staffSessions.mfaPassed, false), isNull(staffSessions.revokedAt)));
  await writeAudit(ctx, { action: 'lock', entity: 'staff_user', entityId: user.id, details: { reason: 'totp' } });
  return { locked: true };
}
