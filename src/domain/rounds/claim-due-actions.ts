import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';
import type { ChannelKind } from '../../../db/schema';
import { callsOnDaySql } from './day-calls';
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
 * The next step follows from the counters:
 *  - no reminder yet → a reminder on the same channel, REMINDER_AFTER_MINUTES after the
 *    prompt — or as soon as next_action_at says when the prompt did not reach the person
 *    (Twilio's status callback: a failed SMS prompt is retried, an unanswered voice call is
 *    called again, CALL_RETRY_MINUTES later; for a voice session the reminder is a call);
 *  - reminded, and the person may still be called today (fewer than maxCalls calls on this
 *    local date, see day-calls.ts) with a usable voice number → an automated call: the
 *    first one for LINE/SMS/web, another one after a call that did not get through;
 *  - otherwise → the non-responder alert.
 * An SMS session whose number opted out (STOP) leaves the chain: nothing more is due.
 * Each row is leased (next_action_at moves on by leaseMs) in the same statement; the job
 * that acts sets the real next time.
 */
export async function claimDueActions(db: DbOrTx, opts: { now: Date; quiet: QuietHours; leaseMs: number; limit: number; reminderAfterMs: number; maxCalls: number }): Promise<DueAction[]> {
  const now = sql`${opts.now.toISOString()}::timestamptz`;
  const leaseUntil = new Date(opts.now.getTime() + opts.leaseMs).toISOString();
  const remindBefore = new Date(opts.now.getTime() - opts.reminderAfterMs).toISOString();
  const quiet = quietHoursSql(sql`x.tz`, opts.now, opts.quiet, sql`x.quiet_hours`);
  // A call always rings; a reminder rings when its channel does. Alerts never wait.
  const waits = sql`(x.action = 'call' or (x.action = 'remind' and ${quietChannelSql(sql`x.channel`)})) and ${quiet.inQuiet}`;
  // (person_id first: outbound_messages is indexed by person, not by session.)
  const promptMissed = sql`exists (select 1 from outbound_messages o where o.person_id = s.person_id and o.session_id = s.id
    and o.channel in ('sms', 'voice') and o.kind in ('prompt', 'call') and o.status in ('undelivered', 'failed'))`;
  const lastCallMissed = sql`(select o.status in ('undelivered', 'failed') from outbound_messages o
    where o.person_id = s.person_id and o.session_id = s.id and o.kind = 'call' order by o.created_at desc, o.retry_key desc limit 1)`;
  // SMS STOP: no reminder, no automated call, no non-responder alert for the session — the
  // centre had one 'opted_out' alert. The session stays open: a late answer is still recorded.
  const optedOut = sql`s.channel = 'sms' and exists (select 1 from person_channels pc where pc.person_id = s.person_id and pc.kind = 'sms' and pc.state = 'opted_out')`;
  const mayCall = sql`${callsOnDaySql(sql`s.person_id`, sql`s.local_date`)} < ${opts.maxCalls} and exists (
    select 1 from person_channels pc where pc.person_id = s.person_id and pc.kind = 'voice' and pc.state in ('pending', 'verified'))`;
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
      select s.id, s.channel, j.time_zone as tz, j.quiet_hours, p.preferred_language as lang,
        case
          when ${optedOut} then 'stop'
          -- Whoever marked it prompted (a channel's dispatcher may), the reminder counts from prompted_at.
          when s.reminders_sent = 0 and not ${promptMissed} and (s.prompted_at is null or s.prompted_at > ${remindBefore}::timestamptz) then 'wait'
          when s.reminders_sent = 0 then 'remind'
          when (s.call_attempts = 0 and s.channel <> 'voice' or s.call_attempts > 0 and ${lastCallMissed}) and ${mayCall} then 'call'
          else 'alert'
        end as action,
        case when s.reminders_sent = 0 then 1 else s.call_attempts + 1 end as attempt,
        coalesce(s.prompted_at, ${now}) + make_interval(secs => ${opts.reminderAfterMs / 1000}) as remind_at
      from due join check_sessions s on s.id = due.id
      join persons p on p.id = s.person_id
      join jurisdictions j on j.id = p.responsible_centre_id
    )
    update check_sessions s
    set next_action_at = case when x.action = 'stop' then null when x.action = 'wait' then x.remind_at when ${waits} then ${quiet.endsAt} else ${leaseUntil}::timestamptz end, updated_at = ${now}
    from x
    where s.id = x.id
    returning s.id, s.channel, x.action, s.flow_version_id, s.round, s.local_date::text as local_date, x.lang, x.attempt, (${waits}) as waits`,
  );
  return rows
    .filter((r) => (r.action as string) !== 'wait' && (r.action as string) !== 'stop')
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
