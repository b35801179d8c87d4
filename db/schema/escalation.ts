import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { alerts } from './alerts';
import { createdAt, id, tstz, updatedAt } from './columns';
import { jurisdictions } from './jurisdictions';
import { outboundMessages } from './messaging';
import { staffUsers } from './staff';

export const ON_CALL_ROLES = ['on_call', 'administrator'] as const;
export type OnCallRole = (typeof ON_CALL_ROLES)[number];
export const SHIFT_REPEATS = ['once', 'weekly'] as const;
/** Day kinds of a weekly shift: ISO weekdays 1–7, and 8 for 祝日 and the year-end closure (a holiday is day 8, not its weekday). */
export const HOLIDAY_DAY = 8;

/**
 * 当番表: who is paged for a health centre's (or, for a prefecture, every centre under it —
 * the 夜間 rota) unacknowledged alerts. `position` is the order within the role (1 first);
 * administrators are paged after every on-call person. A 'once' shift covers starts_at →
 * ends_at; a 'weekly' shift repeats its starts_at's local time and length on `days`, from
 * its first date on. A 'once' shift overrides the weekly ones of the same role and position.
 */
export const onCallShifts = pgTable(
  'on_call_shifts',
  {
    id: id(),
    jurisdictionId: uuid('jurisdiction_id')
      .notNull()
      .references(() => jurisdictions.id),
    role: text('role', { enum: ON_CALL_ROLES }).notNull().default('on_call'),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    staffUserId: uuid('staff_user_id').references(() => staffUsers.id),
    phone: text('phone').notNull(), // E.164; staff's work phone, never a patient's
    repeat: text('repeat', { enum: SHIFT_REPEATS }).notNull().default('once'),
    days: integer('days').array(),
    startsAt: tstz('starts_at').notNull(),
    endsAt: tstz('ends_at').notNull(),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    createdAt: createdAt(),
  },
  (t) => [index('on_call_shifts_jurisdiction_idx').on(t.jurisdictionId, t.role, t.position)],
);

export const ESCALATION_STATUSES = ['active', 'acknowledged', 'resolved', 'exhausted'] as const;
export type EscalationStatus = (typeof ESCALATION_STATUSES)[number];

/**
 * One escalation chain of a centre: its overdue alerts (escalation_alerts) and the next
 * step to page (`step`, due at `next_at`). At most one active chain per centre; alerts
 * that become overdue meanwhile join it. Driven by the tick, claimed with a row lock.
 */
export const escalations = pgTable(
  'escalations',
  {
    id: id(),
    centreId: uuid('centre_id')
      .notNull()
      .references(() => jurisdictions.id),
    status: text('status', { enum: ESCALATION_STATUSES }).notNull().default('active'),
    step: integer('step').notNull().default(0),
    nextAt: tstz('next_at').notNull(),
    startedAt: tstz('started_at').notNull(),
    endedAt: tstz('ended_at'),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('escalations_active_centre_uq').on(t.centreId).where(sql`status = 'active'`),
    index('escalations_due_idx').on(t.nextAt).where(sql`status = 'active'`),
  ],
);

/** An alert belongs to at most one chain: it is escalated once. */
export const escalationAlerts = pgTable(
  'escalation_alerts',
  {
    alertId: uuid('alert_id')
      .primaryKey()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    escalationId: uuid('escalation_id')
      .notNull()
      .references(() => escalations.id, { onDelete: 'cascade' }),
    joinedAt: tstz('joined_at').notNull(),
  },
  (t) => [index('escalation_alerts_escalation_idx').on(t.escalationId)],
);

export const PAGE_OUTCOMES = ['answered', 'acknowledged', 'failed', 'unanswered'] as const;

/**
 * One page (call + SMS) of one step. unique(escalation_id, step) is the claim: two
 * processes or a restart never page a step twice. `alert_ids` are what it announced (and
 * what a key 1 or an SMS reply of 1 acknowledges).
 */
export const escalationPages = pgTable(
  'escalation_pages',
  {
    id: id(),
    escalationId: uuid('escalation_id')
      .notNull()
      .references(() => escalations.id, { onDelete: 'cascade' }),
    step: integer('step').notNull(),
    role: text('role', { enum: ON_CALL_ROLES }).notNull(),
    rotaJurisdictionId: uuid('rota_jurisdiction_id')
      .notNull()
      .references(() => jurisdictions.id),
    shiftId: uuid('shift_id').references(() => onCallShifts.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    staffUserId: uuid('staff_user_id').references(() => staffUsers.id),
    phone: text('phone').notNull(),
    alertIds: uuid('alert_ids').array().notNull(),
    callOutboundId: uuid('call_outbound_id').references(() => outboundMessages.id),
    smsOutboundId: uuid('sms_outbound_id').references(() => outboundMessages.id),
    outcome: text('outcome', { enum: PAGE_OUTCOMES }),
    acknowledgedVia: text('acknowledged_via', { enum: ['call', 'sms'] }),
    acknowledgedAt: tstz('acknowledged_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('escalation_pages_step_uq').on(t.escalationId, t.step), index('escalation_pages_phone_idx').on(t.phone, t.createdAt)],
);
