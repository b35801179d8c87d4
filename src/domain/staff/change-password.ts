import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { apiTokens, auditLog, staffUsers } from '../../../db/schema';
import { hashPassword, passwordProblem, verifyPassword } from '../../platform/security/passwords';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../errors';
import { requirePermission } from '../permissions';
import { lockAccount } from './lock-account';
import { LOCK_MS, MAX_FAILED_LOGINS } from './sign-in-failures';
import { checkTotp, type TotpKeyEnv } from './totp';

export type ChangePasswordResult = { ok: true; tokensRevoked: number } | { ok: false; errors: FieldError[]; locked: boolean };

/**
 * A staff user changes their own password, from a console session (never with an API
 * token: staffAuth keeps bearer tokens off pages, and this verb refuses them too). The
 * current password is checked under the staff row lock and a wrong one is counted (five in
 * 15 minutes lock the account like wrong sign-ins); an enrolled second factor is asked
 * again; on success every API token of the user is revoked (the caller ends the other
 * sessions). Failures are returned, not thrown, so their count commits.
 */
export async function changePassword({ ctx, input, env }: VerbArgs<{ current: string; next: string; confirm: string; code?: string }> & { env: TotpKeyEnv }): Promise<ChangePasswordResult> {
  requirePermission(ctx.actor, 'changePassword');
  if (ctx.actor.kind !== 'staff' || ctx.actor.via !== 'session') throw new ForbiddenError('a password is changed from a signed-in console session');
  const [user] = await ctx.tx.select().from(staffUsers).where(eq(staffUsers.id, ctx.actor.staffId)).for('update');
  if (!user) throw new NotFoundError('staff_user');
  // Checked under the row lock: a request that passed staffAuth just before a lock stops here.
  if (user.lockedUntil && user.lockedUntil > ctx.now) return { ok: false, locked: true, errors: [{ field: 'current', message: 'the account is locked', messageJa: 'アカウントはロックされています' }] };
  const problem = passwordProblem(input.next, { email: user.email, displayName: user.displayName });
  if (problem) throw new ValidationError([{ field: 'next', message: problem.en, messageJa: problem.ja }]);
  if (input.next !== input.confirm) throw new ValidationError([{ field: 'confirm', message: 'does not match the new password', messageJa: '確認用のパスワードが一致しません' }]);
  if (input.next === input.current) throw new ValidationError([{ field: 'next', message: 'must differ from the current password', messageJa: '現在と異なるパスワードにしてください' }]);
  if (!(await verifyPassword(user.passwordHash, input.current))) {
    const locked = await countWrongCurrent(ctx, user.id);
    return { ok: false, locked, errors: [{ field: 'current', message: 'the current password is wrong', messageJa: '現在のパスワードが正しくありません' }] };
  }
  if (user.totpSecret && user.totpLastStep !== null) {
    const check = await checkTotp({ ctx, input: { staffId: user.id, code: input.code ?? '' }, env });
    if (!check.ok) return { ok: false, locked: check.locked, errors: [check.error] };
  }
  await ctx.tx.update(staffUsers).set({ passwordHash: await hashPassword(input.next), passwordChangedAt: ctx.now, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  // A token made before the change may be what leaked: it goes with the old password.
  const revoked = await ctx.tx.update(apiTokens).set({ revokedAt: ctx.now }).where(and(eq(apiTokens.staffUserId, user.id), isNull(apiTokens.revokedAt))).returning({ id: apiTokens.id });
  await writeAudit(ctx, { action: 'change_password', entity: 'staff_user', entityId: user.id, details: { tokensRevoked: revoked.length } });
  return { ok: true, tokensRevoked: revoked.length };
}

async function countWrongCurrent(ctx: Ctx, staffId: string): Promise<boolean> {
  await writeAudit(ctx, { action: 'change_password_failed', entity: 'staff_user', entityId: staffId });
  const since = new Date(ctx.now.getTime() - LOCK_MS);
  const [row] = await ctx.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(and(eq(auditLog.entity, 'staff_user'), eq(auditLog.entityId, staffId), eq(auditLog.action, 'change_password_failed'), gt(auditLog.createdAt, since)));
  if ((row?.n ?? 0) < MAX_FAILED_LOGINS) return false;
  await lockAccount(ctx, staffId, 'password');
  return true;
}
