import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';
import { closeMonitoring, type EndedPerson } from './close-monitoring';
import { dueSql, NON_SYMPTOM_REASONS } from './next-due';

/**
 * Fill in the planned end of monitoring where it is still unknown, from the rules table
 * (monitoring_end_rules: per classification, a basis date + N days — data, not code):
 * last_contact → persons.last_contact_date, onset → onset (else diagnosis) date,
 * specimen → the first positive test's specimen date, diagnosis, monitoring_start.
 * Persons without the basis date keep a null planned end until staff enter it.
 * Only persons due at `now` (next-due.ts): a new person, or one whose dates, classification
 * or test records changed, is due at once.
 */
export async function fillPlannedEnds(db: DbOrTx, now: Date, personIds?: readonly string[]): Promise<number> {
  return (await planEnds(db, now, sql`${dueSql(sql`p`, now, personIds)} and p.monitoring_planned_end is null`)).length;
}

/**
 * A basis date of this person was entered or corrected (onset, diagnosis, last contact, a
 * positive specimen, the classification): the planned end follows the rules again, unless
 * staff set it by hand (extendMonitoring). Same transaction as the correction.
 */
export async function replanMonitoringEnd(db: DbOrTx, personId: string, now: Date): Promise<void> {
  await replanMonitoringEnds(db, [personId], now);
}

/** replanMonitoringEnd for many persons in two statements (a bulk import's chunk). */
export async function replanMonitoringEnds(db: DbOrTx, personIds: readonly string[], now: Date): Promise<void> {
  if (!personIds.length) return;
  const ids = sql.join(personIds.map((id) => sql`${id}::uuid`), sql`, `);
  const reset = await queryRows<{ id: string }>(
    db,
    sql`update persons set monitoring_planned_end = null, updated_at = ${now.toISOString()}::timestamptz
        where id in (${ids}) and not monitoring_end_set_by_staff and status in ('close_contact', 'home_recuperation', 'hotel_recuperation')
        returning id`,
  );
  if (reset.length) await planEnds(db, now, sql`p.id in (${sql.join(reset.map((r) => sql`${r.id}::uuid`), sql`, `)})`);
}

async function planEnds(db: DbOrTx, now: Date, which: SQL): Promise<{ id: string }[]> {
  return queryRows<{ id: string }>(
    db,
    sql`
    with b as (
      select p.id, r.days, case r.basis
        when 'last_contact' then p.last_contact_date
        when 'onset' then coalesce(p.onset_date, p.diagnosis_date)
        when 'diagnosis' then p.diagnosis_date
        when 'monitoring_start' then p.monitoring_start
        when 'specimen' then (select min(t.specimen_date) from test_records t where t.person_id = p.id and t.result = 'positive')
      end as basis_date
      from persons p join monitoring_end_rules r on r.classification = p.classification
      where ${which} and p.status in ('close_contact', 'home_recuperation', 'hotel_recuperation')
    )
    update persons p
    set monitoring_planned_end = b.basis_date + b.days, updated_at = ${now.toISOString()}::timestamptz
    from b
    where p.id = b.id and b.basis_date is not null
    returning p.id`,
  );
}

/**
 * End monitoring for persons whose planned end date has passed in their local time. Rules
 * that require improving symptoms (requires_improvement_hours, e.g. 24 or 72) hold the end
 * back while a symptom alert was raised within those hours; the tick looks again when that
 * alert is old enough. Only persons due at `now` (next-due.ts: their end is one of the times
 * that make them due).
 */
export async function endDueMonitoring(db: DbOrTx, opts: { now: Date; limit: number; personIds?: readonly string[] }): Promise<EndedPerson[]> {
  const now = sql`${opts.now.toISOString()}::timestamptz`;
  const due = await queryRows<{ id: string }>(
    db,
    sql`
    select p.id from persons p
    join jurisdictions j on j.id = p.responsible_centre_id
    left join monitoring_end_rules r on r.classification = p.classification
    where ${dueSql(sql`p`, opts.now, opts.personIds)} and p.status in ('close_contact', 'home_recuperation', 'hotel_recuperation')
      and p.monitoring_planned_end < (${now} at time zone j.time_zone)::date
      and (coalesce(r.requires_improvement_hours, 0) = 0 or not exists (
        select 1 from alerts a where a.person_id = p.id and a.reason not in ${NON_SYMPTOM_REASONS}
          and a.created_at > ${now} - make_interval(hours => r.requires_improvement_hours)))
    order by p.id
    limit ${opts.limit}`,
  );
  return closeMonitoring(db, { personIds: due.map((d) => d.id), now: opts.now, reason: 'planned_end_reached', actor: { kind: 'system', id: 'rounds.tick' } });
}
