import { z } from 'zod';
import { STAFF_ROLES } from '../../../db/schema';
import type { VerbArgs } from '../context';
import { parseInput } from '../validation';
import { changeStaffRole } from './change-staff-role';
import { setStaffDisabled } from './set-staff-disabled';
import { requirePermission } from '../permissions';

/** What an administrator may change about a staff user: role and scope, and whether they are disabled. */
export const staffChangeSchema = z
  .object({
    role: z.enum(STAFF_ROLES).optional(),
    jurisdictionCode: z.string().trim().max(40, 'must be at most 40 characters').optional(),
    institutionCode: z.string().trim().max(40, 'must be at most 40 characters').optional(),
    disabled: z.boolean().optional(),
  })
  .strict()
  .refine((v) => v.role !== undefined || (v.jurisdictionCode === undefined && v.institutionCode === undefined), { message: 'is required', path: ['role'] })
  .refine((v) => v.role !== undefined || v.disabled !== undefined, { message: 'is required', path: ['role'] });

export type StaffChange = z.infer<typeof staffChangeSchema>;

/**
 * The console's and the API's one door to both verbs, in one transaction: a role/scope
 * change and/or disabling. Either ends the user's sessions and tokens.
 */
export async function updateStaff({ ctx, input }: VerbArgs<{ staffId: string; change: unknown }>): Promise<{ changed: boolean }> {
  requirePermission(ctx.actor, 'updateStaff');
  const change = parseInput(staffChangeSchema, input.change);
  let changed = false;
  if (change.role) changed = (await changeStaffRole({ ctx, input: { staffId: input.staffId, role: change.role, jurisdictionCode: change.jurisdictionCode, institutionCode: change.institutionCode } })).changed;
  if (change.disabled !== undefined) changed = (await setStaffDisabled({ ctx, input: { staffId: input.staffId, disabled: change.disabled } })).changed || changed;
  return { changed };
}
