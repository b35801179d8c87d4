import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';

/**
 * "At most CALL_MAX_ATTEMPTS call tries within the day" is per person and local day, not
 * per round: a patient with rounds at 09:00 and 15:00 is not rung six times. Every
 * automated call placed for any of the person's sessions of that local date counts (the
 * scheduled call of a voice round, its retries, the reminder chain's calls); closing
 * notices and calls the patient made are not 'call' rows and do not count.
 */
export function callsOnDaySql(personId: SQL, localDate: SQL): SQL {
  return sql`(select count(*) from outbound_messages o join check_sessions d on d.id = o.session_id
    where o.person_id = ${personId} and o.kind = 'call' and d.local_date = ${localDate})`;
}

export async function callsOnDay(db: DbOrTx, personId: string, localDate: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select ${callsOnDaySql(sql`${personId}::uuid`, sql`${localDate}::date`)}::int as n`);
  return row?.n ?? 0;
}
