import { eq } from 'drizzle-orm';
import { jurisdictions, medicalInstitutions, STAFF_ROLES, staffUsers, type StaffRole } from '../../../db/schema';
import { hashPassword, passwordProblem } from '../../platform/security/passwords';
import { requireRoleAtLeast } from '../access';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError, ValidationError, type FieldError } from '../errors';

export interface CreateStaffInput {
  email: string;
  displayName: string;
  password: string;
  role: StaffRole;
  jurisdictionCode?: string | null; // health centre, prefecture ("13") or nation ("JP")
  institutionCode?: string | null; // clinicians
}

const SCOPE_KIND: Record<StaffRole, 'health_centre' | 'prefecture' | 'nation' | 'institution'> = {
  nurse: 'health_centre',
  centre_admin: 'health_centre',
  prefecture_officer: 'prefecture',
  national_officer: 'nation',
  clinician: 'institution',
};

/** Create a staff user, scoped to the jurisdiction or institution its role needs. */
export async function createStaff({ ctx, input }: VerbArgs<CreateStaffInput>): Promise<{ id: string }> {
  requireRoleAtLeast(ctx.actor, 'centre_admin');
  const errors: FieldError[] = [];
  const email = input.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) errors.push({ field: 'email', message: 'must be an e-mail address', messageJa: 'メールアドレスの形式が正しくありません' });
  if (!input.displayName.trim()) errors.push({ field: 'displayName', message: 'is required', messageJa: '表示名を入力してください' });
  if (!STAFF_ROLES.includes(input.role)) errors.push({ field: 'role', message: `must be one of ${STAFF_ROLES.join(', ')}`, messageJa: '役割が正しくありません' });
  const pw = passwordProblem(input.password);
  if (pw) errors.push({ field: 'password', message: pw.en, messageJa: pw.ja });
  if (errors.length) throw new ValidationError(errors);

  const kind = SCOPE_KIND[input.role];
  let jurisdictionId: string | null = null;
  let institutionId: string | null = null;
  if (kind === 'institution') {
    const [inst] = await ctx.tx.select({ id: medicalInstitutions.id }).from(medicalInstitutions).where(eq(medicalInstitutions.code, input.institutionCode ?? ''));
    if (!inst) throw new ValidationError([{ field: 'institutionCode', message: 'unknown medical institution', messageJa: '医療機関が見つかりません' }]);
    institutionId = inst.id;
  } else {
    const [j] = await ctx.tx.select({ id: jurisdictions.id, kind: jurisdictions.kind }).from(jurisdictions).where(eq(jurisdictions.code, input.jurisdictionCode ?? ''));
    if (!j || j.kind !== kind) {
      throw new ValidationError([{ field: 'jurisdictionCode', message: `a ${input.role} needs a ${kind.replace('_', ' ')} code`, messageJa: '所属の管轄コードが役割に合いません' }]);
    }
    jurisdictionId = j.id;
  }
  const [existing] = await ctx.tx.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.email, email));
  if (existing) throw new ConflictError('a staff user with this e-mail already exists');

  const [row] = await ctx.tx
    .insert(staffUsers)
    .values({ email, displayName: input.displayName.trim(), passwordHash: await hashPassword(input.password), role: input.role, jurisdictionId, institutionId, passwordChangedAt: ctx.now })
    .returning({ id: staffUsers.id });
  await writeAudit(ctx, { action: 'create', entity: 'staff_user', entityId: row!.id, details: { role: input.role } });
  return { id: row!.id };
}
