import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';
import { MONITORED_STATUS_LITERALS, type ChannelKind } from '../../../db/schema';
import { VOICELESS_LANG_LITERALS } from '../channels/voiceless';
import { contactReachable } from '../households/contact-reachable';
import { pausedOnSql } from '../pauses/resume-due-pauses';
import { dueSql } from './next-due';
import { quietChannelSql, quietHoursSql, type QuietHours } from './quiet-hours';

/** A check session the tick just created and may have to dispatch. */
export interface CreatedSession {
  id: string;
  channel: ChannelKind;
  flowVersionId: string;
  round: string;
  localDate: string;
  lang: string;
  /** False when the channel is in quiet hours: the session waits (next_action_at) for their end. */
  dispatchNow: boolean;
  /** The round time; later than `now` for a session prepared ahead (ROUND_PREPARE_MINUTES): sent no earlier. */
  dueAt?: Date;
}

export interface CreateDueSessionsOptions {
  now: Date;
  quiet: QuietHours;
  /** When an un-dispatched pending session is looked at again (the sweeper's lease). */
  resweepMs: number;
  /** Only these persons (a chunk of the due ones, duePersonChunk); else every person due. */
  personIds?: readonly string[];
  /**
   * Prepare rounds due within this many ms from `now` too (ROUND_PREPARE_MINUTES): their
   * sessions are created pending now, with due_at at the round time, and sent no earlier.
   */
  prepareMs?: number;
}

/**
 * Create the check sessions of every round now due, in one set-based statement: persons
 * under monitoring with an active flow assignment, each round time ("09:00") resolved on
 * the person's local date in their health centre's zone. A round is due when its instant
 * has passed (or comes within `prepareMs`, on today's or — past local midnight — the next
 * local date) and it is not over (the next round has not started and the local day has not
 * ended). The unique (person, local date, round) index makes a second tick or a second
 * process create nothing (ON CONFLICT DO NOTHING); the NOT EXISTS keeps that cheap.
 *
 * Only persons due at `now` are looked at (person_due.next_due_at, see next-due.ts: the
 * partial index person_due_next_idx serves every tick, so an idle tick reads no person);
 * the tick then computes their next due time (recomputeNextDue).
 *
 * A household's dependent (whose reporter is monitored) and a facility's resident get their
 * session like anyone, but it is never dispatched and has no reminder chain: the reporter's
 * conversation or the facility's round page answers it (src/domain/households, facilities).
 *
 * Returns only the rows created by this call, ordered by id (deterministic batches).
 */
export async function createDueSessions(db: DbOrTx, opts: CreateDueSessionsOptions): Promise<CreatedSession[]> {
  const now = sql`${opts.now.toISOString()}::timestamptz`;
  const horizonAt = new Date(opts.now.getTime() + (opts.prepareMs ?? 0));
  const horizon = sql`${horizonAt.toISOString()}::timestamptz`;
  const claimUntil = new Date(opts.now.getTime() + opts.resweepMs).toISOString();
  const resweep = sql`make_interval(secs => ${opts.resweepMs / 1000})`;
  // Quiet hours are judged at the send time (the round time of a prepared round, now for one
  // created late), so a round at the very start of quiet hours is held like any in them.
  const quietR = quietHoursSql(sql`r.tz`, sql`r.send_at`, opts.quiet, sql`r.quiet_hours`);
  const quietC = quietHoursSql(sql`c.tz`, sql`c.send_at`, opts.quiet, sql`c.quiet_hours`);
  const rows = await queryRows<{ id: string; channel: ChannelKind; flow_version_id: string; round: string; local_date: string; lang: string; dispatch_now: boolean; due_at: Date | string }>(
    db,
    sql`
    with latest as (
      select distinct on (flow_id) flow_id, id from flow_versions where status = 'published' order by flow_id, version desc
    ),
    people as (
      select p.id as person_id,
             -- a facility's residents answer on the facility's page; a household member through the reporter's channel;
             -- no automated voice in their language (Nepali): the web link instead (src/flows/languages)
             case when fr.person_id is not null then 'web'
                  when hc.id is not null and hc.contact_channel = 'voice' and hc.contact_language in (${sql.raw(VOICELESS_LANG_LITERALS)}) then 'web'
                  when hc.id is not null then hc.contact_channel
                  when coalesce(rp.preferred_channel, p.preferred_channel) = 'voice' and coalesce(rp.preferred_language, p.preferred_language) in (${sql.raw(VOICELESS_LANG_LITERALS)}) then 'web'
                  else coalesce(rp.preferred_channel, p.preferred_channel) end as channel,
             coalesce(hc.contact_language, rp.preferred_language, p.preferred_language) as lang, j.time_zone as tz, j.quiet_hours,
             (${now} at time zone j.time_zone)::date as today, (${horizon} at time zone j.time_zone)::date as horizon_date,
             l.id as flow_version_id, a.round_times,
             p.monitoring_start, p.monitoring_planned_end,
             case when fr.person_id is not null then 'facility' when rp.id is not null then 'household' end as rider
      from persons p
      join flow_assignments a on a.person_id = p.id and a.active
      join jurisdictions j on j.id = p.responsible_centre_id
      join latest l on l.flow_id = a.flow_id
      -- A household's dependent is asked through its reporter's conversation, a facility's
      -- resident on the facility's round page: their sessions ride along, never dispatched.
      left join household_members hm on hm.person_id = p.id
      left join households h on h.id = hm.household_id and h.reporter_person_id <> p.id
      left join persons rp on rp.id = h.reporter_person_id and rp.status in (${sql.raw(MONITORED_STATUS_LITERALS)})
      -- A household whose reporter is a contact (not a person; reached by SMS, call or the web
      -- link at her phone, or a linked LINE): each member's session is dispatched to the contact;
      -- the dispatcher sends the first open member's and makes the others riders
      -- (household-contact-session.ts).
      left join households hc on hc.id = hm.household_id and hc.reporter_person_id is null and ${contactReachable('hc')} and hc.contact_opted_out_at is null
      left join facility_residents fr on fr.person_id = p.id
      where ${dueSql(sql`p`, horizonAt, opts.personIds)} and p.status in (${sql.raw(MONITORED_STATUS_LITERALS)})
    ),
    -- Each round on its own local date: today's, and the next day's when the preparation window
    -- reaches past local midnight (a 00:02 round prepared at 23:58 is the 00:02 round of its own
    -- day, so the tick at 00:02 finds it by the unique (person, local date, round) and adds none).
    -- The second day is a row only for persons whose window crosses midnight: no sort, no distinct.
    days as (
      select pp.*, dd.local_date from people pp
      cross join lateral (select pp.today as local_date union all select pp.horizon_date where pp.horizon_date > pp.today) dd
    ),
    rounds as (
      select d.*, r.t as round, due.at as due_at, greatest(${now}, due.at) as send_at,
             coalesce(
               ((d.local_date + (select min(x) from jsonb_array_elements_text(d.round_times) x where x > r.t)::time) at time zone d.tz),
               ((d.local_date + 1)::timestamp at time zone d.tz)
             ) as expires_at
      from days d cross join lateral jsonb_array_elements_text(d.round_times) r(t)
      cross join lateral (select ((d.local_date + r.t::time) at time zone d.tz) as at) due
      where (d.monitoring_start is null or d.monitoring_start <= d.local_date)
        and (d.monitoring_planned_end is null or d.local_date <= d.monitoring_planned_end)
        and not ${pausedOnSql(sql`d.person_id`, sql`d.local_date`)} -- 一時停止中: no prompts
    ),
    c as (
      select r.*, (${quietChannelSql(sql`r.channel`)} and ${quietR.inQuiet}) as quiet
      from rounds r
      where r.due_at <= ${horizon} and r.expires_at > ${now}
        and not exists (select 1 from check_sessions s where s.person_id = r.person_id and s.local_date = r.local_date and s.round = r.round)
    ),
    ins as (
      insert into check_sessions (person_id, flow_version_id, local_date, round, channel, status, source, due_at, expires_at, next_action_at, created_at, updated_at)
      select person_id, flow_version_id, local_date, round, channel, 'pending', coalesce(rider, 'schedule'), due_at, expires_at,
             -- (a prepared session is looked at again no earlier than its round time: the sweeper never sends it early)
             case when rider is not null then null when quiet then ${quietC.endsAt}
                  else greatest(${claimUntil}::timestamptz, due_at + ${resweep}) end, ${now}, ${now}
      from c
      on conflict do nothing
      returning id, person_id, channel, flow_version_id, round, local_date, due_at
    )
    select ins.id, ins.channel, ins.flow_version_id, ins.round, ins.local_date::text as local_date, ins.due_at, c.lang, not c.quiet and c.rider is null as dispatch_now
    from ins join c on c.person_id = ins.person_id and c.local_date = ins.local_date and c.round = ins.round
    order by ins.id`,
  );
  return rows.map((r) => ({ id: r.id, channel: r.channel, flowVersionId: r.flow_version_id, round: r.round, localDate: r.local_date, lang: r.lang, dispatchNow: r.dispatch_now, dueAt: new Date(r.due_at) }));
}
