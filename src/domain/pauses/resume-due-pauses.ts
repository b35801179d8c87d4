import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';

/**
 * The tick's step: pauses whose resume date has come (local date in the person's centre's
 * zone) end as 'resumed_on_date', with an audit row each, before the rounds are created —
 * so the first round of that day prompts the person again. Set-based; safe to run twice.
 */
export async function resumeDuePauses(db: DbOrTx, opts: { now: Date; limit: number }): Promise<number> {
  const now = sql`${opts.now.toISOString()}::timestamptz`;
  const rows = await queryRows<{ id: string; person_id: string }>(
    db,
    sql`with due as (
          select mp.id from monitoring_pauses mp
          join persons p on p.id = mp.person_id join jurisdictions j on j.id = p.responsible_centre_id
          where mp.ended_at is null and mp.resume_on <= (${now} at time zone j.time_zone)::date
          limit ${opts.limit}
          for update of mp skip locked
        ), ended as (
          update monitoring_pauses mp set ended_at = ${now}, end_kind = 'resumed_on_date'
          from due where mp.id = due.id
          returning mp.id, mp.person_id
        ), audited as (
          insert into audit_log (actor_kind, actor_id, action, entity, entity_id, person_id, details, created_at)
          select 'system', 'tick', 'resume', 'monitoring_pause', e.id::text, e.person_id, '{"endKind":"resumed_on_date"}'::jsonb, ${now} from ended e
        )
        select id, person_id from ended`,
  );
  return rows.length;
}

/** SQL: the person has a pause in force on `localDate` (it ends at the start of its resume date). */
export const pausedOnSql = (personId: SQL, localDate: SQL): SQL =>
  sql`exists (select 1 from monitoring_pauses mp where mp.person_id = ${personId} and mp.ended_at is null and mp.resume_on > ${localDate})`;
