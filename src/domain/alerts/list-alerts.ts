import { answeredByLabel } from '../households/household-order';
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { ALERT_SEVERITIES, ALERT_STATUSES, alerts, jurisdictions, persons, staffUsers } from '../../../db/schema';
import { queryRows } from '../../../db/client';
import { activeAlertScope, personScope } from '../access';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { maskIdentifiers, showsIdentifiers } from '../personal-identifiers';
import { parseInput } from '../validation';
import { cappedTotal, LIST_COUNT_CAP } from '../capped-total';
import { mineSql } from '../caseload/list-caseload';
import { requirePermission } from '../permissions';

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(z.enum(values)).optional());

export const alertQuerySchema = z.object({
  /** open, acknowledged, resolved; comma-separated; default open + acknowledged */
  status: csv(ALERT_STATUSES),
  severity: csv(ALERT_SEVERITIES),
  reason: z.string().trim().max(80).optional(),
  /** a health centre code within the caller's scope */
  centre: z.string().trim().max(40).optional(),
  personId: z.uuid().optional(),
  /** '1': only alerts assigned to me or about persons in my caseload (担当) */
  mine: z.preprocess((v) => v === '1' || v === 'true' || v === true, z.boolean()).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type AlertQuery = z.input<typeof alertQuerySchema>;

export interface AlertListRow {
  id: string;
  severity: 'red' | 'amber';
  status: 'open' | 'acknowledged' | 'resolved';
  reason: string;
  reasons: { ruleId: string; ja: string; en: string; values: Record<string, unknown> }[];
  createdAt: Date;
  acknowledgedAt: Date | null;
  outcome: string | null;
  /** name, kana and phone are null where the role's identifier access hides them in the queue */
  person: { id: string; name: string | null; nameKana: string | null; caseNumber: string; phone: string | null };
  centre: { code: string; nameJa: string; nameEn: string };
  assignedTo: { id: string; name: string } | null;
  /** 「母 見守 花子」: the household reporter who answered the check for this person (null: the person, or names hidden). */
  answeredBy: string | null;
}

/** Who answered the alert's check for the person (a household's reporter, a person or a contact), with their relation. */
const answeredBySql = sql<{ name: string; relation: string | null } | null>`(select case
    when rp.id is not null then json_build_object('name', rp.name, 'relation', hm.relation)
    when hc.contact_name is not null then json_build_object('name', hc.contact_name, 'relation', hc.contact_relation) end
  from check_sessions s left join persons rp on rp.id = s.answered_by_person_id left join household_members hm on hm.person_id = rp.id
  left join households hc on hc.id = s.answered_by_household_id
  where s.id = ${alerts.sessionId})`;

/**
 * The alert queue for the actor's scope: red first, then oldest. One audit row records
 * the list view with the persons it showed (ids only).
 */
export async function listAlerts({ ctx, input }: VerbArgs<AlertQuery | Record<string, unknown>>): Promise<{ alerts: AlertListRow[]; total: number; totalCapped: boolean; identifiers: boolean }> {
  requirePermission(ctx.actor, 'listAlerts');
  const q = parseInput(alertQuerySchema, input);
  const identified = showsIdentifiers(ctx.actor, 'alert_queue');
  const assignee = alias(staffUsers, 'assignee');
  const statuses = q.status?.length ? q.status : (['open', 'acknowledged'] as const);
  const activeOnly = statuses.every((s) => s !== 'resolved');
  const where: SQL[] = [activeOnly ? activeAlertScope(ctx.actor) : personScope(ctx.actor)];
  where.push(inArray(alerts.status, [...statuses]));
  if (q.severity?.length) where.push(inArray(alerts.severity, q.severity));
  if (q.reason) where.push(eq(alerts.reason, q.reason));
  if (q.centre) where.push(eq(jurisdictions.code, q.centre));
  if (q.personId) where.push(eq(alerts.personId, q.personId));
  if (q.mine) where.push(sql`(${alerts.assignedTo} = ${ctx.actor.kind === 'staff' ? ctx.actor.staffId : null} or ${mineSql(ctx, alerts.personId)})`);
  const cond = and(...where);
  const rows = await ctx.tx
    .select({ a: alerts, p: { id: persons.id, name: persons.name, nameKana: persons.nameKana, caseNumber: persons.caseNumber, phone: persons.phone }, j: { code: jurisdictions.code, nameJa: jurisdictions.nameJa, nameEn: jurisdictions.nameEn }, assignee: { id: assignee.id, name: assignee.displayName }, by: answeredBySql })
    .from(alerts)
    .innerJoin(persons, eq(persons.id, alerts.personId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, alerts.centreId))
    .leftJoin(assignee, eq(assignee.id, alerts.assignedTo))
    .where(cond)
    .orderBy(desc(sql`${alerts.severity} = 'red'`), asc(alerts.createdAt), asc(alerts.id))
    .limit(q.limit)
    .offset(q.offset);
  const counted = await ctx.tx
    .select({ one: sql`1` })
    .from(alerts)
    .innerJoin(persons, eq(persons.id, alerts.personId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, alerts.centreId))
    .where(cond)
    .limit(LIST_COUNT_CAP + 1);
  const list: AlertListRow[] = rows.map((r) => ({
    id: r.a.id,
    severity: r.a.severity,
    status: r.a.status,
    reason: r.a.reason,
    reasons: r.a.details.reasons ?? [],
    createdAt: r.a.createdAt,
    acknowledgedAt: r.a.acknowledgedAt,
    outcome: r.a.outcome,
    person: maskIdentifiers(r.p, identified),
    centre: r.j,
    assignedTo: r.assignee?.id ? { id: r.assignee.id, name: r.assignee.name } : null,
    answeredBy: identified && r.by ? answeredByLabel(r.by) : null,
  }));
  if (list.length) {
    await writeAudit(ctx, { action: 'list', entity: 'alert', details: { personIds: [...new Set(list.map((a) => a.person.id))], count: list.length, identifiers: identified } });
  }
  return { alerts: list, ...cappedTotal(counted.length, q.offset + list.length), identifiers: identified };
}

/**
 * The alert reasons in use, for the filter, with the rule's own wording (ja/en, from an
 * alert's details) so the filter shows words, not rule ids. Reasons raised without wording
 * (non_responder, channel_lost …) come with nulls; the console has labels for them.
 * Reasons are rule ids and system causes, not personal data, so the list is not scoped:
 * scoping it meant reading every alert of a prefecture on each page load. A skip scan over
 * alerts_reason_idx: one probe a reason, and one alert of each for its wording.
 */
export async function alertReasons({ ctx }: VerbArgs<unknown>): Promise<{ reason: string; ja: string | null; en: string | null }[]> {
  requirePermission(ctx.actor, 'alertReasons');
  return queryRows<{ reason: string; ja: string | null; en: string | null }>(
    ctx.tx,
    sql`with recursive r(reason) as (
          select min(reason) from alerts
          union all
          select (select min(a.reason) from alerts a where a.reason > r.reason) from r where r.reason is not null
        )
        select r.reason, w.value->>'ja' as ja, w.value->>'en' as en
        from r
          left join lateral (select a.details from alerts a where a.reason = r.reason limit 1) one on true
          left join lateral (select x.value from jsonb_array_elements(coalesce(one.details->'reasons', '[]'::jsonb)) x(value)
                             where x.value->>'ruleId' = r.reason limit 1) w on true
        where r.reason is not null
        order by r.reason
        limit 100`,
  );
}
