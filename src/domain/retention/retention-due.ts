import { sql, type SQL } from 'drizzle-orm';
import { addDays, localDateOf } from '../time';

/** Days ahead the console lists records before they are erased. */
export const LIST_AHEAD_DAYS = 14;

/**
 * SQL (on `persons`): the record's retention ends on or before `lastEndDate`'s horizon —
 * monitoring ended (or the person died) `retentionDays` before — and it is neither held nor
 * erased already. Served by persons_actual_end_idx.
 */
export function dueSql(retentionDays: number, today: string, aheadDays = 0): SQL {
  const endedOnOrBefore = addDays(today, -retentionDays + aheadDays);
  return sql`persons.monitoring_actual_end is not null and persons.monitoring_actual_end <= ${endedOnOrBefore}::date
    and persons.status in ('monitoring_ended', 'deceased')
    and not exists (select 1 from retention_holds h where h.person_id = persons.id)
    and not exists (select 1 from person_erasures e where e.person_id = persons.id)`;
}

/** Today in Japan: retention is counted in whole local days. */
export const retentionToday = (now: Date) => localDateOf(now, 'Asia/Tokyo');
