import { eq } from 'drizzle-orm';
import { staffUsers } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { endStaffAccess } from './end-staff-access';
import { loadManagedStaff } from './staff-scope';
import { requirePermission } from '../permissions';

/**
 * Disable a staff user (they can no longer sign in; their sessions and API tokens end at
 * once) or enable them again (they sign in anew; revoked tokens stay revoked).
 * centre_admin and up, within their own jurisdiction, never themselves.
 */
export async function setStaffDisabled({ ctx, input }: VerbArgs<{ staffId: string; disabled: boolean }>): Promise<{ changed: boolean }> {
  requirePermission(ctx.actor, 'setStaffDisabled');
  const user = await loadManagedStaff(ctx, input.staffId);
  if (user.disabled === input.disabled) return { changed: false };
  await ctx.tx.update(staffUsers).set({ disabled: input.disabled, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  const ended = input.disabled ? await endStaffAccess(ctx, user.id) : undefined;
  await writeAudit(ctx, { action: input.disabled ? 'disable' : 'enable', entity: 'staff_user', entityId: user.id, details: ended });
  return { changed: true };
}
