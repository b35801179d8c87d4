import { eq } from 'drizzle-orm';
import { staffUsers, type StaffRole } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { endStaffAccess } from './end-staff-access';
import { loadManagedStaff, requireMayAssign, resolveStaffScope } from './staff-scope';
import { requirePermission } from '../permissions';

export interface ChangeStaffRoleInput {
  staffId: string;
  role: StaffRole;
  jurisdictionCode?: string | null;
  institutionCode?: string | null;
}

/**
 * Give a staff user another role and/or scope (centre_admin and up, within their own
 * jurisdiction, never above their own role, never themselves). Their sessions and API
 * tokens end in the same transaction, so the next request with either is refused.
 * @example changeStaffRole({ ctx, input: { staffId, role: 'centre_admin', jurisdictionCode: '13-101' } })
 */
export async function changeStaffRole({ ctx, input }: VerbArgs<ChangeStaffRoleInput>): Promise<{ changed: boolean }> {
  requirePermission(ctx.actor, 'changeStaffRole');
  const user = await loadManagedStaff(ctx, input.staffId);
  const scope = await resolveStaffScope(ctx, input.role, input);
  requireMayAssign(ctx.actor, input.role, scope.path);
  if (user.role === input.role && user.jurisdictionId === scope.jurisdictionId && user.institutionId === scope.institutionId) return { changed: false };
  await ctx.tx.update(staffUsers).set({ role: input.role, jurisdictionId: scope.jurisdictionId, institutionId: scope.institutionId, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  const ended = await endStaffAccess(ctx, user.id);
  await writeAudit(ctx, {
    action: 'change_role',
    entity: 'staff_user',
    entityId: user.id,
    details: { from: { role: user.role, scope: user.path }, to: { role: input.role, scope: scope.path }, ...ended },
  });
  return { changed: true };
}
