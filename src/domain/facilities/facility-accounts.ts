import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import { staffInvitations, staffUsers } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { NotFoundError, ValidationError, type FieldError } from '../errors';
import { requirePermission } from '../permissions';
import { endStaffAccess } from '../staff/end-staff-access';
import { createInvitation, type Invitation } from '../staff/invite-staff';
import { facilityInScope } from './facility-verbs';

/**
 * A facility's own account (施設アカウント, issue 20): a login for the facility's staff,
 * role facility_reporter, bound to one facility. Those who manage the facility (a
 * centre's nurses and administrators, officers above them) invite it by mail from the
 * facility's page — the staff enrolment link (invite-staff.ts), without a second factor
 * (sign-in.ts TOTP_EXEMPT_ROLES) — and disable it there.
 */

/**
 * Invite an account for the facility: the person sets their own password on the link.
 * @example const inv = await inviteFacilityAccount({ ctx, input: { facilityId, email: 'staff@sakura.example', displayName: 'さくら苑 夜勤' } })
 */
export async function inviteFacilityAccount({ ctx, input }: VerbArgs<{ facilityId: string; email: string; displayName: string }>): Promise<Invitation & { facilityName: string }> {
  requirePermission(ctx.actor, 'inviteFacilityAccount');
  const facility = await facilityInScope(ctx, input.facilityId);
  const email = (input.email ?? '').trim().toLowerCase();
  const displayName = (input.displayName ?? '').trim();
  const errors: FieldError[] = [];
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) errors.push({ field: 'email', message: 'must be an e-mail address', messageJa: 'メールアドレスの形式が正しくありません' });
  if (!displayName || displayName.length > 100) errors.push({ field: 'displayName', message: 'is required (at most 100 characters)', messageJa: '表示名を入力してください（100文字以内）' });
  if (!facility.active) errors.push({ field: 'facilityId', message: 'the facility is deactivated', messageJa: 'この施設は無効です' });
  if (errors.length) throw new ValidationError(errors);
  const inv = await createInvitation(ctx, { email, displayName, role: 'facility_reporter', jurisdictionId: null, institutionId: null, facilityId: facility.id });
  return { ...inv, facilityName: facility.name };
}

export interface FacilityAccount {
  id: string;
  email: string;
  displayName: string;
  disabled: boolean;
  /** An invitation not yet used (no account yet): its expiry. */
  invitedUntil: Date | null;
}

/** The facility's accounts and open invitations, for its page. */
export async function listFacilityAccounts({ ctx, input }: VerbArgs<{ facilityId: string }>): Promise<FacilityAccount[]> {
  requirePermission(ctx.actor, 'listFacilityAccounts');
  const facility = await facilityInScope(ctx, input.facilityId);
  const users = await ctx.tx.select().from(staffUsers).where(eq(staffUsers.facilityId, facility.id)).orderBy(asc(staffUsers.createdAt), asc(staffUsers.id));
  const invites = await ctx.tx
    .select()
    .from(staffInvitations)
    .where(and(eq(staffInvitations.facilityId, facility.id), eq(staffInvitations.kind, 'enrol'), isNull(staffInvitations.usedAt), isNull(staffInvitations.revokedAt), gt(staffInvitations.expiresAt, ctx.now)))
    .orderBy(asc(staffInvitations.createdAt));
  return [
    ...users.map((u) => ({ id: u.id, email: u.email, displayName: u.displayName, disabled: u.disabled, invitedUntil: null })),
    ...invites.map((i) => ({ id: i.id, email: i.email, displayName: i.displayName, disabled: false, invitedUntil: i.expiresAt })),
  ];
}

/**
 * Disable a facility's account (its sessions end at once) or enable it again. Only an
 * account of this facility: any other staff id is not found.
 */
export async function setFacilityAccountDisabled({ ctx, input }: VerbArgs<{ facilityId: string; staffId: string; disabled: boolean }>): Promise<{ changed: boolean }> {
  requirePermission(ctx.actor, 'setFacilityAccountDisabled');
  const facility = await facilityInScope(ctx, input.facilityId);
  const [user] = await ctx.tx.select().from(staffUsers).where(and(eq(staffUsers.id, input.staffId), eq(staffUsers.facilityId, facility.id), eq(staffUsers.role, 'facility_reporter'))).for('update');
  if (!user) throw new NotFoundError('staff_user', input.staffId);
  if (user.disabled === input.disabled) return { changed: false };
  await ctx.tx.update(staffUsers).set({ disabled: input.disabled, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  const ended = input.disabled ? await endStaffAccess(ctx, user.id) : undefined;
  await writeAudit(ctx, { action: input.disabled ? 'disable' : 'enable', entity: 'staff_user', entityId: user.id, details: { facilityId: facility.id, ...ended } });
  return { changed: true };
}
