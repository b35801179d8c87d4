import { eq } from 'drizzle-orm';
import { signInFailures } from '../../../db/schema';
import { sha256 } from '../../platform/security/tokens';
import type { Ctx } from '../context';

/** Five wrong passwords lock the account for 15 minutes (then the count starts again). */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MS = 15 * 60_000;

export interface FailureCount {
  failedLogins: number;
  lockedUntil: Date | null;
}

/** The count after one more wrong password: at the fifth the account locks and the count restarts. */
export function afterFailure(count: FailureCount, now: Date): FailureCount & { locked: boolean; failed: number } {
  const failed = count.failedLogins + 1;
  const locked = failed >= MAX_FAILED_LOGINS;
  return { failed, locked, failedLogins: locked ? 0 : failed, lockedUntil: locked ? new Date(now.getTime() + LOCK_MS) : count.lockedUntil };
}

// A hash, never the e-mail someone typed (often a colleague's address with a typo).
const emailKey = (email: string) => sha256(`sign-in:${email}`);

/** The count kept for an e-mail that is no staff account (sign_in_failures). */
export async function unknownEmailCount(ctx: Ctx, email: string): Promise<FailureCount> {
  const [row] = await ctx.tx.select().from(signInFailures).where(eq(signInFailures.emailKey, emailKey(email))).for('update');
  return { failedLogins: row?.failedLogins ?? 0, lockedUntil: row?.lockedUntil ?? null };
}

export async function saveUnknownEmailCount(ctx: Ctx, email: string, count: FailureCount): Promise<void> {
  const values = { failedLogins: count.failedLogins, lockedUntil: count.lockedUntil, updatedAt: ctx.now };
  await ctx.tx
    .insert(signInFailures)
    .values({ emailKey: emailKey(email), ...values })
    .onConflictDoUpdate({ target: signInFailures.emailKey, set: values });
}
