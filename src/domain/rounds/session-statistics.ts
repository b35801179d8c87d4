import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';

/** Sessions created since the last refresh after which the planner's statistics are refreshed mid-round. */
export const SESSION_STATISTICS_EVERY = 250_000;
/** Fewer sessions than this created by a tick: the statistics are left to autovacuum. */
export const SESSION_STATISTICS_AFTER = 10_000;

/**
 * Refresh the planner's statistics of check_sessions after a round was created.
 *
 * Why: a morning round turns a table of closed sessions (yesterday's and older) into one
 * with a million open ones, far below autovacuum's analyze threshold (10 % of the table).
 * The statistics still say almost no session is open, so PostgreSQL plans each send's
 * batch (500 sessions by primary key, `status in ('pending', 'prompted', 'active')`) as a
 * BitmapAnd with the partial index of open sessions — reading the whole index, every open
 * session of the round, once or twice per batch (3.3 ms per scan at 100,000; ~15 × that
 * at 1.5 M). With the round counted, the primary key alone is chosen.
 *
 * SKIP_LOCKED: an autovacuum already working on the table (it may take minutes) makes
 * this a no-op rather than holding up the tick.
 */
export async function refreshSessionStatistics(db: DbOrTx): Promise<void> {
  await db.execute(sql`analyze (skip_locked) check_sessions`);
}
