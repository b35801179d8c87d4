import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';
import { neverSentSql } from './never-sent';

export interface ClosedSession {
  id: string;
  /** It was sent but nobody answered and the reminder chain had not reached its alert yet. */
  needsNonResponderAlert: boolean;
  /** It never reached the person (see never-sent.ts): the centre is told why (raiseNotSent), not "no answer". */
  neverSent: boolean;
}

/**
 * Close open sessions whose round is over (the next round started or the local day ended)
 * as 'missed', in one statement. A late prompt is never sent: a pending session that
 * expires is closed too. Those that were prompted and still in their reminder chain
 * (next_action_at set) are returned for the non-responder alert the chain did not reach;
 * those never sent (a round's or a "send check now" session, not a call-in, nor a household
 * dependent's or a facility resident's, which are never sent on their own) are marked so.
 */
export async function closeExpiredSessions(db: DbOrTx, opts: { now: Date; limit: number }): Promise<ClosedSession[]> {
  const now = sql`${opts.now.toISOString()}::timestamptz`;
  const neverSent = neverSentSql({ id: sql`old.id`, personId: sql`old.person_id`, channel: sql`old.channel`, status: sql`old.status` });
  const rows = await queryRows<{ id: string; was: string; had_next: boolean; source: string; never_sent: boolean }>(
    db,
    sql`
    with old as (
      select id, person_id, channel, status, next_action_at, source from check_sessions
      where status in ('pending', 'prompted', 'active') and expires_at <= ${now}
      limit ${opts.limit}
      for update skip locked
    ),
    judged as (
      select old.*, (old.source in ('schedule', 'manual') and ${neverSent}) as never_sent from old
    )
    update check_sessions s
    set status = 'missed', next_action_at = null, updated_at = ${now}
    from judged
    where s.id = judged.id
    returning s.id, judged.status as was, (judged.next_action_at is not null) as had_next, judged.source, judged.never_sent`,
  );
  return rows.map((r) => ({
    id: r.id,
    // (Pending and not never sent: a multicast sent it, and the tick had not marked it yet.)
    needsNonResponderAlert: r.had_next && r.source === 'schedule' && !r.never_sent,
    neverSent: r.never_sent,
  }));
}
