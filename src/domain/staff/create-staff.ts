import { eq } from 'drizzle-orm';
import { staffUsers, type StaffRole } from '../../../db/schema';
import { hashPassword, passwordProblem } from '../../platform/security/passwords';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError, ValidationError, type FieldError } from '../errors';
import { requireMayAssign, resolveStaffScope } from './staff-scope';
import { requirePermission } from '../permissions';

export interface CreateStaffInput {
  email: string;
  displayName: string;
  password: string;
  role: StaffRole;
  jurisdictionCode?: string | null; // health centre, prefecture ("13") or nation ("JP")
  institutionCode?: string | null; // clinicians
}

/** Create a staff user, scoped to the jurisdiction or institution its role needs (within the creator's own). */
export async function createStaff({ ctx, input }: VerbArgs<CreateStaffInput>): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'createStaff');
  const errors: FieldError[] = [];
  const email = input.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) errors.push({ field: 'email', message: 'must be an e-mail address', messageJa: 'メールアドレスの形式が正しくありません' });
  if (!input.displayName.trim()) errors.push({ field: 'displayName', message: 'is required', messageJa: '表示名を入力してください' });
  const pw = passwordProblem(input.password, { email, displayName: input.displayName });
  if (pw) errors.push({ field: 'password', message: pw.en, messageJa: pw.ja });
  if (errors.length) throw new ValidationError(errors);

  const scope = await resolveStaffScope(ctx, input.role, input);
  requireMayAssign(ctx.actor, input.role, scope.path);
  const [existing] = await ctx.tx.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.email, email));
  if (existing) throw new ConflictError('a staff user with this e-mail already exists');

  const [row] = await ctx.tx
    .insert(staffUsers)
    .values({ email, displayName: input.displayName.trim(), passwordHash: await hashPassword(input.password), role: input.role, jurisdictionId: scope.jurisdictionId, institutionId: scope.institutionId, passwordChangedAt: ctx.now })
    .returning({ id: staffUsers.id });
  await writeAudit(ctx, { action: 'create', entity: 'staff_user', entityId: row!.id, details: { role: input.role } });
  return { id: row!.id };
}
