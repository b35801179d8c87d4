import { eq } from 'drizzle-orm';
import { staffUsers } from '../../../db/schema';
import { hashPassword, passwordProblem, verifyPassword } from '../../platform/security/passwords';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';

/** A staff user changes their own password; the caller then ends their other sessions. */
export async function changePassword({ ctx, input }: VerbArgs<{ current: string; next: string; confirm: string }>): Promise<void> {
  if (ctx.actor.kind !== 'staff') throw new ForbiddenError();
  const [user] = await ctx.tx.select().from(staffUsers).where(eq(staffUsers.id, ctx.actor.staffId));
  if (!user) throw new NotFoundError('staff_user');
  if (!(await verifyPassword(user.passwordHash, input.current))) {
    throw new ValidationError([{ field: 'current', message: 'the current password is wrong', messageJa: '現在のパスワードが正しくありません' }]);
  }
  const problem = passwordProblem(input.next, { email: user.email, displayName: user.displayName });
  if (problem) throw new ValidationError([{ field: 'next', message: problem.en, messageJa: problem.ja }]);
  if (input.next !== input.confirm) throw new ValidationError([{ field: 'confirm', message: 'does not match the new password', messageJa: '確認用のパスワードが一致しません' }]);
  if (input.next === input.current) throw new ValidationError([{ field: 'next', message: 'must differ from the current password', messageJa: '現在と異なるパスワードにしてください' }]);
  await ctx.tx.update(staffUsers).set({ passwordHash: await hashPassword(input.next), passwordChangedAt: ctx.now, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  await writeAudit(ctx, { action: 'change_password', entity: 'staff_user', entityId: user.id });
}
