import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';
import type { CreatedSession, CreateDueSessionsOptions } from './create-due-sessions';
import { multicastLeftSql } from './never-sent';
import { quietChannelSql, quietHoursSql } from './quiet-hours';

/**
 * The sweeper's half for sessions: pending sessions whose next_action_at has passed —
 * created while Redis was down, created in quiet hours and now free to go, or whose
 * dispatch job vanished; not those a multicast sent, which the tick has yet to mark
 * (markMulticastSessions). Each is leased again (next_action_at moves on by resweepMs, or
 * to the end of quiet hours) in the same statement, so two ticks never both take it, and
 * returned for dispatch with the same deterministic job ids (a job still queued is a no-op).
 */
export async function claimPendingDispatch(db: DbOrTx, opts: CreateDueSessionsOptions & { limit: number }): Promise<CreatedSession[]> {
  const now = sql`${opts.now.toISOString()}::timestamptz`;
  const claimUntil = new Date(opts.now.getTime() + opts.resweepMs).toISOString();
  const quiet = quietHoursSql(sql`j.time_zone`, opts.now, opts.quiet, sql`j.quiet_hours`);
  const isQuiet = sql`(${quietChannelSql(sql`s.channel`)} and ${quiet.inQuiet})`;
  const rows = await queryRows<{ id: string; channel: CreatedSession['channel']; flow_version_id: string; round: string; local_date: string; lang: string; dispatch_now: boolean }>(
    db,
    sql`
    with due as (
      select id from check_sessions
      where status = 'pending' and next_action_at <= ${now} and expires_at > ${now}
        -- sent by a multicast, not marked yet (markMulticastSessions): never sent twice
        and not ${multicastLeftSql(sql`check_sessions.id`)}
      order by next_action_at
      limit ${opts.limit}
      for update skip locked
    )
    update check_sessions s
    set next_action_at = case when ${isQuiet} then ${quiet.endsAt} else ${claimUntil}::timestamptz end, updated_at = ${now}
    from due, persons p, jurisdictions j
    where s.id = due.id and p.id = s.person_id and j.id = p.responsible_centre_id
    returning s.id, s.channel, s.flow_version_id, s.round, s.local_date::text as local_date, p.preferred_language as lang, not ${isQuiet} as dispatch_now`,
  );
  return rows
    .map((r) => ({ id: r.id, channel: r.channel, flowVersionId: r.flow_version_id, round: r.round, localDate: r.local_date, lang: r.lang, dispatchNow: r.dispatch_now }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
