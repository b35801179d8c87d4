import { sql } from 'drizzle-orm';
import { plannerRowEstimate, type DbOrTx } from '../../../db/client';
import { countInboxBacklog } from '../operations/inbox-backlog';

/** A backlog this large that the planner does not see makes the statistics of the inbox refreshed. */
export const INBOX_STATISTICS_AT = 10_000;

export interface InboxStatistics {
  backlog: number;
  /** The planner's belief about the backlog before (−1: not asked, the backlog was small). */
  estimated: number;
  analyzed: boolean;
}

/**
 * Refresh the planner's statistics of inbound_events when a backlog has built up that they do
 * not show.
 *
 * Why: the inbox holds weeks of processed events, so a morning's backlog — however large —
 * stays far below autovacuum's analyze threshold (10 % of the table), and the statistics keep
 * saying that nothing is unprocessed. Each run of the in-order processor then reads its
 * senders' unprocessed events through the partial index of *all* unprocessed events, checking
 * every one (7.3 ms and 575 blocks a run with 30,000 waiting, against 0.19 ms and 34 blocks by
 * the sender index once counted): the larger the backlog, the slower each answer, the larger
 * the backlog. Small backlogs cost little either way and are left alone.
 *
 * SKIP_LOCKED: an autovacuum already working on the table makes this a no-op.
 */
export async function refreshInboxStatistics(db: DbOrTx, now: Date): Promise<InboxStatistics> {
  const { backlog } = await countInboxBacklog(db, now);
  if (backlog < INBOX_STATISTICS_AT) return { backlog, estimated: -1, analyzed: false };
  const estimated = await plannerRowEstimate(db, sql`select 1 from inbound_events where processed_at is null`);
  // Within a factor of four is close enough for the planner to choose the sender's index.
  if (estimated * 4 >= backlog) return { backlog, estimated, analyzed: false };
  await db.execute(sql`analyze (skip_locked) inbound_events`);
  return { backlog, estimated, analyzed: true };
}
