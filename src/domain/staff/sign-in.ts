import { eq } from 'drizzle-orm';
import { staffUsers, type StaffRole } from '../../../db/schema';
import { verifyPassword } from '../../platform/security/passwords';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';

/** Five wrong passwords lock the account for 15 minutes (then the count starts again). */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MS = 15 * 60_000;

/** Prefecture and national roles see many centres: a second factor is required even with REQUIRE_TOTP_FOR=officers. */
export const TOTP_REQUIRED_ROLES: readonly StaffRole[] = ['prefecture_officer', 'national_officer'];

export type SignInResult =
  | { outcome: 'ok'; staffId: string; mfa: 'none' | 'verify' | 'enrol' }
  | { outcome: 'invalid' }
  | { outcome: 'locked'; until: Date };

/**
 * Check an e-mail and password. Failures are counted and lock the account; they are
 * returned, not thrown, so the count commits with the audit row. The same answer for an
 * unknown e-mail and a wrong password, so accounts cannot be enumerated.
 */
export async function signIn({ ctx, input }: VerbArgs<{ email: string; password: string; totpFor?: 'all' | 'officers' }>): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const [user] = await ctx.tx.select().from(staffUsers).where(eq(staffUsers.email, email)).for('update');
  if (!user || user.disabled) {
    await writeAudit(ctx, { action: 'login_failed', entity: 'staff_user', details: { reason: user ? 'disabled' : 'unknown' } });
    return { outcome: 'invalid' };
  }
  if (user.lockedUntil && user.lockedUntil > ctx.now) {
    await writeAudit(ctx, { action: 'login_failed', entity: 'staff_user', entityId: user.id, details: { reason: 'locked' } });
    return { outcome: 'locked', until: user.lockedUntil };
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    const failed = user.failedLogins + 1;
    const lock = failed >= MAX_FAILED_LOGINS;
    await ctx.tx
      .update(staffUsers)
      .set({ failedLogins: lock ? 0 : failed, lockedUntil: lock ? new Date(ctx.now.getTime() + LOCK_MS) : user.lockedUntil, updatedAt: ctx.now })
      .where(eq(staffUsers.id, user.id));
    await writeAudit(ctx, { action: lock ? 'lock' : 'login_failed', entity: 'staff_user', entityId: user.id, details: { reason: 'password', failed } });
    return lock ? { outcome: 'locked', until: new Date(ctx.now.getTime() + LOCK_MS) } : { outcome: 'invalid' };
  }
  await ctx.tx.update(staffUsers).set({ failedLogins: 0, lockedUntil: null, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  const confirmed = !!user.totpSecret && user.totpLastStep !== null;
  // REQUIRE_TOTP_FOR: every staff user by default (MHLW guideline); 'officers' keeps it optional for centre staff.
  const required = (input.totpFor ?? 'all') === 'all' || TOTP_REQUIRED_ROLES.includes(user.role);
  const mfa = confirmed ? 'verify' : required ? 'enrol' : 'none';
  await writeAudit(ctx, { action: 'login', entity: 'staff_user', entityId: user.id, details: { mfa } });
  return { outcome: 'ok', staffId: user.id, mfa };
}
