import { and, asc, eq, ilike, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { jurisdictions, MONITORED_STATUSES, persons } from '../../../db/schema';
import { personScope } from '../access';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { parseInput } from '../validation';
import { cappedTotal, LIST_COUNT_CAP } from '../capped-total';
import { maskIdentifiers, showsIdentifiers } from '../personal-identifiers';
import { containsPattern, foldedColumn, foldName, phonePattern } from './search-terms';
import { requirePermission } from '../permissions';

/** The line lists a health centre works from (ラインリスト). */
export const PERSON_LISTS = ['attention', 'not_reported', 'well', 'ending_soon', 'ended', 'all'] as const;
export type PersonList = (typeof PERSON_LISTS)[number];

export const personListSchema = z.object({
  list: z.enum(PERSON_LISTS).default('all'),
  q: z.string().trim().max(100).optional(),
  centre: z.string().trim().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const monitored = sql.raw(MONITORED_STATUSES.map((s) => `'${s}'`).join(','));
// "today" is the person's local date, in their centre's time zone.
const todayOf = (now: Date) => sql`(${now.toISOString()}::timestamptz at time zone ${jurisdictions.timeZone})::date`;
const openAlert = sql`exists (select 1 from alerts a where a.person_id = ${persons.id} and a.status in ('open','acknowledged'))`;
const completedToday = (now: Date) => sql`exists (select 1 from check_sessions s where s.person_id = ${persons.id} and s.local_date = ${todayOf(now)} and s.status = 'completed')`;

function listCondition(list: PersonList, now: Date): SQL | undefined {
  switch (list) {
    case 'attention':
      return openAlert;
    case 'not_reported':
      return sql`${persons.status} in (${monitored}) and not ${completedToday(now)}`;
    case 'well':
      return sql`${persons.status} in (${monitored}) and ${completedToday(now)} and not ${openAlert}`;
    case 'ending_soon':
      return sql`${persons.status} in (${monitored}) and ${persons.monitoringPlannedEnd} <= ${todayOf(now)} + 2`;
    case 'ended':
      return inArray(persons.status, ['monitoring_ended']);
    case 'all':
      return undefined;
  }
}

/**
 * The search: case number always; name and kana folded (hiragana = katakana, any width,
 * spaces ignored) and part of a phone number only where the role sees identifiers —
 * otherwise a search by name would tell who is on the list.
 */
function searchCondition(q: string, identified: boolean): SQL | undefined {
  const conditions: (SQL | undefined)[] = [ilike(persons.caseNumber, containsPattern(q))];
  if (identified) {
    const folded = containsPattern(foldName(q));
    conditions.push(like(foldedColumn(persons.name), folded), like(foldedColumn(persons.nameKana), folded));
    const phone = phonePattern(q);
    if (phone) conditions.push(like(persons.phone, phone));
  }
  return or(...conditions);
}

/**
 * Persons in the actor's scope on one line list, optionally searched by name, kana, case
 * number or phone. The list view is audited once, with the ids it showed. Names, kana and
 * phones are left out where the role's identifier access hides them in lists.
 */
export async function listPersons({ ctx, input }: VerbArgs<unknown>) {
  requirePermission(ctx.actor, 'listPersons');
  const f = parseInput(personListSchema, input);
  const identified = showsIdentifiers(ctx.actor, 'person_list');
  const where: (SQL | undefined)[] = [personScope(ctx.actor), listCondition(f.list, ctx.now)];
  if (f.q) where.push(searchCondition(f.q, identified));
  if (f.centre) where.push(eq(jurisdictions.code, f.centre));
  const cond = and(...where);
  const rows = await ctx.tx
    .select({
      id: persons.id, caseNumber: persons.caseNumber, name: persons.name, nameKana: persons.nameKana, phone: persons.phone, status: persons.status,
      classification: persons.classification, preferredChannel: persons.preferredChannel, monitoringPlannedEnd: persons.monitoringPlannedEnd,
      centreCode: jurisdictions.code, centreJa: jurisdictions.nameJa, centreEn: jurisdictions.nameEn,
      openAlerts: sql<number>`(select count(*)::int from alerts a where a.person_id = ${persons.id} and a.status in ('open','acknowledged'))`,
      reportedToday: sql<boolean>`${completedToday(ctx.now)}`,
    })
    .from(persons)
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(cond)
    // Kana order, as a line list is read (persons_kana_order_idx); without identifiers, case
    // number order (persons_case_order_idx), so the order says nothing of hidden names.
    .orderBy(...(identified ? [asc(persons.nameKana), asc(persons.name)] : [asc(persons.caseNumber)]), asc(persons.id))
    .limit(f.limit)
    .offset(f.offset);
  const counted = await ctx.tx
    .select({ one: sql`1` })
    .from(persons)
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(cond)
    .limit(LIST_COUNT_CAP + 1);
  if (rows.length) await writeAudit(ctx, { action: 'list', entity: 'person', details: { list: f.list, searched: !!f.q, identifiers: identified, personIds: rows.map((r) => r.id) } });
  return { persons: rows.map((r) => maskIdentifiers(r, identified)), identifiers: identified, ...cappedTotal(counted.length, f.offset + rows.length), list: f.list, limit: f.limit, offset: f.offset };
}
