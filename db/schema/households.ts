import { relations, sql } from 'drizzle-orm';
import { boolean, date, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';
import { jurisdictions } from './jurisdictions';
import { persons } from './persons';
import { staffUsers } from './staff';

/**
 * 世帯 (proxy reporting, Sara Alert's "head of household"): persons who answer through one
 * reporter — a parent, a spouse, a carer. The reporter is a member who is a person under
 * monitoring or was registered as one (their LINE, SMS number or web link is the
 * household's channel); every other member is a dependent the reporter answers for, in
 * `position` order (src/domain/households/household-order.ts). `household_number` is the
 * 世帯番号 of the person form and of the bulk import's household column.
 *
 * The reporter may instead be a **contact** who is not a person under monitoring (a parent
 * of children who are): the `contact_*` columns — never a persons row, so a contact never
 * appears in lists, statistics, rounds or FHIR Patients. `contact_channel` is how they are
 * reached, `contact_address` her phone (E.164; required for sms/voice/web, kept when she
 * moves to LINE so a nurse can still call her) and `contact_line_user_id` her LINE user id
 * (set only by her link code, cleared by unlinking) — two columns, so linking LINE never
 * loses the phone; `contact_language` the language they are spoken to in.
 */
export const households = pgTable(
  'households',
  {
    id: id(),
    responsibleCentreId: uuid('responsible_centre_id')
      .notNull()
      .references(() => jurisdictions.id),
    householdNumber: text('household_number'),
    reporterPersonId: uuid('reporter_person_id').references(() => persons.id, { onDelete: 'set null' }),
    contactName: text('contact_name'),
    contactRelation: text('contact_relation'),
    contactLanguage: text('contact_language'),
    contactChannel: text('contact_channel', { enum: ['line', 'sms', 'voice', 'web'] }),
    contactAddress: text('contact_address'),
    // Her LINE account (households' contacts are no persons, so not person_channels); one LINE user may report for two households.
    contactLineUserId: text('contact_line_user_id'),
    // The contact replied STOP (停止) by SMS: sent nothing until START; the members' rounds go to their own channels meanwhile.
    contactOptedOutAt: tstz('contact_opted_out_at'),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('households_centre_number_uq').on(t.responsibleCentreId, t.householdNumber).where(sql`household_number is not null`),
    index('households_reporter_idx').on(t.reporterPersonId),
    // The channels find a household by its contact's number (SMS) or LINE user id (not unique: a parent may report for two households).
    index('households_contact_address_idx').on(t.contactAddress).where(sql`contact_address is not null`),
    index('households_contact_line_user_idx').on(t.contactLineUserId).where(sql`contact_line_user_id is not null`),
  ],
);

/** A person belongs to at most one household; `relation` is what the person is to the reporter's family (母, 子, 配偶者 …). */
export const householdMembers = pgTable(
  'household_members',
  {
    personId: uuid('person_id')
      .primaryKey()
      .references(() => persons.id, { onDelete: 'cascade' }),
    householdId: uuid('household_id')
      .notNull()
      .references(() => households.id, { onDelete: 'cascade' }),
    relation: text('relation'),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index('household_members_household_idx').on(t.householdId, t.position)],
);

export const FACILITY_KINDS = ['care_home', 'recuperation_hotel', 'group_home'] as const;
export type FacilityKind = (typeof FACILITY_KINDS)[number];

/**
 * 施設 (施設一括報告): a care home, a recuperation hotel (宿泊療養施設) or a group home whose
 * staff report for their residents on one page per round. Residents are persons linked
 * in facility_residents; they get no prompt of their own.
 */
export const facilities = pgTable(
  'facilities',
  {
    id: id(),
    responsibleCentreId: uuid('responsible_centre_id')
      .notNull()
      .references(() => jurisdictions.id),
    kind: text('kind', { enum: FACILITY_KINDS }).notNull(),
    name: text('name').notNull(),
    phone: text('phone'),
    roundTimes: text('round_times').array().notNull().default(sql`array['09:00']::text[]`),
    // Deactivated (no residents left): no rounds, no links; kept for its history.
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('facilities_centre_idx').on(t.responsibleCentreId)],
);

/** The facility's staff contacts: who gets the round's signed link (SMS or mail). */
export const facilityContacts = pgTable(
  'facility_contacts',
  {
    id: id(),
    facilityId: uuid('facility_id')
      .notNull()
      .references(() => facilities.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    phone: text('phone'),
    email: text('email'),
    // A LINE user id (from the official account's webhook) when the contact follows it: the round link goes by LINE too.
    lineUserId: text('line_user_id'),
    createdAt: createdAt(),
  },
  (t) => [index('facility_contacts_facility_idx').on(t.facilityId)],
);

export const facilityResidents = pgTable(
  'facility_residents',
  {
    personId: uuid('person_id')
      .primaryKey()
      .references(() => persons.id, { onDelete: 'cascade' }),
    facilityId: uuid('facility_id')
      .notNull()
      .references(() => facilities.id, { onDelete: 'cascade' }),
    room: text('room'),
    createdAt: createdAt(),
  },
  (t) => [index('facility_residents_facility_idx').on(t.facilityId)],
);

/**
 * One report round of a facility (its local date and time): the signed link names it; the
 * page is submitted once (`submitted_at`); residents left blank are the facility's
 * non-responders, raised as one alert when the round expires.
 */
export const facilityRounds = pgTable(
  'facility_rounds',
  {
    id: id(),
    facilityId: uuid('facility_id')
      .notNull()
      .references(() => facilities.id, { onDelete: 'cascade' }),
    localDate: date('local_date').notNull(),
    round: text('round').notNull(),
    expiresAt: tstz('expires_at').notNull(),
    submittedAt: tstz('submitted_at'),
    submittedBy: text('submitted_by'),
    missingPersonIds: uuid('missing_person_ids').array(),
    // When the tick queued the link to the facility's contacts (once per round; 「リンクを再送」 sends again).
    linksQueuedAt: tstz('links_queued_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('facility_rounds_facility_date_round_uq').on(t.facilityId, t.localDate, t.round),
    // The tick's question "which open rounds still need their link sent" (facility-round-link.ts).
    index('facility_rounds_links_unqueued_idx').on(t.expiresAt).where(sql`links_queued_at is null and submitted_at is null`),
  ],
);

export const householdsRelations = relations(households, ({ one, many }) => ({
  reporter: one(persons, { fields: [households.reporterPersonId], references: [persons.id] }),
  members: many(householdMembers),
}));
export const householdMembersRelations = relations(householdMembers, ({ one }) => ({
  household: one(households, { fields: [householdMembers.householdId], references: [households.id] }),
  person: one(persons, { fields: [householdMembers.personId], references: [persons.id] }),
}));
