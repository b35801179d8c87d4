import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client';
import { escalationAlerts, escalations } from '../../../db/schema';
import { isCentreOpenAt } from '../opening-hours/centre-open';

export interface EscalationTiming {
  redAfterMs: number;
  amberAfterMs: number;
  repeatMs: number;
}

/**
 * Alerts nobody took in time join their centre's escalation chain: a red alert open (not
 * acknowledged) for ESCALATE_RED_AFTER_MINUTES, an amber one for
 * ESCALATE_AMBER_AFTER_MINUTES while the centre is open (holidays and the year-end
 * closure count as closed). A centre without an active chain gets one, its first step due
 * at once; a centre with one adds the alerts to it (the next page announces them).
 * One transaction; the unique keys (one active chain per centre, one chain per alert)
 * make two processes or a repeated tick harmless. Returns the alerts that joined.
 */
export async function startEscalations(db: Db, now: Date, timing: EscalationTiming, limit = 1000): Promise<number> {
  return db.transaction(async (tx) => {
    const redBefore = new Date(now.getTime() - timing.redAfterMs);
    const amberBefore = new Date(now.getTime() - timing.amberAfterMs);
    const overdue = await queryRows<{ id: string; centreId: string; severity: string; openingHours: string | null; timeZone: string }>(tx, sql`
      select a.id, a.centre_id as "centreId", a.severity, j.opening_hours as "openingHours", j.time_zone as "timeZone"
      from alerts a join jurisdictions j on j.id = a.centre_id
      where a.status = 'open'
        and ((a.severity = 'red' and a.created_at <= ${redBefore.toISOString()}) or (a.severity = 'amber' and a.created_at <= ${amberBefore.toISOString()}))
        and not exists (select 1 from escalation_alerts e where e.alert_id = a.id)
      order by (a.severity = 'red') desc, a.created_at
      limit ${limit}`);
    const due = overdue.filter((a) => a.severity === 'red' || isCentreOpenAt(a, now));
    if (!due.length) return 0;
    const centres = [...new Set(due.map((a) => a.centreId))];
    await tx
      .insert(escalations)
      .values(centres.map((centreId) => ({ centreId, status: 'active' as const, step: 0, nextAt: now, startedAt: now, updatedAt: now })))
      .onConflictDoNothing();
    const active = await tx.select({ id: escalations.id, centreId: escalations.centreId }).from(escalations).where(and(eq(escalations.status, 'active'), inArray(escalations.centreId, centres)));
    const chainOf = new Map(active.map((e) => [e.centreId, e.id]));
    const joined = await tx
      .insert(escalationAlerts)
      .values(due.filter((a) => chainOf.has(a.centreId)).map((a) => ({ alertId: a.id, escalationId: chainOf.get(a.centreId)!, joinedAt: now })))
      .onConflictDoNothing()
      .returning({ id: escalationAlerts.alertId });
    return joined.length;
  });
}
