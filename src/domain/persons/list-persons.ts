import { and, asc, eq, ilike, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { jurisdictions, MONITORED_STATUSES, persons } from '../../../db/schema';
import { personScope } from '../access';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { parseInput } from '../validation';
import { cappedTotal, LIST_COUNT_CAP } from '../capped-total';
import { normalisePhone } from './person-input';

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
 * Persons in the actor's scope on one line list, optionally searched by name, kana, case
 * number or phone. The list view is audited once, with the ids it showed.
 */
export async function listPersons({ ctx, input }: VerbArgs<unknown>) {
  const f = parseInput(personListSchema, input);
  const where: (SQL | undefined)[] = [personScope(ctx.actor), listCondition(f.list, ctx.now)];
  if (f.q) {
    const term = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    const phone = normalisePhone(f.q);
    where.push(or(ilike(persons.name, term), ilike(persons.nameKana, term), ilike(persons.caseNumber, term), /^\+\d{6,}$/.test(phone) ? like(persons.phone, `${phone}%`) : undefined));
  }
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
    // Kana order, as a line list is read (the open-alert count is a column, and the
    // attention list holds only persons with one): it follows persons_kana_order_idx.
    .orderBy(asc(persons.nameKana), asc(persons.name), asc(persons.id))
    .limit(f.limit)
    .offset(f.offset);
  const counted = await ctx.tx
    .select({ one: sql`1` })
    .from(persons)
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(cond)
    .limit(LIST_COUNT_CAP + 1);
  if (rows.length) await writeAudit(ctx, { action: 'list', entity: 'person', details: { list: f.list, searched: !!f.q, personIds: rows.map((r) => r.id) } });
  return { persons: rows, ...cappedTotal(counted.length, f.offset + rows.length), list: f.list, limit: f.limit, offset: f.offset };
}
