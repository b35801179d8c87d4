import { eq } from 'drizzle-orm';
import { signInFailures } from '../../../db/schema';
import { sha256 } from '../../platform/security/tokens';
import type { Ctx } from '../context';

/**
 * Lock-out that stops guessing but cannot be used to deny service (issue 19.6):
 * - five wrong passwords for one account from one address lock that (account, address)
 *   pair for 15 minutes — the owner signing in from anywhere else is not affected;
 * - fifty wrong passwords for one account from any addresses lock the account itself for
 *   15 minutes and end its sessions; its owner unlocks it at once by signing in with the
 *   password and the current second-factor code together.
 * Failures older than the window are forgotten.
 */
export const MAX_FAILED_LOGINS = 5;
export const MAX_FAILED_LOGINS_GLOBAL = 50;
export const LOCK_MS = 15 * 60_000;
export const FAILURE_WINDOW_MS = 60 * 60_000;

export interface FailureCount {
  failedLogins: number;
  lockedUntil: Date | null;
  updatedAt?: Date | null;
}

/** The count after one more wrong password, locking at `max` (then the count restarts). */
export function afterFailure(count: FailureCount, now: Date, max = MAX_FAILED_LOGINS): FailureCount & { locked: boolean; failed: number } {
  const stale = count.updatedAt && now.getTime() - count.updatedAt.getTime() > FAILURE_WINDOW_MS && !(count.lockedUntil && count.lockedUntil > now);
  const failed = (stale ? 0 : count.failedLogins) + 1;
  const locked = failed >= max;
  return { failed, locked, failedLogins: locked ? 0 : failed, lockedUntil: locked ? new Date(now.getTime() + LOCK_MS) : count.lockedUntil };
}

// Hashes, never the e-mail someone typed (often a colleague's address with a typo) or the address.
const globalKey = (email: string) => sha256(`sign-in:${email}`);
const sourceKey = (email: string, ip: string | null | undefined) => sha256(`sign-in:${email}|${ip ?? 'unknown'}`);

async function lockedRow(ctx: Ctx, key: string): Promise<FailureCount> {
  // Insert first so that the row exists to lock: concurrent tries for one key then queue here.
  await ctx.tx.insert(signInFailures).values({ emailKey: key, failedLogins: 0, updatedAt: ctx.now }).onConflictDoNothing();
  const [row] = await ctx.tx.select().from(signInFailures).where(eq(signInFailures.emailKey, key)).for('update');
  return { failedLogins: row?.failedLogins ?? 0, lockedUntil: row?.lockedUntil ?? null, updatedAt: row?.updatedAt ?? null };
}

async function save(ctx: Ctx, key: string, count: FailureCount): Promise<void> {
  await ctx.tx.update(signInFailures).set({ failedLogins: count.failedLogins, lockedUntil: count.lockedUntil, updatedAt: ctx.now }).where(eq(signInFailures.emailKey, key));
}

/** The account-wide count of an e-mail that is no staff account (locked FOR UPDATE). */
export const unknownEmailCount = (ctx: Ctx, email: string) => lockedRow(ctx, globalKey(email));
export const saveUnknownEmailCount = (ctx: Ctx, email: string, count: FailureCount) => save(ctx, globalKey(email), count);

/** The count of one (e-mail, source address) pair (locked FOR UPDATE). */
export const sourceCount = (ctx: Ctx, email: string) => lockedRow(ctx, sourceKey(email, ctx.request?.ip));
export const saveSourceCount = (ctx: Ctx, email: string, count: FailureCount) => save(ctx, sourceKey(email, ctx.request?.ip), count);
