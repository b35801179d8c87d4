import { and, eq, gt, isNull } from 'drizzle-orm';
import { apiTokens, staffInvitations, staffRecoveryCodes, staffSessions, staffUsers } from '../../../db/schema';
import { randomToken, sha256 } from '../../platform/security/tokens';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { requirePermission } from '../permissions';
import { INVITATION_TTL_MS, type Invitation } from './invite-staff';
import { loadManagedStaff } from './staff-scope';

async function endAccess(ctx: Ctx, staffId: string): Promise<void> {
  await ctx.tx.update(staffSessions).set({ revokedAt: ctx.now }).where(and(eq(staffSessions.staffUserId, staffId), isNull(staffSessions.revokedAt)));
}

/**
 * An administrator resets a staff user's password (issue 18): never a password the
 * administrator sees, but a one-time link (72 h) for the user to set their own. The user's
 * sessions end at once; their API tokens end when the link is used.
 */
export async function resetStaffPassword({ ctx, input }: VerbArgs<{ staffId: string }>): Promise<Invitation> {
  requirePermission(ctx.actor, 'resetStaffPassword');
  const user = await loadManagedStaff(ctx, input.staffId);
  await ctx.tx
    .update(staffInvitations)
    .set({ revokedAt: ctx.now })
    .where(and(eq(staffInvitations.staffUserId, user.id), eq(staffInvitations.kind, 'password_reset'), isNull(staffInvitations.usedAt), isNull(staffInvitations.revokedAt), gt(staffInvitations.expiresAt, ctx.now)));
  const token = randomToken();
  const expiresAt = new Date(ctx.now.getTime() + INVITATION_TTL_MS);
  const [row] = await ctx.tx
    .insert(staffInvitations)
    .values({ kind: 'password_reset', email: user.email, displayName: user.displayName, role: user.role, jurisdictionId: user.jurisdictionId, institutionId: user.institutionId, staffUserId: user.id, tokenHash: sha256(token), invitedBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null, createdAt: ctx.now, expiresAt })
    .returning({ id: staffInvitations.id });
  await endAccess(ctx, user.id);
  await writeAudit(ctx, { action: 'password_reset', entity: 'staff_user', entityId: user.id, details: { invitationId: row!.id } });
  return { id: row!.id, email: user.email, token, expiresAt };
}

/**
 * An administrator resets a staff user's second factor (a lost phone): the secret and
 * recovery codes are deleted, sessions and API tokens end, a second-factor lock is lifted;
 * the user enrols again at the next sign-in.
 */
export async function resetStaffTotp({ ctx, input }: VerbArgs<{ staffId: string }>): Promise<void> {
  requirePermission(ctx.actor, 'resetStaffTotp');
  const user = await loadManagedStaff(ctx, input.staffId);
  const unlock = user.lockReason === 'totp' ? { lockedUntil: null, lockReason: null } : {};
  await ctx.tx.update(staffUsers).set({ totpSecret: null, totpLastStep: null, ...unlock, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  await ctx.tx.delete(staffRecoveryCodes).where(eq(staffRecoveryCodes.staffUserId, user.id));
  await ctx.tx.update(apiTokens).set({ revokedAt: ctx.now }).where(and(eq(apiTokens.staffUserId, user.id), isNull(apiTokens.revokedAt)));
  await endAccess(ctx, user.id);
  await writeAudit(ctx, { action: 'totp_reset', entity: 'staff_user', entityId: user.id });
}
