import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

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

/**
 * For SQL: the language of the contact who reports for the person in `personId` (a column),
 * null when no contact does — what the member's questions and pages are given in, since she
 * reads or hears them (flow-context.ts, resolve-link.ts). Here, beside contactReachable, so that
 * flow-context.ts imports nothing that imports it back.
 */
export function contactLanguageSql(personId: SQL | AnyColumn): SQL<string | null> {
  return sql<string | null>`(select hh.contact_language from household_members hm join households hh on hh.id = hm.household_id
    where hm.person_id = ${personId} and hh.reporter_person_id is null and ${contactReachable('hh')} and hh.contact_opted_out_at is null limit 1)`;
}
