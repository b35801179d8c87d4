import { eq, sql } from 'drizzle-orm';
import { alertEvents, alerts, persons, type AlertSeverity } from '../../../db/schema';
import { writeAudit } from '../audit';
import { systemActor, type VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { requirePermission } from '../permissions';
import { announceAlert } from './alert-notices';
import { inSpan } from '../../platform/tracing/spans';

export interface AlertReason {
  ruleId: string;
  ja: string;
  en: string;
  values: Record<string, unknown>;
}

export interface RaiseAlertInput {
  personId: string;
  sessionId?: string | null;
  severity: AlertSeverity;
  reason: string; // rule id, or non_responder / not_sent / channel_lost / callback_request / opted_out
  reasons: AlertReason[];
  /** The same cause never opens two alerts: a second raise merges into the first (severity only goes up). */
  dedupeKey: string;
}

/**
 * Raise (or merge into) an alert for the person's responsible centre, record the 'raised'
 * event and notify every open console (pg_notify, delivered on commit).
 */
export async function raiseAlert({ ctx, input }: VerbArgs<RaiseAlertInput>): Promise<{ id: string; created: boolean }> {
  requirePermission(ctx.actor, 'raiseAlert');
  return inSpan('alert.raise', { 'mimamori.alert.severity': input.severity }, () => insertAlert({ ctx, input }));
}

async function insertAlert({ ctx, input }: VerbArgs<RaiseAlertInput>): Promise<{ id: string; created: boolean }> {
  const [person] = await ctx.tx.select({ centreId: persons.responsibleCentreId }).from(persons).where(eq(persons.id, input.personId));
  if (!person) throw new NotFoundError('person', input.personId);
  const [row] = await ctx.tx
    .insert(alerts)
    .values({
      personId: input.personId,
      sessionId: input.sessionId ?? null,
      centreId: person.centreId,
      severity: input.severity,
      reason: input.reason,
      details: { reasons: input.reasons },
      dedupeKey: input.dedupeKey,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .onConflictDoUpdate({
      target: alerts.dedupeKey,
      set: {
        severity: sql`case when ${alerts.severity} = 'red' or excluded.severity = 'red' then 'red' else 'amber' end`,
        details: sql`jsonb_build_object('reasons', coalesce(${alerts.details}->'reasons', '[]'::jsonb) || (
          select coalesce(jsonb_agg(r), '[]'::jsonb) from jsonb_array_elements(excluded.details->'reasons') r
          where not (coalesce(${alerts.details}->'reasons', '[]'::jsonb) @> jsonb_build_array(jsonb_build_object('ruleId', r->>'ruleId')))))`,
        updatedAt: ctx.now,
      },
    })
    .returning({ id: alerts.id, severity: alerts.severity, created: sql<boolean>`(xmax = 0)` });
  const created = row!.created;
  if (created) {
    await ctx.tx.insert(alertEvents).values({ alertId: row!.id, kind: 'raised', note: input.reason, createdAt: ctx.now });
    // The rules raise an alert, not the person whose answer tripped them nor the channel (issue 18: the system as actor).
    const raisedBy = ctx.actor.kind === 'staff' ? ctx : { ...ctx, actor: systemActor('alert-rules') };
    await writeAudit(raisedBy, { action: 'raise', entity: 'alert', entityId: row!.id, personId: input.personId, details: { reason: input.reason, severity: input.severity, via: ctx.actor.kind } });
  }
  await announceAlert(ctx, { alertId: row!.id, centreId: person.centreId, severity: row!.severity, created });
  return { id: row!.id, created };
}
