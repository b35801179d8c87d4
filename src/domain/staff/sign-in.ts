import { eq } from 'drizzle-orm';
import { staffUsers, type StaffRole } from '../../../db/schema';
import { verifyPasswordOrDummy } from '../../platform/security/passwords';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { lockAccount, unlockAccount } from './lock-account';
import {
  afterFailure,
  MAX_FAILED_LOGINS,
  MAX_FAILED_LOGINS_GLOBAL,
  saveSourceCount,
  saveUnknownEmailCount,
  sourceCount,
  unknownEmailCount,
  type FailureCount,
} from './sign-in-failures';
import { checkTotp, type TotpKeyEnv } from './totp';
import { requirePermission } from '../permissions';

export { LOCK_MS, MAX_FAILED_LOGINS, MAX_FAILED_LOGINS_GLOBAL } from './sign-in-failures';

/** Prefecture and national roles see many centres: a second factor is required even with REQUIRE_TOTP_FOR=officers. */
export const TOTP_REQUIRED_ROLES: readonly StaffRole[] = ['prefecture_officer', 'national_officer'];

/**
 * A facility's account (施設職員) is asked for no second factor: it reaches exactly what the
 * round's signed link reaches (one facility's round pages), it is used on the facility's
 * shared tablet where an authenticator would sit on the same device, and its password,
 * lock-out, sessions and audit are the staff ones. README "Households, facilities and languages".
 */
export const TOTP_EXEMPT_ROLES: readonly StaffRole[] = ['facility_reporter'];

export type SignInResult =
  | { outcome: 'ok'; staffId: string; mfa: 'none' | 'verify' | 'enrol' | 'passed' }
  | { outcome: 'invalid' }
  | { outcome: 'locked'; until: Date; unlockable: boolean };

type StaffRow = typeof staffUsers.$inferSelect;

/**
 * Check an e-mail and password (and, to lift a password lock, the second-factor code).
 * The staff row (or, for an unknown e-mail, its failure row) and the (e-mail, address) row
 * are locked FOR UPDATE before the password is verified, so concurrent tries for one
 * account are counted one after another and none is verified past a lock. Failures are
 * returned, not thrown, so the count commits with the audit row. Lock-out rules:
 * sign-in-failures.ts.
 *
 * Nothing in the answer tells whether the e-mail is a staff account: an unknown (or
 * disabled) e-mail runs the same argon2 verification against a dummy hash and is counted
 * and locked exactly like an account.
 */
export async function signIn({ ctx, input, env }: VerbArgs<{ email: string; password: string; code?: string; totpFor?: 'all' | 'officers' }> & { env: TotpKeyEnv }): Promise<SignInResult> {
  requirePermission(ctx.actor, 'signIn');
  const email = input.email.trim().toLowerCase();
  const [user] = await ctx.tx.select().from(staffUsers).where(eq(staffUsers.email, email)).for('update');
  const global: FailureCount = user ? { failedLogins: user.failedLogins, lockedUntil: user.lockedUntil, updatedAt: user.updatedAt } : await unknownEmailCount(ctx, email);
  const source = await sourceCount(ctx, email);
  const globalLocked = !!global.lockedUntil && global.lockedUntil > ctx.now;
  const sourceLocked = !!source.lockedUntil && source.lockedUntil > ctx.now;
  const totpOn = !!user?.totpSecret && user.totpLastStep !== null;
  const unlockable = globalLocked && !sourceLocked && user?.lockReason !== 'totp';
  if (globalLocked && !sourceLocked && input.code?.trim() && user && !user.disabled && totpOn && user.lockReason === 'password') {
    return unlockWithSecondFactor(ctx, env, user, email, source, input);
  }
  if (globalLocked || sourceLocked) {
    const until = [global.lockedUntil, source.lockedUntil].filter((d): d is Date => !!d && d > ctx.now).sort((a, b) => b.getTime() - a.getTime())[0]!;
    await writeAudit(ctx, { action: 'login_failed', entity: 'staff_user', entityId: user?.id ?? null, details: { reason: 'locked' } });
    return { outcome: 'locked', until, unlockable };
  }
  const matches = await verifyPasswordOrDummy(user?.passwordHash ?? null, input.password);
  if (!user || user.disabled || !matches) return recordFailure(ctx, email, user, global, source, !user ? 'unknown' : user.disabled ? 'disabled' : 'password');
  return succeed(ctx, email, user, input.totpFor ?? 'all');
}

/** A password-locked account's owner: the right password and a valid code lift the lock and sign in. */
async function unlockWithSecondFactor(ctx: Ctx, env: TotpKeyEnv, user: StaffRow, email: string, source: FailureCount, input: { password: string; code?: string }): Promise<SignInResult> {
  const matches = await verifyPasswordOrDummy(user.passwordHash, input.password);
  if (!matches) {
    const next = afterFailure(source, ctx.now, MAX_FAILED_LOGINS);
    await saveSourceCount(ctx, email, next);
    await writeAudit(ctx, { action: 'login_failed', entity: 'staff_user', entityId: user.id, details: { reason: 'locked' } });
    return { outcome: 'locked', until: next.locked ? next.lockedUntil! : user.lockedUntil!, unlockable: !next.locked };
  }
  const check = await checkTotp({ ctx, input: { staffId: user.id, code: input.code ?? '', unlocking: true }, env });
  if (!check.ok) return { outcome: 'locked', until: check.locked ? new Date(ctx.now.getTime() + 15 * 60_000) : user.lockedUntil!, unlockable: !check.locked };
  await unlockAccount(ctx, user.id);
  await saveSourceCount(ctx, email, { failedLogins: 0, lockedUntil: null });
  await writeAudit(ctx, { action: 'login', entity: 'staff_user', entityId: user.id, details: { mfa: 'passed', unlocked: true } });
  return { outcome: 'ok', staffId: user.id, mfa: 'passed' };
}

async function recordFailure(ctx: Ctx, email: string, user: StaffRow | undefined, global: FailureCount, source: FailureCount, reason: string): Promise<SignInResult> {
  const bySource = afterFailure(source, ctx.now, MAX_FAILED_LOGINS);
  const byAccount = afterFailure(global, ctx.now, MAX_FAILED_LOGINS_GLOBAL);
  await saveSourceCount(ctx, email, bySource);
  if (user) {
    if (byAccount.locked) await lockAccount(ctx, user.id, 'password');
    else await ctx.tx.update(staffUsers).set({ failedLogins: byAccount.failedLogins, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  } else {
    await saveUnknownEmailCount(ctx, email, byAccount);
  }
  const locked = bySource.locked || byAccount.locked;
  await writeAudit(ctx, { action: locked ? 'lock' : 'login_failed', entity: 'staff_user', entityId: user?.id ?? null, details: { reason, failed: bySource.failed, scope: byAccount.locked ? 'account' : 'source' } });
  if (!locked) return { outcome: 'invalid' };
  return { outcome: 'locked', until: (byAccount.locked ? byAccount.lockedUntil : bySource.lockedUntil)!, unlockable: byAccount.locked && !bySource.locked };
}

async function succeed(ctx: Ctx, email: string, user: StaffRow, totpFor: 'all' | 'officers'): Promise<SignInResult> {
  await ctx.tx.update(staffUsers).set({ failedLogins: 0, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  await saveSourceCount(ctx, email, { failedLogins: 0, lockedUntil: null });
  const confirmed = !!user.totpSecret && user.totpLastStep !== null;
  // REQUIRE_TOTP_FOR: every staff user by default (MHLW guideline); 'officers' keeps it optional for centre staff.
  const required = totpFor === 'all' || TOTP_REQUIRED_ROLES.includes(user.role);
  const mfa = TOTP_EXEMPT_ROLES.includes(user.role) ? 'none' : confirmed ? 'verify' : required ? 'enrol' : 'none';
  await writeAudit(ctx, { action: 'login', entity: 'staff_user', entityId: user.id, details: { mfa } });
  return { outcome: 'ok', staffId: user.id, mfa };
}
