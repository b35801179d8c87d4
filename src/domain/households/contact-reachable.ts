import { sql, type SQL } from 'drizzle-orm';

/**
 * A household's contact who can be reached on her channel: SMS, a call or the web check's
 * link at her phone (contact_address), or LINE with her account linked (contact_line_user_id) — the SQL twin
 * of contactOfRow's test, for the queries that pick households. `alias` is the households
 * table's name in the query.
 * @example sql`… left join households hc on … and ${contactReachable('hc')}`
 */
export function contactReachable(alias = 'households'): SQL {
  const c = (col: string) => sql.raw(`${alias}.${col}`);
  return sql`((${c('contact_channel')} in ('sms', 'voice', 'web') and ${c('contact_address')} is not null) or (${c('contact_channel')} = 'line' and ${c('contact_line_user_id')} is not null))`;
}

export const contactReachableSql = contactReachable();
