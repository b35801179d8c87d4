import { and, eq, gt, isNull } from 'drizzle-orm';
import { STAFF_ROLES, staffInvitations, staffUsers, type StaffRole } from '../../../db/schema';
import { randomToken, sha256 } from '../../platform/security/tokens';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError, ValidationError, type FieldError } from '../errors';
import { requirePermission } from '../permissions';
import { requireMayAssign, resolveStaffScope } from './staff-scope';

/** How long an enrolment or reset link works. */
export const INVITATION_TTL_MS = 72 * 3600_000;

export interface InviteStaffInput {
  email: string;
  displayName: string;
  role: string;
  jurisdictionCode?: string | null;
  institutionCode?: string | null;
}

export interface Invitation {
  id: string;
  email: string;
  /** The one-time token: shown once to the administrator (and e-mailed), stored hashed. */
  token: string;
  expiresAt: Date;
}

/**
 * Invite a staff member (issue 15, staff onboarding): a one-time enrolment link, valid
 * 72 hours, where the invitee sets their own password and enrols TOTP
 * (accept-invitation.ts). The administrator never sets or sees the password. Role and
 * scope follow the same rules as createStaff (within the inviter's jurisdiction, never
 * above their role); a newer invitation for the same e-mail replaces an older one.
 * @example const { token } = await inviteStaff({ ctx, input: { email, displayName, role: 'nurse', jurisdictionCode: '13-101' } })
 */
export async function inviteStaff({ ctx, input }: VerbArgs<InviteStaffInput>): Promise<Invitation> {
  requirePermission(ctx.actor, 'inviteStaff');
  const errors: FieldError[] = [];
  const email = (input.email ?? '').trim().toLowerCase();
  const displayName = (input.displayName ?? '').trim();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) errors.push({ field: 'email', message: 'must be an e-mail address', messageJa: 'メールアドレスの形式が正しくありません' });
  if (!displayName) errors.push({ field: 'displayName', message: 'is required', messageJa: '氏名（表示名）を入力してください' });
  if (!STAFF_ROLES.includes(input.role as StaffRole)) errors.push({ field: 'role', message: `must be one of ${STAFF_ROLES.join(', ')}`, messageJa: '役割を選んでください' });
  if (errors.length) throw new ValidationError(errors);
  const role = input.role as StaffRole;
  const scope = await resolveStaffScope(ctx, role, input);
  requireMayAssign(ctx.actor, role, scope.path);
  return createInvitation(ctx, { email, displayName, role, jurisdictionId: scope.jurisdictionId, institutionId: scope.institutionId, facilityId: null });
}

/**
 * The enrolment link itself, once the caller has checked who may invite whom: refused when
 * the e-mail is already an account; replaces an older open invitation for the e-mail.
 */
export async function createInvitation(
  ctx: Ctx,
  inv: { email: string; displayName: string; role: StaffRole; jurisdictionId: string | null; institutionId: string | null; facilityId: string | null },
): Promise<Invitation> {
  const { email, displayName, role } = inv;
  const [existing] = await ctx.tx.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.email, email));
  if (existing) throw new ConflictError('a staff user with this e-mail already exists', undefined, 'このメールアドレスのスタッフはすでに登録されています');
  await ctx.tx
    .update(staffInvitations)
    .set({ revokedAt: ctx.now })
    .where(and(eq(staffInvitations.email, email), eq(staffInvitations.kind, 'enrol'), isNull(staffInvitations.usedAt), isNull(staffInvitations.revokedAt), gt(staffInvitations.expiresAt, ctx.now)));
  const token = randomToken();
  const expiresAt = new Date(ctx.now.getTime() + INVITATION_TTL_MS);
  const [row] = await ctx.tx
    .insert(staffInvitations)
    .values({ kind: 'enrol', email, displayName, role, jurisdictionId: inv.jurisdictionId, institutionId: inv.institutionId, facilityId: inv.facilityId, tokenHash: sha256(token), invitedBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null, createdAt: ctx.now, expiresAt })
    .returning({ id: staffInvitations.id });
  await writeAudit(ctx, { action: 'invite', entity: 'staff_invitation', entityId: row!.id, details: { role } });
  return { id: row!.id, email, token, expiresAt };
}
