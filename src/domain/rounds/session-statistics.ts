import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';

/** A tick that created at least this many sessions refreshes the statistics (after its first chunk and at its end). */
export const SESSION_STATISTICS_AFTER = 1_000;
/** …and again each time this many more were created (a national round, 25,000 a chunk). */
export const SESSION_STATISTICS_EVERY = 100_000;

/**
 * Refresh the planner's statistics of check_sessions after a round was created.
 *
 * Why: a morning round turns a table of closed sessions (yesterday's and older) into one
 * with as many open ones, far below autovacuum's analyze threshold (10 % of a table that
 * holds weeks of sessions). With statistics that say almost no session is open, PostgreSQL
 * reads the partial index of open sessions whole where it should not:
 * - each answer's open session (findOpenSession, the batch read-ahead) was found by
 *   reading every open session's index entry and row — 76 ms and 5,000 blocks an answer at
 *   100,000 open, 0.06 ms and 6 blocks by the person's own index once counted;
 * - each send's batch (500 sessions by primary key) ANDed its probes with a bitmap of that
 *   whole index, twice (3.3 ms each at 100,000).
 * An ANALYZE samples at most 30,000 rows: well under a second at national scale.
 *
 * SKIP_LOCKED: an autovacuum already working on the table (it may take minutes) makes
 * this a no-op rather than holding up the tick.
 */
export async function refreshSessionStatistics(db: DbOrTx): Promise<void> {
  await db.execute(sql`analyze (skip_locked) check_sessions`);
}

/**
 * When a tick refreshes: after it created SESSION_STATISTICS_AFTER sessions (its first
 * chunk), again each SESSION_STATISTICS_EVERY more, and at its end for what is left over.
 */
export function refreshAfterRounds(refresh: () => Promise<unknown>) {
  let since = 0;
  let refreshed = false;
  const refreshIf = async (atLeast: number) => {
    if (since < atLeast) return;
    await refresh();
    since = 0;
    refreshed = true;
  };
  return {
    async created(n: number) {
      since += n;
      await refreshIf(refreshed ? SESSION_STATISTICS_EVERY : SESSION_STATISTICS_AFTER);
    },
    done: () => refreshIf(SESSION_STATISTICS_AFTER),
  };
}
