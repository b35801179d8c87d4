import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';
import { markableSql, promptedSetSql } from './record-dispatch';

export interface MarkMulticastSessionsOptions {
  now: Date;
  /** Multicasts sent at or before this are marked. */
  sentBy: Date;
  reminderAfterMs: number;
  /** Most multicasts one statement takes (its sessions' rows stay locked until it ends). */
  limit: number;
}

/**
 * The sessions of LINE multicasts sent by `sentBy` marked prompted, the reminder clock
 * from each multicast's sent_at — what the send itself did until issue 16 showed it was
 * half the round's PostgreSQL work, in the minute the morning's answers (a red one among
 * them) need the machine. Until marked, a session named by a sent multicast is pending
 * but sent: the sweeper does not send it again (claimPendingDispatch), a closed one counts
 * as asked (closeExpiredSessions), and the person's answers are taken as they come (the
 * answer path begins a pending session). One statement: the multicasts' rows in
 * line_multicast_marks taken (skip locked: two ticks never mark the same) and deleted, their
 * sessions marked.
 * Returns how many multicasts and sessions it marked.
 */
export async function markMulticastSessions(db: DbOrTx, opts: MarkMulticastSessionsOptions): Promise<{ multicasts: number; sessions: number }> {
  const [row] = await queryRows<{ multicasts: number; sessions: number }>(
    db,
    sql`
    with due as (
      delete from line_multicast_marks where multicast_id in (
        select multicast_id from line_multicast_marks
        where sent_at <= ${opts.sentBy.toISOString()}::timestamptz
        order by sent_at
        limit ${opts.limit}
        for update skip locked)
      returning multicast_id, sent_at
    ),
    sent as (select unnest(m.session_ids) as session_id, due.sent_at from due join line_multicasts m on m.id = due.multicast_id),
    marked as (
      update check_sessions s set ${promptedSetSql(sql`sent.sent_at`, opts.now, opts.reminderAfterMs)}
      from sent
      where s.id = sent.session_id and ${markableSql('s')}
      returning 1
    )
    select (select count(*) from due)::int as multicasts, (select count(*) from marked)::int as sessions`,
  );
  return row ?? { multicasts: 0, sessions: 0 };
}
