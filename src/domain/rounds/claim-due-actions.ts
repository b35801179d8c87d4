import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';
import type { ChannelKind } from '../../../db/schema';
import { quietChannelSql, quietHoursSql, type QuietHours } from './quiet-hours';

export type FollowUp = 'remind' | 'call' | 'alert';

export interface DueAction {
  sessionId: string;
  channel: ChannelKind;
  action: FollowUp;
  flowVersionId: string;
  round: string;
  localDate: string;
  lang: string;
  /** Which reminder or call this is (1-based): part of the job id, so each is sent once. */
  attempt: number;
  /** False when a reminder/call falls in quiet hours: it waits (next_action_at = their end). */
  actNow: boolean;
}

/**
 * The reminder chain, found in PostgreSQL rather than held as delayed jobs: open sessions
 * (prompted or half answered) whose next_action_at has passed and whose round is not over.
 * The next step follows from the counters: no reminder yet → a reminder on the same channel;
 * reminded, never called, not a voice session and a usable phone number → an automated
 * call, and again (CALL_MAX_ATTEMPTS calls in all, the voice webhook's status callback
 * sets when); otherwise → the non-responder alert. Each row is leased (next_action_at moves on by
 * leaseMs) in the same statement; the job that acts sets the real next time.
 */
export async function claimDueActions(db: DbOrTx, opts: { now: Date; quiet: QuietHours; leaseMs: number; limit: number; reminderAfterMs: number; maxCalls: number }): Promise<DueAction[]> {
  const now = sql`${opts.now.toISOString()}::timestamptz`;
  const leaseUntil = new Date(opts.now.getTime() + opts.leaseMs).toISOString();
  const remindBefore = new Date(opts.now.getTime() - opts.reminderAfterMs).toISOString();
  const quiet = quietHoursSql(sql`x.tz`, opts.now, opts.quiet);
  // A call always rings; a reminder rings when its channel does. Alerts never wait.
  const waits = sql`(x.action = 'call' or (x.action = 'remind' and ${quietChannelSql(sql`x.channel`)})) and ${quiet.inQuiet}`;
  const rows = await queryRows<{ id: string; channel: ChannelKind; action: FollowUp; flow_version_id: string; round: string; local_date: string; lang: string; attempt: number; waits: boolean }>(
    db,
    sql`
    with due as (
      select id from check_sessions
      where status in ('prompted', 'active') and next_action_at <= ${now} and expires_at > ${now}
      order by next_action_at
      limit ${opts.limit}
      for update skip locked
    ),
    x as (
      select s.id, s.channel, j.time_zone as tz, p.preferred_language as lang,
        case
          -- Whoever marked it prompted (a channel's dispatcher may), the reminder counts from prompted_at.
          when s.reminders_sent = 0 and (s.prompted_at is null or s.prompted_at > ${remindBefore}::timestamptz) then 'wait'
          when s.reminders_sent = 0 then 'remind'
          -- The first automated call for LINE/SMS/web; a call that did not reach the person (no answer,
          -- busy, answering machine, failed) is tried again, up to maxCalls calls in all.
          when (s.call_attempts = 0 and s.channel <> 'voice'
                or s.call_attempts between 1 and ${opts.maxCalls - 1} and (
                  select o.status in ('undelivered', 'failed') from outbound_messages o
                  where o.session_id = s.id and o.channel = 'voice' order by o.created_at desc limit 1)
               ) and exists (
            select 1 from person_channels pc where pc.person_id = s.person_id and pc.kind = 'voice' and pc.state in ('pending', 'verified')
          ) then 'call'
          else 'alert'
        end as action,
        case when s.reminders_sent = 0 then 1 else s.call_attempts + 1 end as attempt,
        coalesce(s.prompted_at, ${now}) + make_interval(secs => ${opts.reminderAfterMs / 1000}) as remind_at
      from due join check_sessions s on s.id = due.id
      join persons p on p.id = s.person_id
      join jurisdictions j on j.id = p.responsible_centre_id
    )
    update check_sessions s
    set next_action_at = case when x.action = 'wait' then x.remind_at when ${waits} then ${quiet.endsAt} else ${leaseUntil}::timestamptz end, updated_at = ${now}
    from x
    where s.id = x.id
    returning s.id, s.channel, x.action, s.flow_version_id, s.round, s.local_date::text as local_date, x.lang, x.attempt, (${waits}) as waits`,
  );
  return rows
    .filter((r) => (r.action as string) !== 'wait')
    .map((r) => ({
      sessionId: r.id,
      channel: r.channel,
      action: r.action,
      flowVersionId: r.flow_version_id,
      round: r.round,
      localDate: r.local_date,
      lang: r.lang,
      attempt: Number(r.attempt),
      actNow: !r.waits,
    }))
    .sort((a, b) => (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
}
