import { relations, sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { checkSessions } from './checks';
import { createdAt, id, tstz, updatedAt } from './columns';
import { jurisdictions } from './jurisdictions';
import { persons } from './persons';
import { staffUsers } from './staff';

export const ALERT_SEVERITIES = ['red', 'amber'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const ALERT_OUTCOMES = ['called', 'advised', 'arranged_admission', 'called_ambulance', 'no_action_needed'] as const;

/**
 * Something a nurse must look at: a risk flag from the flow engine (reason = rule id),
 * a non-responder, a lost channel, a call-back request. `centre_id` is the responsible
 * centre at the time it was raised, for the queue's scope and index.
 * `dedupe_key` stops the same cause raising two open alerts (e.g. "<session>:<rule>").
 */
export const alerts = pgTable(
  'alerts',
  {
    id: id(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id').references(() => checkSessions.id),
    centreId: uuid('centre_id')
      .notNull()
      .references(() => jurisdictions.id),
    severity: text('severity', { enum: ALERT_SEVERITIES }).notNull(),
    reason: text('reason').notNull(),
    details: jsonb('details').$type<{ reasons?: { ruleId: string; ja: string; en: string; values: Record<string, unknown> }[] } & Record<string, unknown>>().notNull().default({}),
    status: text('status', { enum: ALERT_STATUSES }).notNull().default('open'),
    assignedTo: uuid('assigned_to').references(() => staffUsers.id),
    acknowledgedAt: tstz('acknowledged_at'),
    acknowledgedBy: uuid('acknowledged_by').references(() => staffUsers.id),
    resolvedAt: tstz('resolved_at'),
    resolvedBy: uuid('resolved_by').references(() => staffUsers.id),
    outcome: text('outcome', { enum: ALERT_OUTCOMES }),
    dedupeKey: text('dedupe_key'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('alerts_centre_status_idx').on(t.centreId, t.status, t.severity, t.createdAt),
    index('alerts_person_idx').on(t.personId, t.createdAt),
    index('alerts_reason_idx').on(t.reason), // the triage filter's list of reasons (a skip scan)
    // The triage queue's order (red first, then oldest) over the alerts still open.
    index('alerts_open_queue_idx')
      .on(sql`(${t.severity} = 'red') desc`, t.createdAt, t.id)
      .where(sql`status in ('open', 'acknowledged')`),
    uniqueIndex('alerts_dedupe_uq').on(t.dedupeKey),
  ],
);

/** The history of an alert: raised, acknowledged, assigned, noted, resolved, with who and a note. */
export const alertEvents = pgTable(
  'alert_events',
  {
    id: id(),
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['raised', 'acknowledged', 'assigned', 'noted', 'resolved', 'reopened', 'escalated'] }).notNull(),
    actorStaffId: uuid('actor_staff_id').references(() => staffUsers.id),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [index('alert_events_alert_idx').on(t.alertId, t.createdAt)],
);

export const alertsRelations = relations(alerts, ({ one, many }) => ({
  person: one(persons, { fields: [alerts.personId], references: [persons.id] }),
  session: one(checkSessions, { fields: [alerts.sessionId], references: [checkSessions.id] }),
  centre: one(jurisdictions, { fields: [alerts.centreId], references: [jurisdictions.id] }),
  events: many(alertEvents),
}));
export const alertEventsRelations = relations(alertEvents, ({ one }) => ({
  alert: one(alerts, { fields: [alertEvents.alertId], references: [alerts.id] }),
}));
