import { and, eq, gt, isNull } from 'drizzle-orm';
import { apiTokens, staffInvitations, staffSessions, staffUsers } from '../../../db/schema';
import { hashPassword, passwordProblem } from '../../platform/security/passwords';
import { sha256 } from '../../platform/security/tokens';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { requirePermission } from '../permissions';
import { unlockAccount } from './lock-account';

type InvitationRow = typeof staffInvitations.$inferSelect;

async function activeInvitation(ctx: Ctx, token: string, forUpdate: boolean): Promise<InvitationRow> {
  const q = ctx.tx
    .select()
    .from(staffInvitations)
    .where(and(eq(staffInvitations.tokenHash, sha256(token)), isNull(staffInvitations.usedAt), isNull(staffInvitations.revokedAt), gt(staffInvitations.expiresAt, ctx.now)));
  const [row] = forUpdate ? await q.for('update') : await q;
  // Unknown, used, replaced and expired links all read the same.
  if (!row) throw new NotFoundError('staff_invitation');
  return row;
}

/** What the enrolment page shows before the password is set (no secret). */
export async function peekInvitation({ ctx, input }: VerbArgs<{ token: string }>): Promise<{ kind: InvitationRow['kind']; email: string; displayName: string; expiresAt: Date }> {
  requirePermission(ctx.actor, 'peekInvitation');
  const row = await activeInvitation(ctx, input.token, false);
  return { kind: row.kind, email: row.email, displayName: row.displayName, expiresAt: row.expiresAt };
}

/**
 * Use a one-time link: the invitee (or a user whose password an administrator reset) sets
 * their own password. 'enrol' creates the account; 'password_reset' replaces the password,
 * ends every session and API token and lifts a lock. The link is then used up. The caller
 * starts a session that still needs the second factor (enrolled next if there is none).
 */
export async function acceptInvitation({ ctx, input }: VerbArgs<{ token: string; password: string; confirm: string }>): Promise<{ staffId: string; kind: InvitationRow['kind']; role: InvitationRow['role'] }> {
  requirePermission(ctx.actor, 'acceptInvitation');
  const inv = await activeInvitation(ctx, input.token, true);
  const problem = passwordProblem(input.password, { email: inv.email, displayName: inv.displayName });
  if (problem) throw new ValidationError([{ field: 'password', message: problem.en, messageJa: problem.ja }]);
  if (input.password !== input.confirm) throw new ValidationError([{ field: 'confirm', message: 'does not match the password', messageJa: '確認用のパスワードが一致しません' }]);
  const passwordHash = await hashPassword(input.password);
  let staffId: string;
  if (inv.kind === 'enrol') {
    const [existing] = await ctx.tx.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.email, inv.email));
    if (existing) throw new ConflictError('a staff user with this e-mail already exists', undefined, 'このメールアドレスのスタッフはすでに登録されています');
    const [row] = await ctx.tx
      .insert(staffUsers)
      .values({ email: inv.email, displayName: inv.displayName, passwordHash, role: inv.role, jurisdictionId: inv.jurisdictionId, institutionId: inv.institutionId, facilityId: inv.facilityId, passwordChangedAt: ctx.now })
      .returning({ id: staffUsers.id });
    staffId = row!.id;
  } else {
    staffId = inv.staffUserId!;
    await ctx.tx.update(staffUsers).set({ passwordHash, passwordChangedAt: ctx.now, updatedAt: ctx.now }).where(eq(staffUsers.id, staffId));
    await ctx.tx.update(staffSessions).set({ revokedAt: ctx.now }).where(and(eq(staffSessions.staffUserId, staffId), isNull(staffSessions.revokedAt)));
    await ctx.tx.update(apiTokens).set({ revokedAt: ctx.now }).where(and(eq(apiTokens.staffUserId, staffId), isNull(apiTokens.revokedAt)));
    await unlockAccount(ctx, staffId);
  }
  await ctx.tx.update(staffInvitations).set({ usedAt: ctx.now }).where(eq(staffInvitations.id, inv.id));
  await writeAudit(ctx, { action: inv.kind === 'enrol' ? 'enrol' : 'password_reset_used', entity: 'staff_user', entityId: staffId, details: { invitationId: inv.id } });
  return { staffId, kind: inv.kind, role: inv.role };
}
