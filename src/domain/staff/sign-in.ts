import { eq } from 'drizzle-orm';
import { staffUsers, type StaffRole } from '../../../db/schema';
import { verifyPasswordOrDummy } from '../../platform/security/passwords';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { afterFailure, saveUnknownEmailCount, unknownEmailCount, type FailureCount } from './sign-in-failures';

export { LOCK_MS, MAX_FAILED_LOGINS } from './sign-in-failures';

/** Prefecture and national roles see many centres: a second factor is required even with REQUIRE_TOTP_FOR=officers. */
export const TOTP_REQUIRED_ROLES: readonly StaffRole[] = ['prefecture_officer', 'national_officer'];

export type SignInResult =
  | { outcome: 'ok'; staffId: string; mfa: 'none' | 'verify' | 'enrol' }
  | { outcome: 'invalid' }
  | { outcome: 'locked'; until: Date };

type StaffRow = typeof staffUsers.$inferSelect;

/**
 * Check an e-mail and password. Failures are counted and lock the account; they are
 * returned, not thrown, so the count commits with the audit row.
 *
 * Nothing in the answer tells whether the e-mail is a staff account: an unknown (or
 * disabled) e-mail runs the same argon2 verification against a dummy hash, its failures
 * are counted in sign_in_failures and lock it after the same number of tries, and a locked
 * unknown e-mail answers "locked" like a locked account.
 */
export async function signIn({ ctx, input }: VerbArgs<{ email: string; password: string; totpFor?: 'all' | 'officers' }>): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const [user] = await ctx.tx.select().from(staffUsers).where(eq(staffUsers.email, email)).for('update');
  const count: FailureCount = user ? { failedLogins: user.failedLogins, lockedUntil: user.lockedUntil } : await unknownEmailCount(ctx, email);
  const entityId = user?.id ?? null;
  if (count.lockedUntil && count.lockedUntil > ctx.now) {
    await writeAudit(ctx, { action: 'login_failed', entity: 'staff_user', entityId, details: { reason: 'locked' } });
    return { outcome: 'locked', until: count.lockedUntil };
  }
  const matches = await verifyPasswordOrDummy(user?.passwordHash ?? null, input.password);
  if (!user || user.disabled || !matches) return recordFailure(ctx, email, user, count, !user ? 'unknown' : user.disabled ? 'disabled' : 'password');
  return succeed(ctx, user, input.totpFor ?? 'all');
}

async function recordFailure(ctx: Ctx, email: string, user: StaffRow | undefined, count: FailureCount, reason: string): Promise<SignInResult> {
  const next = afterFailure(count, ctx.now);
  if (user) {
    await ctx.tx.update(staffUsers).set({ failedLogins: next.failedLogins, lockedUntil: next.lockedUntil, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  } else {
    await saveUnknownEmailCount(ctx, email, next);
  }
  await writeAudit(ctx, { action: next.locked ? 'lock' : 'login_failed', entity: 'staff_user', entityId: user?.id ?? null, details: { reason, failed: next.failed } });
  return next.locked ? { outcome: 'locked', until: next.lockedUntil! } : { outcome: 'invalid' };
}

async function succeed(ctx: Ctx, user: StaffRow, totpFor: 'all' | 'officers'): Promise<SignInResult> {
  await ctx.tx.update(staffUsers).set({ failedLogins: 0, lockedUntil: null, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  const confirmed = !!user.totpSecret && user.totpLastStep !== null;
  // REQUIRE_TOTP_FOR: every staff user by default (MHLW guideline); 'officers' keeps it optional for centre staff.
  const required = totpFor === 'all' || TOTP_REQUIRED_ROLES.includes(user.role);
  const mfa = confirmed ? 'verify' : required ? 'enrol' : 'none';
  await writeAudit(ctx, { action: 'login', entity: 'staff_user', entityId: user.id, details: { mfa } });
  return { outcome: 'ok', staffId: user.id, mfa };
}
