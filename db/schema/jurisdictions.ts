import { relations } from 'drizzle-orm';
import { type AnyPgColumn, boolean, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns';

/** A centre's default round times (local "HH:MM", sorted): patients and close contacts. */
export interface CentreRoundTimes {
  patient: string[];
  contact: string[];
}

export const JURISDICTION_KINDS = ['nation', 'prefecture', 'health_centre'] as const;
export type JurisdictionKind = (typeof JURISDICTION_KINDS)[number];

/**
 * The tree nation ⊃ prefecture (都道府県, JIS X 0401 code 01–47) ⊃ health centre (保健所).
 * `path` is the materialised chain of codes ("/JP/13/13-101/") so "everything under a
 * prefecture" is one indexed prefix scan instead of a recursive query per request.
 */
export const jurisdictions = pgTable(
  'jurisdictions',
  {
    id: id(),
    kind: text('kind', { enum: JURISDICTION_KINDS }).notNull(),
    parentId: uuid('parent_id').references((): AnyPgColumn => jurisdictions.id),
    code: text('code').notNull(),
    path: text('path').notNull(),
    nameJa: text('name_ja').notNull(),
    nameEn: text('name_en').notNull(),
    timeZone: text('time_zone').notNull().default('Asia/Tokyo'),
    // 保健所の連絡先: told to patients (urgent advice, HELP, unknown callers)
    phone: text('phone'),
    // Opening hours in local time, e.g. {"days":[1,2,3,4,5],"open":"08:30","close":"17:15"}
    openingHours: text('opening_hours'),
    // 夜間・休日の連絡先: told instead of `phone` when the centre is closed (urgent advice).
    afterHoursPhone: text('after_hours_phone'),
    // The number unknown callers and SMS senders are told (相談窓口); null: `phone`.
    contactPhone: text('contact_phone'),
    // Rounds of persons registered here; null: the installation's defaults (person-input.ts).
    roundTimes: jsonb('round_times').$type<CentreRoundTimes>(),
    // "21:00-08:00" local; null: the installation's QUIET_HOURS.
    quietHours: text('quiet_hours'),
    // 管轄市区町村: the municipalities a health centre serves, as addresses write them (新宿区,
    // 八王子市, 西多摩郡瑞穂町): a notification or an imported person living there goes to it.
    municipalities: jsonb('municipalities').$type<string[]>().notNull().default([]),
    // Deactivated centres take no new persons or notifications; rows are never deleted.
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('jurisdictions_code_uq').on(t.code),
    uniqueIndex('jurisdictions_path_uq').on(t.path.op('text_pattern_ops')),
    index('jurisdictions_parent_idx').on(t.parentId),
  ],
);

/** 医療機関: clinicians see the persons their institution reported. */
export const medicalInstitutions = pgTable(
  'medical_institutions',
  {
    id: id(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    address: text('address'),
    phone: text('phone'),
    jurisdictionId: uuid('jurisdiction_id')
      .notNull()
      .references(() => jurisdictions.id),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('medical_institutions_code_uq').on(t.code), index('medical_institutions_jurisdiction_idx').on(t.jurisdictionId)],
);

export const jurisdictionsRelations = relations(jurisdictions, ({ one, many }) => ({
  parent: one(jurisdictions, { fields: [jurisdictions.parentId], references: [jurisdictions.id], relationName: 'tree' }),
  children: many(jurisdictions, { relationName: 'tree' }),
  institutions: many(medicalInstitutions),
}));

export const medicalInstitutionsRelations = relations(medicalInstitutions, ({ one }) => ({
  jurisdiction: one(jurisdictions, { fields: [medicalInstitutions.jurisdictionId], references: [jurisdictions.id] }),
}));
