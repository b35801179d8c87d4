import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';

export interface ClosedSession {
  id: string;
  /** It was sent but nobody answered and the reminder chain had not reached its alert yet. */
  needsNonResponderAlert: boolean;
}

/**
 * Close open sessions whose round is over (the next round started or the local day ended)
 * as 'missed', in one statement. A late prompt is never sent: a pending session that
 * expires is closed too. Those that were prompted and still in their reminder chain
 * (next_action_at set) are returned for the non-responder alert the chain did not reach.
 */
export async function closeExpiredSessions(db: DbOrTx, opts: { now: Date; limit: number }): Promise<ClosedSession[]> {
  const now = sql`${opts.now.toISOString()}::timestamptz`;
  const rows = await queryRows<{ id: string; was: string; had_next: boolean; source: string }>(
    db,
    sql`
    with old as (
      select id, status, next_action_at, source from check_sessions
      where status in ('pending', 'prompted', 'active') and expires_at <= ${now}
      limit ${opts.limit}
      for update skip locked
    )
    update check_sessions s
    set status = 'missed', next_action_at = null, updated_at = ${now}
    from old
    where s.id = old.id
    returning s.id, old.status as was, (old.next_action_at is not null) as had_next, old.source`,
  );
  return rows.map((r) => ({ id: r.id, needsNonResponderAlert: r.was !== 'pending' && r.had_next && r.source === 'schedule' }));
}
