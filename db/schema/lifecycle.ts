import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';
import { jurisdictions } from './jurisdictions';
import { persons } from './persons';
import { staffUsers } from './staff';

// The whole life of a record after registration: caseloads and staff calls, pauses,
// certificates, retention (README: "Caseloads and staff calls" … "Retention and deletion").

/** A nurses' team (班) of a health centre: persons can be assigned to it and spread over its members. */
export const careTeams = pgTable(
  'care_teams',
  {
    id: id(),
    centreId: uuid('centre_id')
      .notNull()
      .references(() => jurisdictions.id),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('care_teams_centre_name_uq').on(t.centreId, t.name)],
);

export const careTeamMembers = pgTable(
  'care_team_members',
  {
    teamId: uuid('team_id')
      .notNull()
      .references(() => careTeams.id, { onDelete: 'cascade' }),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staffUsers.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.staffId] }), index('care_team_members_staff_idx').on(t.staffId)],
);

/** 担当: who follows a person — a nurse, a team, or a nurse within a team. One row a person. */
export const personAssignments = pgTable(
  'person_assignments',
  {
    personId: uuid('person_id')
      .primaryKey()
      .references(() => persons.id, { onDelete: 'cascade' }),
    staffId: uuid('staff_id').references(() => staffUsers.id),
    teamId: uuid('team_id').references(() => careTeams.id, { onDelete: 'set null' }),
    assignedBy: uuid('assigned_by').references(() => staffUsers.id),
    assignedAt: tstz('assigned_at').notNull().defaultNow(),
  },
  (t) => [index('person_assignments_staff_idx').on(t.staffId), index('person_assignments_team_idx').on(t.teamId)],
);

export const CALL_OUTCOMES = ['called', 'reached', 'no_answer', 'wrong_number', 'refused'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];
/** Outcomes that count towards "lost to follow-up" (the person was not reached). */
export const UNSUCCESSFUL_CALL_OUTCOMES: readonly CallOutcome[] = ['called', 'no_answer', 'wrong_number', 'refused'];

/** A phone call a nurse made to a person (電話連絡), with its outcome and a note. */
export const staffCalls = pgTable(
  'staff_calls',
  {
    id: id(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    staffId: uuid('staff_id').references(() => staffUsers.id),
    outcome: text('outcome', { enum: CALL_OUTCOMES }).notNull(),
    note: text('note'),
    calledAt: tstz('called_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('staff_calls_person_idx').on(t.personId, t.calledAt)],
);

/** Per-centre settings of this area; a centre without a row uses the defaults. */
export const caseloadSettings = pgTable('caseload_settings', {
  centreId: uuid('centre_id')
    .primaryKey()
    .references(() => jurisdictions.id),
  unsuccessfulCallsBeforeLost: integer('unsuccessful_calls_before_lost').notNull().default(3),
  updatedAt: updatedAt(),
});

/** 追跡不能: declared by staff after the centre's number of unsuccessful calls; lists the calls. */
export const followUpLosses = pgTable('follow_up_losses', {
  personId: uuid('person_id')
    .primaryKey()
    .references(() => persons.id, { onDelete: 'cascade' }),
  declaredBy: uuid('declared_by').references(() => staffUsers.id),
  declaredAt: tstz('declared_at').notNull(),
  note: text('note'),
  callIds: jsonb('call_ids').$type<string[]>().notNull(),
});

export const PAUSE_REASONS = ['hospitalized', 'travel', 'facility', 'other'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/**
 * 健康観察の一時停止: no prompts and no non-responder alerts from the start until the
 * resume date (local, in the centre's zone) or until staff end it. Active while ended_at is null.
 */
export const monitoringPauses = pgTable(
  'monitoring_pauses',
  {
    id: id(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    reason: text('reason', { enum: PAUSE_REASONS }).notNull(),
    note: text('note'),
    startedAt: tstz('started_at').notNull(),
    resumeOn: date('resume_on').notNull(),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    endedAt: tstz('ended_at'),
    endedBy: uuid('ended_by').references(() => staffUsers.id),
    endKind: text('end_kind', { enum: ['resumed_on_date', 'ended_by_staff'] }),
    createdAt: createdAt(),
  },
  (t) => [
    // At most one active pause a person; the tick finds the ones due by this index.
    uniqueIndex('monitoring_pauses_active_uq').on(t.personId).where(sql`ended_at is null`),
    index('monitoring_pauses_resume_idx').on(t.resumeOn).where(sql`ended_at is null`),
  ],
);

export const CERTIFICATE_KINDS = ['recuperation', 'work_restriction'] as const; // 療養証明書 / 就業制限通知
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];

/**
 * A certificate issued to a person: what it says is stored as issued (holder's name, period,
 * centre, issue date), hashed (content_hash, SHA-256 of the canonical content) and signed
 * (HMAC with the app secret): a row changed afterwards, or revoked, does not verify.
 */
export const certificates = pgTable(
  'certificates',
  {
    id: id(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: CERTIFICATE_KINDS }).notNull(),
    holderName: text('holder_name').notNull(),
    centreId: uuid('centre_id')
      .notNull()
      .references(() => jurisdictions.id),
    centreNameJa: text('centre_name_ja').notNull(),
    periodStart: date('period_start').notNull(),
    periodEnd: date('period_end').notNull(),
    issuedOn: date('issued_on').notNull(),
    contentHash: text('content_hash').notNull(),
    signature: text('signature').notNull(),
    issuedBy: uuid('issued_by').references(() => staffUsers.id),
    createdAt: createdAt(),
    revokedAt: tstz('revoked_at'),
    revokedBy: uuid('revoked_by').references(() => staffUsers.id),
    revokeReason: text('revoke_reason'),
  },
  (t) => [index('certificates_person_idx').on(t.personId, t.createdAt)],
);

/** 保存延長: an officer keeps a record past its retention (an investigation), with a reason. */
export const retentionHolds = pgTable('retention_holds', {
  personId: uuid('person_id')
    .primaryKey()
    .references(() => persons.id, { onDelete: 'cascade' }),
  reason: text('reason').notNull(),
  heldBy: uuid('held_by').references(() => staffUsers.id),
  heldAt: tstz('held_at').notNull(),
});

/**
 * A person whose personal data was erased after the retention period: the persons row stays
 * as an anonymous tombstone (status, classification, centre, dates' counts for statistics);
 * `counts` says how many rows of each kind went (never what they held).
 */
export const personErasures = pgTable('person_erasures', {
  personId: uuid('person_id')
    .primaryKey()
    .references(() => persons.id, { onDelete: 'cascade' }),
  erasedAt: tstz('erased_at').notNull(),
  counts: jsonb('counts').$type<Record<string, number>>().notNull(),
});
