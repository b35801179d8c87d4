import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { alerts, persons } from '../../../db/schema';
import { onePersonScope } from '../access';
import type { Actor, Ctx } from '../context';

/** NOTIFY channel: every alert raised or changed (ids and severity only, never personal data). */
export const ALERTS_CHANNEL = 'mimamori_alerts';

/**
 * What the channel carries; `created` is true for a new alert, `event` names a change
 * (acknowledged, assigned, …). `at`, on a raised alert: when its cause was recorded — the
 * answer's arrival at the intake for an answer (the verb's clock is the event's received
 * time) — so a console's process can tell how long a red answer took to reach the nurses.
 */
export interface AlertNotice {
  alertId: string;
  centreId: string;
  severity: string;
  created: boolean;
  event?: string;
  at?: string;
}

/** Tell every open console (pg_notify, delivered on commit). */
export async function announceAlert(ctx: Ctx, notice: AlertNotice): Promise<void> {
  await ctx.tx.execute(sql`select pg_notify(${ALERTS_CHANNEL}, ${JSON.stringify(notice)})`);
}

/** A notice as it arrived on the channel, or null when it is not one. */
export function parseAlertNotice(payload: string): AlertNotice | null {
  try {
    const n = JSON.parse(payload) as Partial<AlertNotice>;
    return typeof n?.alertId === 'string' ? (n as AlertNotice) : null;
  } catch {
    return null;
  }
}

/**
 * Whether an alert's person is within the actor's scope — for the live queue, which tells a
 * console only that something changed (an id), never what: no personal data, no audit row.
 */
export async function alertVisibleTo(db: DbOrTx, actor: Actor, alertId: string): Promise<boolean> {
  const [row] = await alertVisibleQuery(db, actor, alertId);
  return !!row;
}

/** The statement alertVisibleTo runs (its plan is tested: one person probed, not the centre's set built). */
export function alertVisibleQuery(db: DbOrTx, actor: Actor, alertId: string) {
  return db
    .select({ id: alerts.id })
    .from(alerts)
    .innerJoin(persons, eq(persons.id, alerts.personId))
    .where(and(eq(alerts.id, alertId), onePersonScope(actor)));
}
