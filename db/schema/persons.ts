import { relations, sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';
import { jurisdictions, medicalInstitutions } from './jurisdictions';
import { staffUsers } from './staff';
import { facilityContacts, households } from './households';

export const CLASSIFICATIONS = ['confirmed', 'suspected', 'asymptomatic', 'close_contact'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const PERSON_STATUSES = [
  'close_contact', // 濃厚接触者として健康観察中
  'home_recuperation', // 自宅療養
  'hotel_recuperation', // 宿泊療養
  'hospitalized', // 入院
  'hospitalized_severe', // 入院（重症）
  'monitoring_ended', // 健康観察終了
  'deceased', // 死亡
] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/** Statuses in which the person gets daily check prompts. */
export const MONITORED_STATUSES: readonly PersonStatus[] = ['close_contact', 'home_recuperation', 'hotel_recuperation'];
/**
 * The same as SQL literals, for the partial index persons_monitored_idx and the queries it
 * serves: written as literals (not parameters), so the planner can always prove the index
 * applies, also with a cached generic plan of a prepared statement.
 */
export const MONITORED_STATUS_LITERALS = MONITORED_STATUSES.map((s) => `'${s}'`).join(', ');

export const SEXES = ['male', 'female', 'other', 'unknown'] as const;
export const CHANNEL_KINDS = ['line', 'sms', 'voice', 'web'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/**
 * A person under follow-up (HER-SYS 発生届 + 健康観察の入力項目).
 * Age ≥ 65 is derived from date_of_birth, never stored.
 */
export const persons = pgTable(
  'persons',
  {
    id: id(),
    caseNumber: text('case_number').notNull(), // 患者ID / 整理番号, unique within the responsible centre
    name: text('name').notNull(),
    nameKana: text('name_kana'),
    dateOfBirth: date('date_of_birth'),
    sex: text('sex', { enum: SEXES }).notNull().default('unknown'),
    address: text('address'),
    phone: text('phone'), // E.164, e.g. +819012345678
    email: text('email'),
    // The codes of src/flows/languages (LANG_CODES; tests/flows/languages.test.ts keeps them equal). A text column: no migration per language.
    preferredLanguage: text('preferred_language', { enum: ['ja', 'ja-easy', 'en', 'zh-Hans', 'ko', 'vi', 'pt-BR', 'es', 'tl', 'ne', 'id', 'th'] }).notNull().default('ja'),
    preferredChannel: text('preferred_channel', { enum: CHANNEL_KINDS }).notNull().default('line'),
    needsWelfareLiaison: boolean('needs_welfare_liaison').notNull().default(false), // 福祉部門との連携要否
    hasElderlyHousehold: boolean('has_elderly_household').notNull().default(false), // 高齢者等である同居家族の有無
    responsibleCentreId: uuid('responsible_centre_id')
      .notNull()
      .references(() => jurisdictions.id), // 担当保健所
    reportingInstitutionId: uuid('reporting_institution_id').references(() => medicalInstitutions.id), // 届出医療機関
    classification: text('classification', { enum: CLASSIFICATIONS }).notNull(),
    status: text('status', { enum: PERSON_STATUSES }).notNull(),
    onsetDate: date('onset_date'), // 発症日
    diagnosisDate: date('diagnosis_date'), // 診断日
    symptomsAtDiagnosis: jsonb('symptoms_at_diagnosis').$type<string[]>().notNull().default([]),
    underlyingConditions: jsonb('underlying_conditions').$type<string[]>().notNull().default([]), // 基礎疾患
    riskFactors: jsonb('risk_factors').$type<string[]>().notNull().default([]), // 重症化リスク因子
    pregnant: boolean('pregnant').notNull().default(false),
    hasOximeter: boolean('has_oximeter').notNull().default(false), // パルスオキシメーター貸与
    admissionDate: date('admission_date'),
    dischargeDate: date('discharge_date'),
    icuUsed: boolean('icu_used').notNull().default(false),
    ventilatorUsed: boolean('ventilator_used').notNull().default(false),
    ecmoUsed: boolean('ecmo_used').notNull().default(false),
    dateOfDeath: date('date_of_death'),
    activityHistory: text('activity_history'), // 行動歴
    infectionRoute: text('infection_route'), // 感染経路
    infectionLinkKnown: boolean('infection_link_known'), // 感染リンクの有無
    lastContactDate: date('last_contact_date'), // 最終接触日 (close contacts)
    monitoringStart: date('monitoring_start'),
    monitoringPlannedEnd: date('monitoring_planned_end'),
    // Set by staff (extended or moved): the rules no longer recompute it when a basis date is corrected.
    monitoringEndSetByStaff: boolean('monitoring_end_set_by_staff').notNull().default(false),
    monitoringActualEnd: date('monitoring_actual_end'),
    monitoringEndReason: text('monitoring_end_reason'),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('persons_centre_case_uq').on(t.responsibleCentreId, t.caseNumber),
    index('persons_centre_status_idx').on(t.responsibleCentreId, t.status),
    index('persons_institution_idx').on(t.reportingInstitutionId),
    index('persons_phone_idx').on(t.phone),
    // Possible duplicates (find-possible-duplicates.ts): the same birth date, then the kana.
    index('persons_birth_date_idx').on(t.dateOfBirth),
    index('persons_planned_end_idx').on(t.monitoringPlannedEnd),
    // Persons due for a round (src/domain/rounds/create-due-sessions.ts, every tick): only the
    // monitored ones, a small and recent share of everyone ever followed up.
    index('persons_monitored_idx')
      .on(t.responsibleCentreId)
      .where(sql.raw(`status in (${MONITORED_STATUS_LITERALS})`)),
    // Line lists are read in kana order, 50 at a time: a national or prefecture list walks
    // this index and stops, instead of sorting a million persons.
    index('persons_kana_order_idx').on(t.nameKana, t.name, t.id),
    index('persons_case_order_idx').on(t.caseNumber, t.id), // the same lists without identifiers
    // Records past their retention (src/domain/retention): ended monitoring, by its end date.
    index('persons_actual_end_idx').on(t.monitoringActualEnd).where(sql`monitoring_actual_end is not null`),
  ],
);

/** 関係保健所: other centres the responsible centre shares the person with. */
export const personSharedCentres = pgTable(
  'person_shared_centres',
  {
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    jurisdictionId: uuid('jurisdiction_id')
      .notNull()
      .references(() => jurisdictions.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.jurisdictionId] }), index('person_shared_centres_j_idx').on(t.jurisdictionId)],
);

/** Every status change, with who and when (the current one is also on persons.status). */
export const personStatusHistory = pgTable(
  'person_status_history',
  {
    id: id(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    status: text('status', { enum: PERSON_STATUSES }).notNull(),
    note: text('note'),
    changedBy: uuid('changed_by').references(() => staffUsers.id),
    changedAt: tstz('changed_at').notNull().defaultNow(),
  },
  (t) => [index('person_status_history_person_idx').on(t.personId, t.changedAt)],
);

/** 検査: specimen, result and method. */
export const testRecords = pgTable(
  'test_records',
  {
    id: id(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    specimenDate: date('specimen_date'), // 検体採取日
    resultDate: date('result_date'),
    method: text('method', { enum: ['pcr', 'antigen_quantitative', 'antigen_qualitative', 'other'] }).notNull(),
    result: text('result', { enum: ['positive', 'negative', 'pending', 'inconclusive'] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('test_records_person_idx').on(t.personId)],
);

/** 接触者: a link between the source person and a contact (both persons). */
export const personContacts = pgTable(
  'person_contacts',
  {
    id: id(),
    sourcePersonId: uuid('source_person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    contactPersonId: uuid('contact_person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    setting: text('setting'), // household, workplace, school …
    lastContactDate: date('last_contact_date'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('person_contacts_pair_uq').on(t.sourcePersonId, t.contactPersonId),
    index('person_contacts_contact_idx').on(t.contactPersonId),
  ],
);

/** Staff notes on a person (a call, a visit, something to hand over), kept as written; audited. */
export const personNotes = pgTable(
  'person_notes',
  {
    id: id(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    authorStaffId: uuid('author_staff_id').references(() => staffUsers.id),
    note: text('note').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('person_notes_person_idx').on(t.personId, t.createdAt)],
);

export const CHANNEL_STATES = ['pending', 'verified', 'opted_out', 'unreachable'] as const;
export type ChannelState = (typeof CHANNEL_STATES)[number];

/** A person's LINE user id, SMS number or voice number and whether it works. */
export const personChannels = pgTable(
  'person_channels',
  {
    id: id(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['line', 'sms', 'voice'] }).notNull(),
    address: text('address').notNull(), // LINE userId or E.164 number
    state: text('state', { enum: CHANNEL_STATES }).notNull().default('pending'),
    verifiedAt: tstz('verified_at'),
    optedOutAt: tstz('opted_out_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Carries address and state too (INCLUDE, migration 0037, by hand: drizzle's builder has
    // none): a round's LINE batch probes it for 500 addressees as index-only scans.
    uniqueIndex('person_channels_person_kind_uq').on(t.personId, t.kind),
    // One LINE account is linked to one person (a phone number may be shared by a household).
    uniqueIndex('person_channels_line_address_uq').on(t.address).where(sql`kind = 'line'`),
    index('person_channels_address_idx').on(t.kind, t.address),
  ],
);

/** One-time codes a health centre issues to link a LINE account (hashed, expiring). */
export const enrollmentCodes = pgTable(
  'enrollment_codes',
  {
    id: id(),
    // Whose LINE account the code links: a person, a household's contact (not a person) or a facility's contact — exactly one.
    personId: uuid('person_id').references(() => persons.id, { onDelete: 'cascade' }),
    householdId: uuid('household_id').references(() => households.id, { onDelete: 'cascade' }),
    facilityContactId: uuid('facility_contact_id').references(() => facilityContacts.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    // The hash of the code's first part (which code is meant); wrong second parts are counted per code.
    lookupHash: text('lookup_hash'),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('enrollment_codes_hash_uq').on(t.codeHash),
    index('enrollment_codes_person_idx').on(t.personId),
    index('enrollment_codes_household_idx').on(t.householdId).where(sql`household_id is not null`),
    index('enrollment_codes_facility_contact_idx').on(t.facilityContactId).where(sql`facility_contact_id is not null`),
    check('enrollment_codes_one_target', sql`num_nonnulls(person_id, household_id, facility_contact_id) = 1`),
    uniqueIndex('enrollment_codes_lookup_active_uq').on(t.lookupHash).where(sql`used_at is null`),
  ],
);

/** Failed and successful code entries per channel address, for throttling guessers. */
export const enrollmentAttempts = pgTable(
  'enrollment_attempts',
  {
    id: id(),
    addressHash: text('address_hash').notNull(),
    success: boolean('success').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('enrollment_attempts_address_idx').on(t.addressHash, t.createdAt), index('enrollment_attempts_failed_idx').on(t.createdAt).where(sql`success = false`)],
);

export const personsRelations = relations(persons, ({ one, many }) => ({
  responsibleCentre: one(jurisdictions, { fields: [persons.responsibleCentreId], references: [jurisdictions.id] }),
  reportingInstitution: one(medicalInstitutions, { fields: [persons.reportingInstitutionId], references: [medicalInstitutions.id] }),
  sharedCentres: many(personSharedCentres),
  statusHistory: many(personStatusHistory),
  tests: many(testRecords),
  channels: many(personChannels),
}));
export const personSharedCentresRelations = relations(personSharedCentres, ({ one }) => ({
  person: one(persons, { fields: [personSharedCentres.personId], references: [persons.id] }),
}));
export const personStatusHistoryRelations = relations(personStatusHistory, ({ one }) => ({
  person: one(persons, { fields: [personStatusHistory.personId], references: [persons.id] }),
}));
export const testRecordsRelations = relations(testRecords, ({ one }) => ({
  person: one(persons, { fields: [testRecords.personId], references: [persons.id] }),
}));
export const personChannelsRelations = relations(personChannels, ({ one }) => ({
  person: one(persons, { fields: [personChannels.personId], references: [persons.id] }),
}));
