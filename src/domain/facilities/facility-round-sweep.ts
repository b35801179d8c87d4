import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client';
import { MONITORED_STATUS_LITERALS } from '../../../db/schema';
import { systemActor, withTransaction } from '../context';
import { raiseFacilityNonResponder } from './facility-round';

/**
 * The tick's step for facilities (like create-due-sessions for persons): open each
 * facility's round once its time has come (the row the round link names), in the
 * facility's centre zone; a round ends at the next round time or the end of the local day.
 * Only facilities with residents get rounds. Returns the rounds opened.
 */
export async function openDueFacilityRounds(db: Db, now: Date): Promise<number> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
    with f as (
      select f.id, f.round_times, j.time_zone as tz, (${at} at time zone j.time_zone)::date as local_date
      from facilities f join jurisdictions j on j.id = f.responsible_centre_id
      where f.active and exists (select 1 from facility_residents fr where fr.facility_id = f.id)
    ),
    r as (
      select f.id as facility_id, f.local_date, t.t as round,
             ((f.local_date + t.t::time) at time zone f.tz) as due_at,
             coalesce(((f.local_date + (select min(x) from unnest(f.round_times) x where x > t.t)::time) at time zone f.tz),
                      ((f.local_date + 1)::timestamp at time zone f.tz)) as expires_at
      from f cross join lateral unnest(f.round_times) t(t)
    )
    insert into facility_rounds (facility_id, local_date, round, expires_at, created_at)
    select facility_id, local_date, round, expires_at, ${at} from r where due_at <= ${at} and expires_at > ${at}
    on conflict do nothing
    returning id`,
  );
  return rows.length;
}

/**
 * Rounds that ended without the page being submitted: every resident is a non-responder
 * of the facility — ONE alert for the facility (facility-round.ts), none per resident
 * (their checks close as missed without an alert of their own: source 'facility').
 */
export async function raiseUnsubmittedFacilityRounds(db: Db, now: Date, limit = 500): Promise<number> {
  const at = sql`${now.toISOString()}::timestamptz`;
  return withTransaction(db, { actor: systemActor('facility-round'), now }, async (ctx) => {
    const due = await queryRows<{ id: string; name: string; residents: string[] | null }>(
      ctx.tx,
      sql`
      select r.id, f.name,
             (select array_agg(fr.person_id order by fr.room, p.name_kana, p.name, p.id) from facility_residents fr join persons p on p.id = fr.person_id
               where fr.facility_id = f.id and p.status in (${sql.raw(MONITORED_STATUS_LITERALS)})) as residents
      from facility_rounds r join facilities f on f.id = r.facility_id
      where r.expires_at <= ${at} and r.submitted_at is null and r.missing_person_ids is null
      order by r.expires_at
      limit ${limit}
      for update of r skip locked`,
    );
    for (const d of due) {
      const missing = d.residents ?? [];
      if (missing.length) await raiseFacilityNonResponder(ctx, d.id, d.name, missing, missing.length);
      await ctx.tx.execute(sql`update facility_rounds set missing_person_ids = ${sql`array[${sql.join(missing.map((m) => sql`${m}::uuid`), sql`, `)}]::uuid[]`} where id = ${d.id}`);
    }
    return due.length;
  });
}
