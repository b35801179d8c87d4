import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../../db/client';
import { personScope } from '../access';
import { askedSql } from '../rounds/never-sent';
import type { VerbArgs } from '../context';
import { addDays, localDateOf } from '../time';
import { parseInput } from '../validation';
import { requirePermission } from '../permissions';

export const statsInputSchema = z
  .object({
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    days: z.coerce.number().int().min(1).max(92).default(14),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { path: ['from'], message: 'must not be after to' });
export type StatsInput = z.input<typeof statsInputSchema>;

export interface Stats {
  range: { from: string; to: string };
  personsByStatus: { status: string; classification: string; count: number }[];
  alertsPerDay: { date: string; red: number; amber: number }[];
  checksPerRound: { date: string; round: string; sent: number; answered: number; share: number | null }[];
  /** 発生届 accepted per local day (the day a centre accepted them): counted the moment they are. */
  notificationsAccepted: { date: string; count: number }[];
  perCentre: { code: string; nameJa: string; nameEn: string; persons: number; monitored: number; openAlerts: number; sent: number; answered: number; share: number | null }[];
}

const share = (answered: number, sent: number) => (sent === 0 ? null : Math.round((answered / sent) * 1000) / 1000);

/**
 * The dashboard's figures for the actor's scope (personScope), over local dates
 * [from, to] (default: the last `days` days up to today in Japan). Aggregates only: no
 * person is identified, so no per-person audit row. A check counts as sent once it was
 * prompted (pending and cancelled ones are not), as answered when completed; manual
 * checks ("manual-<n>") are one round, 'manual'.
 */
export async function getStats({ ctx, input }: VerbArgs<StatsInput>): Promise<Stats> {
  requirePermission(ctx.actor, 'getStats');
  const i = parseInput(statsInputSchema, input);
  const to = i.to ?? localDateOf(ctx.now, 'Asia/Tokyo');
  const from = i.from ?? addDays(to, -(i.days - 1));
  const scope = personScope(ctx.actor);
  // Sent: asked (a session a LINE multicast sent counts before the tick marks it prompted).
  const asked = askedSql({ id: sql`s.id`, status: sql`s.status`, dueAt: sql`s.due_at` }, ctx.now);
  const [byStatus, alerts, rounds, centres, accepted] = await Promise.all([
    queryRows<{ status: string; classification: string; count: number }>(ctx.tx, sql`
      select persons.status, persons.classification, count(*)::int as count from persons
      where ${scope} group by 1, 2 order by 1, 2`),
    queryRows<{ date: string; red: number; amber: number }>(ctx.tx, sql`
      select (a.created_at at time zone j.time_zone)::date::text as date,
        count(*) filter (where a.severity = 'red')::int as red, count(*) filter (where a.severity = 'amber')::int as amber
      from alerts a join persons on persons.id = a.person_id join jurisdictions j on j.id = a.centre_id
      where ${scope} and (a.created_at at time zone j.time_zone)::date between ${from}::date and ${to}::date
      group by 1 order by 1`),
    queryRows<{ date: string; round: string; sent: number; answered: number }>(ctx.tx, sql`
      select s.local_date::text as date, case when s.round like 'manual-%' then 'manual' else s.round end as round,
        count(*)::int as sent, count(*) filter (where s.status = 'completed')::int as answered
      from check_sessions s join persons on persons.id = s.person_id
      where ${scope} and ${asked} and s.local_date between ${from}::date and ${to}::date
      group by 1, 2 order by 1, 2`),
    queryRows<{ code: string; name_ja: string; name_en: string; persons: number; monitored: number; open_alerts: number; sent: number; answered: number }>(ctx.tx, sql`
      with p as (select persons.id, persons.responsible_centre_id, persons.status from persons where ${scope})
      select j.code, j.name_ja, j.name_en, count(*)::int as persons,
        count(*) filter (where p.status in ('close_contact', 'home_recuperation', 'hotel_recuperation'))::int as monitored,
        coalesce(sum((select count(*) from alerts a where a.person_id = p.id and a.status <> 'resolved')), 0)::int as open_alerts,
        coalesce(sum((select count(*) from check_sessions s where s.person_id = p.id and ${asked}
          and s.local_date between ${from}::date and ${to}::date)), 0)::int as sent,
        coalesce(sum((select count(*) from check_sessions s where s.person_id = p.id and s.status = 'completed'
          and s.local_date between ${from}::date and ${to}::date)), 0)::int as answered
      from p join jurisdictions j on j.id = p.responsible_centre_id
      group by j.code, j.name_ja, j.name_en order by j.code`),
    queryRows<{ date: string; count: number }>(ctx.tx, sql`
      select (n.decided_at at time zone j.time_zone)::date::text as date, count(*)::int as count
      from notifications n join persons on persons.id = n.person_id join jurisdictions j on j.id = n.centre_id
      where ${scope} and n.status = 'accepted' and (n.decided_at at time zone j.time_zone)::date between ${from}::date and ${to}::date
      group by 1 order by 1`),
  ]);
  const acceptedByDate = new Map(accepted.map((r) => [r.date, r.count]));
  return {
    range: { from, to },
    personsByStatus: byStatus,
    alertsPerDay: fillDays(from, to, alerts),
    checksPerRound: rounds.map((r) => ({ ...r, share: share(r.answered, r.sent) })),
    notificationsAccepted: fillDays(from, to, []).map((d) => ({ date: d.date, count: acceptedByDate.get(d.date) ?? 0 })),
    perCentre: centres.map((c) => ({
      code: c.code, nameJa: c.name_ja, nameEn: c.name_en, persons: c.persons, monitored: c.monitored,
      openAlerts: c.open_alerts, sent: c.sent, answered: c.answered, share: share(c.answered, c.sent),
    })),
  };
}

/** One entry per day of the range, zeros included, so a chart's x axis has no gaps. */
function fillDays(from: string, to: string, rows: { date: string; red: number; amber: number }[]) {
  const byDate = new Map(rows.map((r) => [r.date, r]));
  const out: Stats['alertsPerDay'] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push({ date: d, red: byDate.get(d)?.red ?? 0, amber: byDate.get(d)?.amber ?? 0 });
  return out;
}
