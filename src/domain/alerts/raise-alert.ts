import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client';
import type { AlertSeverity } from '../../../db/schema';
import { auditValues } from '../audit';
import { systemActor, type VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { requirePermission } from '../permissions';
import { ALERTS_CHANNEL } from './alert-notices';
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

/**
 * One statement (data-modifying CTEs): the person's centre, the alert (or the merge into
 * the one with the same dedupe key), its 'raised' event and audit row when it is new, and
 * the pg_notify — one round trip where there were five.
 */
async function insertAlert({ ctx, input }: VerbArgs<RaiseAlertInput>): Promise<{ id: string; created: boolean }> {
  const now = sql`${ctx.now.toISOString()}::timestamptz`;
  // The rules raise an alert, not the person whose answer tripped them nor the channel (issue 18: the system as actor).
  const raisedBy = ctx.actor.kind === 'staff' ? ctx : { ...ctx, actor: systemActor('alert-rules') };
  const audit = auditValues(raisedBy, { action: 'raise', entity: 'alert', personId: input.personId, details: { reason: input.reason, severity: input.severity, via: ctx.actor.kind } });
  const [row] = await queryRows<{ id: string; created: boolean }>(
    ctx.tx,
    sql`with p as (select responsible_centre_id as centre_id from persons where id = ${input.personId}),
    a as (
      insert into alerts (person_id, session_id, centre_id, severity, reason, details, dedupe_key, created_at, updated_at)
      select ${input.personId}::uuid, ${input.sessionId ?? null}::uuid, p.centre_id, ${input.severity}, ${input.reason}, ${JSON.stringify({ reasons: input.reasons })}::jsonb, ${input.dedupeKey}, ${now}, ${now} from p
      on conflict (dedupe_key) do update set
        severity = case when alerts.severity = 'red' or excluded.severity = 'red' then 'red' else 'amber' end,
        details = jsonb_build_object('reasons', coalesce(alerts.details->'reasons', '[]'::jsonb) || (
          select coalesce(jsonb_agg(r), '[]'::jsonb) from jsonb_array_elements(excluded.details->'reasons') r
          where not (coalesce(alerts.details->'reasons', '[]'::jsonb) @> jsonb_build_array(jsonb_build_object('ruleId', r->>'ruleId'))))),
        updated_at = excluded.updated_at
      returning id, centre_id, severity, (xmax = 0) as created
    ),
    e as (insert into alert_events (alert_id, kind, note, created_at) select a.id, 'raised', ${input.reason}, ${now} from a where a.created),
    l as (
      insert into audit_log (actor_kind, actor_id, action, entity, entity_id, person_id, ip, user_agent, request_id, details, created_at)
      select ${audit.actorKind}, ${audit.actorId ?? null}, ${audit.action}, ${audit.entity}, a.id::text, ${input.personId}::uuid, ${audit.ip ?? null}, ${audit.userAgent ?? null}, ${audit.requestId ?? null}, ${JSON.stringify(audit.details)}::jsonb, ${now} from a where a.created
    ),
    n as (select pg_notify(${ALERTS_CHANNEL}, json_build_object('alertId', a.id, 'centreId', a.centre_id, 'severity', a.severity, 'created', a.created, 'at', ${now})::text) from a)
    select a.id, a.created, (select count(*) from n) as notified from a`,
  );
  if (!row) throw new NotFoundError('person', input.personId);
  return { id: row.id, created: row.created };
}
