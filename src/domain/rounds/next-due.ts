import { sql, type SQL } from 'drizzle-orm';
import { queryRows, uuidArray, type DbOrTx } from '../../../db/client';
import { MONITORED_STATUS_LITERALS } from '../../../db/schema';
import { pausedOnSql } from '../pauses/resume-due-pauses';

/**
 * The tick looks only at who is due. `person_due.next_due_at` (one row a person, partial
 * index person_due_next_idx) says when the tick must next look at a person:
 *  - their next round for which no check session exists yet (today's or a later day's,
 *    skipping days before the start of monitoring, after its planned end, and paused days);
 *  - the end of their monitoring (the day after the planned end, in the centre's zone; held
 *    later while a symptom alert is recent, for rules that require improvement);
 *  - '-infinity': at the next tick, whatever it finds. Database triggers (migration 0022) set
 *    this whenever something that decides a person's rounds or end changes — their status,
 *    dates, centre or classification, their flow assignment, a pause, a test record, the
 *    centre's zone or round times, the end rules, the first publication of their flow —
 *    so no writer has to remember it;
 *  - null: nothing to do (not under monitoring, or no round and no planned end).
 * The tick computes the exact time with its own clock (recomputeNextDue), after it created
 * the sessions and ended the monitoring that were due.
 */

/**
 * SQL: the person is due at `now`; with `ids` (a chunk from duePersonChunk), one of these
 * too — the primary key serves it, whatever the planner's statistics of next_due_at say.
 */
export const dueSql = (person: SQL, now: Date, ids?: readonly string[]): SQL =>
  ids
    ? sql`${person}.id = any(${uuidArray(ids)}) and exists (select 1 from person_due pd where pd.person_id = ${person}.id and pd.next_due_at <= ${now.toISOString()}::timestamptz)`
    : sql`${person}.id in (select pd.person_id from person_due pd where pd.next_due_at <= ${now.toISOString()}::timestamptz)`;

/** Where a walk over the due persons stands (next_due_at as text: '-infinity' is no JS Date). */
export interface DueCursor {
  dueAt: string;
  id: string;
}

/**
 * The next `size` persons due at `now`, in (next_due_at, id) order after `after`: an ordered
 * walk of the index person_due_next_idx, so the plan never depends on how many are due
 * (the statistics of next_due_at move every round). An idle tick is one probe of it.
 */
export async function duePersonChunk(db: DbOrTx, now: Date, size: number, after?: DueCursor): Promise<{ ids: string[]; cursor: DueCursor | null }> {
  const from = after ? sql`and (d.next_due_at, d.person_id) > (${after.dueAt}::timestamptz, ${after.id}::uuid)` : sql``;
  const rows = await queryRows<{ id: string; due: string }>(
    db,
    sql`select d.person_id as id, d.next_due_at::text as due from person_due d where d.next_due_at <= ${now.toISOString()}::timestamptz ${from}
        order by d.next_due_at, d.person_id limit ${size}`,
  );
  const last = rows.at(-1);
  return { ids: rows.map((r) => r.id), cursor: last ? { dueAt: last.due, id: last.id } : null };
}

// Alert reasons that say nothing about symptoms: they do not hold back an end "with improvement".
export const NON_SYMPTOM_REASONS = sql`('non_responder', 'not_sent', 'channel_lost', 'opted_out', 'callback_request')`;

/**
 * SQL: the next instant the tick must look at person `p` (joined with their centre `j`), at `now`:
 * the definition, person by person (recomputeNextDue computes the same for a chunk, set-based;
 * tests/jobs/next-due-bulk.test.ts compares the two).
 * The rounds part mirrors createDueSessions: a round is eligible on a day within the
 * monitoring period and not paused, for a flow with a published version; a round already
 * open (due, not over) without a session counts too (at its due time, so the next tick
 * creates it) — which also makes the computation right whatever changed meanwhile.
 */
export function nextDueSql(now: Date): SQL {
  const at = sql`${now.toISOString()}::timestamptz`;
  const today = sql`(${at} at time zone j.time_zone)::date`;
  return sql`(case when p.status not in (${sql.raw(MONITORED_STATUS_LITERALS)}) then null else least(
    (select min(r.due_at)
     from flow_assignments a
     cross join lateral (select distinct x as day from unnest(array[${today}, ${today} + 1,
        greatest(${today}, p.monitoring_start, (select max(mp.resume_on) from monitoring_pauses mp where mp.person_id = p.id and mp.ended_at is null))]) x) d
     cross join lateral jsonb_array_elements_text(a.round_times) rt(t)
     cross join lateral (select ((d.day + rt.t::time) at time zone j.time_zone) as due_at,
        coalesce(((d.day + (select min(y) from jsonb_array_elements_text(a.round_times) y where y > rt.t)::time) at time zone j.time_zone),
                 ((d.day + 1)::timestamp at time zone j.time_zone)) as expires_at) r
     where a.person_id = p.id and a.active
       and exists (select 1 from flow_versions v where v.flow_id = a.flow_id and v.status = 'published')
       and (p.monitoring_start is null or p.monitoring_start <= d.day)
       and (p.monitoring_planned_end is null or d.day <= p.monitoring_planned_end)
       and not ${pausedOnSql(sql`p.id`, sql`d.day`)}
       and r.expires_at > ${at}
       and not exists (select 1 from check_sessions s where s.person_id = p.id and s.local_date = d.day and s.round = rt.t)),
    case when p.monitoring_planned_end is not null then greatest(
      ((p.monitoring_planned_end + 1)::timestamp at time zone j.time_zone),
      (select max(al.created_at + make_interval(hours => er.requires_improvement_hours))
       from monitoring_end_rules er join alerts al on al.person_id = p.id and al.reason not in ${NON_SYMPTOM_REASONS}
       where er.classification = p.classification and er.requires_improvement_hours > 0))
    end) end)`;
}

/**
 * After the tick's work: the next due time of the persons due by `dueBy` (`now`, or the end of the
 * preparation window, ROUND_PREPARE_MINUTES; these `ids`, or all), computed at `now`. A person
 * changed since this statement's snapshot (xmin differs: a trigger made them due again) is
 * left due, so the next tick looks at them with what changed. Returns how many were set.
 *
 * Set-based: the same rules as nextDueSql (the per-person definition, which tests compare it
 * with), but for the whole chunk at once — the chunk's candidate rounds (assignment × day ×
 * round time) are joined against the chunk's sessions read in one index scan (hash anti-join),
 * the open pauses and the recent symptom alerts aggregated once, instead of a dozen correlated
 * probes per person (24 s of a 100,000-person preparation tick).
 */
export async function recomputeNextDue(db: DbOrTx, now: Date, ids?: readonly string[], dueBy: Date = now): Promise<number> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const by = sql`${dueBy.toISOString()}::timestamptz`;
  const idArray = ids ? uuidArray(ids) : null;
  const which = idArray ? sql`d.person_id = any(${idArray}) and ` : sql``;
  const chunkSessions = idArray ? sql`s.person_id = any(${idArray})` : sql`s.person_id in (select id from pp)`;
  const rows = await queryRows<{ n: number }>(
    db,
    sql`with cur as materialized (select d.person_id, d.xmin as v from person_due d where ${which} d.next_due_at <= ${by}),
    pp as materialized (
      select p.id, p.status, p.monitoring_start, p.monitoring_planned_end, p.classification, j.time_zone as tz, (${at} at time zone j.time_zone)::date as today
      from cur join persons p on p.id = cur.person_id join jurisdictions j on j.id = p.responsible_centre_id
    ),
    -- the latest resume day of each open pause (paused on day d ⇔ resume_on > d, as pausedOnSql)
    pz as materialized (
      select mp.person_id, max(mp.resume_on) as resume_on from monitoring_pauses mp
      where mp.ended_at is null and mp.person_id in (select id from pp) group by mp.person_id
    ),
    days as (
      select pp.id as person_id, pp.tz, a.round_times, d.day
      from pp
      join flow_assignments a on a.person_id = pp.id and a.active
      left join pz on pz.person_id = pp.id
      cross join lateral (select distinct x as day from unnest(array[pp.today, pp.today + 1, greatest(pp.today, pp.monitoring_start, pz.resume_on)]) x) d
      where pp.status in (${sql.raw(MONITORED_STATUS_LITERALS)})
        and exists (select 1 from flow_versions v where v.flow_id = a.flow_id and v.status = 'published')
        and (pp.monitoring_start is null or pp.monitoring_start <= d.day)
        and (pp.monitoring_planned_end is null or d.day <= pp.monitoring_planned_end)
        and not coalesce(pz.resume_on > d.day, false)
    ),
    r as (
      select dd.person_id, dd.day, rt.t as round, ((dd.day + rt.t::time) at time zone dd.tz) as due_at,
        coalesce(((dd.day + (select min(y) from jsonb_array_elements_text(dd.round_times) y where y > rt.t)::time) at time zone dd.tz),
                 ((dd.day + 1)::timestamp at time zone dd.tz)) as expires_at
      from days dd cross join lateral jsonb_array_elements_text(dd.round_times) rt(t)
    ),
    -- the chunk's sessions from its earliest local day on, in one scan
    held as materialized (
      select s.person_id, s.local_date, s.round from check_sessions s where ${chunkSessions} and s.local_date >= (select min(today) from pp)
    ),
    rounds as (
      select r.person_id, min(r.due_at) as due_at from r
      where r.expires_at > ${at}
        and not exists (select 1 from held h where h.person_id = r.person_id and h.local_date = r.day and h.round = r.round)
      group by r.person_id
    ),
    imp as (
      select pp.id as person_id, max(al.created_at + make_interval(hours => er.requires_improvement_hours)) as until
      from pp join monitoring_end_rules er on er.classification = pp.classification and er.requires_improvement_hours > 0
      join alerts al on al.person_id = pp.id and al.reason not in ${NON_SYMPTOM_REASONS}
      where pp.monitoring_planned_end is not null
      group by pp.id
    ),
    upd as (
      update person_due d set next_due_at = case when pp.status not in (${sql.raw(MONITORED_STATUS_LITERALS)}) then null else least(
          rounds.due_at,
          case when pp.monitoring_planned_end is not null then greatest(((pp.monitoring_planned_end + 1)::timestamp at time zone pp.tz), imp.until) end) end
      from cur join pp on pp.id = cur.person_id left join rounds on rounds.person_id = pp.id left join imp on imp.person_id = pp.id
      where d.person_id = cur.person_id and d.xmin = cur.v
      returning 1
    )
    select count(*)::int as n from upd`,
  );
  return rows[0]?.n ?? 0;
}
