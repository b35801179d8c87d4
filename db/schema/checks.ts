import { relations, sql } from 'drizzle-orm';
import { date, doublePrecision, index, integer, jsonb, pgTable, text, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';
import { flowVersions } from './flows';
import { CHANNEL_KINDS, persons } from './persons';
import { households } from './households';

export const CHECK_SESSION_STATUSES = ['pending', 'prompted', 'active', 'completed', 'missed', 'cancelled'] as const;
export type CheckSessionStatus = (typeof CHECK_SESSION_STATUSES)[number];

/**
 * One daily check: one per person, local date and round (unique), pinned to the flow
 * version it started on. `state` is the flow engine's SessionState.
 * `next_action_at` is when the scheduler tick must look at it again (reminder, call,
 * non-responder alert, close as missed) — found by an index scan, never a delayed job.
 */
export const checkSessions = pgTable(
  'check_sessions',
  {
    id: id(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    flowVersionId: uuid('flow_version_id')
      .notNull()
      .references(() => flowVersions.id),
    localDate: date('local_date').notNull(),
    round: text('round').notNull(), // local "HH:MM", or "manual-<n>" for an unscheduled check
    channel: text('channel', { enum: CHANNEL_KINDS }).notNull(),
    status: text('status', { enum: CHECK_SESSION_STATUSES }).notNull().default('pending'),
    state: jsonb('state'),
    // 'household': a dependent's round, asked in the reporter's conversation; 'facility': a resident's, on the facility's page.
    source: text('source', { enum: ['schedule', 'manual', 'patient', 'household', 'facility'] }).notNull().default('schedule'),
    dueAt: tstz('due_at').notNull(),
    expiresAt: tstz('expires_at').notNull(), // the round is over: close as missed
    promptedAt: tstz('prompted_at'),
    completedAt: tstz('completed_at'),
    nextActionAt: tstz('next_action_at'),
    remindersSent: integer('reminders_sent').notNull().default(0),
    callAttempts: integer('call_attempts').notNull().default(0),
    // Who answered when it was not the person: their household's reporter (proxy reporting)
    // or, for a facility's resident, null with source 'facility'.
    answeredByPersonId: uuid('answered_by_person_id').references(() => persons.id, { onDelete: 'set null' }),
    // …or the household's reporter contact, who is not a person (households.contact_*).
    answeredByHouseholdId: uuid('answered_by_household_id').references((): AnyPgColumn => households.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // (also serves (person, date) look-ups: a separate (person_id, local_date) index was one more entry a session written)
    uniqueIndex('check_sessions_person_date_round_uq').on(t.personId, t.localDate, t.round),
    index('check_sessions_next_action_idx').on(t.nextActionAt),
    // Open sessions by the end of their round: the tick closes the expired ones (closeExpiredSessions)
    // without reading every session ever held.
    index('check_sessions_open_expiry_idx').on(t.expiresAt).where(sql`status in ('pending', 'prompted', 'active')`),
    index('check_sessions_status_due_idx').on(t.status, t.dueAt),
    // FHIR QuestionnaireResponse?authored=…: when the answers were given (completion, else due).
    index('check_sessions_authored_idx').on(sql`coalesce(${t.completedAt}, ${t.dueAt})`, t.id),
  ],
);

/**
 * One row per answered (or unanswered) item: the typed value and the raw text exactly as
 * received, the channel and the time. One row per session and question.
 */
/**
 * When the tick must next look at a person (src/domain/rounds/next-due.ts): their next
 * round without a session, or the end of their monitoring. '-infinity' = at the next tick
 * (new, or something that decides it changed: database triggers, migration 0022); null =
 * nothing to do. A table of its own, two columns: the tick rewrites every row of a round
 * each time, which on persons (a dozen indexes) would cost a dozen index writes a person.
 */
export const personDue = pgTable(
  'person_due',
  {
    personId: uuid('person_id')
      .primaryKey()
      .references(() => persons.id, { onDelete: 'cascade' }),
    nextDueAt: tstz('next_due_at'),
  },
  // The tick's one entry point to persons: an ordered walk of who is due.
  (t) => [index('person_due_next_idx').on(t.nextDueAt, t.personId).where(sql`next_due_at is not null`)],
);

export const observations = pgTable(
  'observations',
  {
    id: id(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => checkSessions.id, { onDelete: 'cascade' }),
    questionId: text('question_id').notNull(),
    kind: text('kind').notNull(),
    valueNumber: doublePrecision('value_number'),
    valueText: text('value_text'),
    value: jsonb('value'), // the engine's ObservationValue as JSON (boolean, 'unknown', string[] …)
    unit: text('unit'),
    raw: text('raw'),
    status: text('status', { enum: ['answered', 'unanswered'] }).notNull(),
    channel: text('channel', { enum: CHANNEL_KINDS }).notNull(),
    observedAt: tstz('observed_at').notNull(),
    answeredByPersonId: uuid('answered_by_person_id').references(() => persons.id, { onDelete: 'set null' }),
    // …or the household's reporter contact, who is not a person (households.contact_*).
    answeredByHouseholdId: uuid('answered_by_household_id').references((): AnyPgColumn => households.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('observations_session_question_uq').on(t.sessionId, t.questionId),
    index('observations_person_time_idx').on(t.personId, t.observedAt),
  ],
);

export const checkSessionsRelations = relations(checkSessions, ({ one, many }) => ({
  person: one(persons, { fields: [checkSessions.personId], references: [persons.id] }),
  flowVersion: one(flowVersions, { fields: [checkSessions.flowVersionId], references: [flowVersions.id] }),
  observations: many(observations),
}));
export const observationsRelations = relations(observations, ({ one }) => ({
  person: one(persons, { fields: [observations.personId], references: [persons.id] }),
  session: one(checkSessions, { fields: [observations.sessionId], references: [checkSessions.id] }),
}));

