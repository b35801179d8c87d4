import { relations } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';
import { jurisdictions } from './jurisdictions';
import { persons } from './persons';
import { staffUsers } from './staff';

/**
 * A question flow, e.g. 'patient-daily'; its content lives in flow_versions. The owner is
 * the jurisdiction that answers for it (a prefecture or a health centre); null is the
 * nation (全国): the default flows, asked of everyone not given a local one. Who may see,
 * assign and publish a flow follows from its owner (src/domain/flows/flow-scope.ts).
 */
export const flows = pgTable(
  'flows',
  {
    id: id(),
    key: text('key').notNull(),
    nameJa: text('name_ja').notNull(),
    nameEn: text('name_en').notNull(),
    ownerJurisdictionId: uuid('owner_jurisdiction_id').references(() => jurisdictions.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('flows_key_uq').on(t.key), index('flows_owner_idx').on(t.ownerJurisdictionId)],
);

export const FLOW_VERSION_STATUSES = ['draft', 'published', 'archived'] as const;
export type FlowVersionStatus = (typeof FLOW_VERSION_STATUSES)[number];

/**
 * Numbered versions of a flow. Draft → published (immutable: a trigger refuses changes to
 * the definition once published) → archived. Check sessions pin the version they started on.
 */
export const flowVersions = pgTable(
  'flow_versions',
  {
    id: id(),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id),
    version: integer('version').notNull(),
    status: text('status', { enum: FLOW_VERSION_STATUSES }).notNull().default('draft'),
    specVersion: integer('spec_version').notNull(),
    definition: jsonb('definition').notNull(),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    createdAt: createdAt(),
    publishedAt: tstz('published_at'),
    publishedBy: uuid('published_by').references(() => staffUsers.id),
    archivedAt: tstz('archived_at'),
  },
  (t) => [uniqueIndex('flow_versions_flow_version_uq').on(t.flowId, t.version), index('flow_versions_status_idx').on(t.flowId, t.status)],
);

/**
 * Which flow a person answers and at which local times ("09:00", "15:00"): the rounds.
 * The newest published version of the flow is used when a session starts.
 */
export const flowAssignments = pgTable(
  'flow_assignments',
  {
    personId: uuid('person_id')
      .primaryKey()
      .references(() => persons.id, { onDelete: 'cascade' }),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id),
    roundTimes: jsonb('round_times').$type<string[]>().notNull(), // local "HH:MM", sorted
    active: boolean('active').notNull().default(true),
    updatedAt: updatedAt(),
  },
  (t) => [index('flow_assignments_flow_idx').on(t.flowId)],
);

export const flowsRelations = relations(flows, ({ one, many }) => ({
  versions: many(flowVersions),
  owner: one(jurisdictions, { fields: [flows.ownerJurisdictionId], references: [jurisdictions.id] }),
}));
export const flowVersionsRelations = relations(flowVersions, ({ one }) => ({
  flow: one(flows, { fields: [flowVersions.flowId], references: [flows.id] }),
}));
export const flowAssignmentsRelations = relations(flowAssignments, ({ one }) => ({
  person: one(persons, { fields: [flowAssignments.personId], references: [persons.id] }),
  flow: one(flows, { fields: [flowAssignments.flowId], references: [flows.id] }),
}));

/**
 * Rules for the planned end of monitoring, per classification: data, not law in code.
 * e.g. close_contact: 5 days after last_contact; confirmed: 7 days after onset, needing
 * 72 hours of improving symptoms.
 */
export const monitoringEndRules = pgTable('monitoring_end_rules', {
  classification: text('classification').primaryKey(),
  basis: text('basis', { enum: ['last_contact', 'onset', 'specimen', 'diagnosis', 'monitoring_start'] }).notNull(),
  days: integer('days').notNull(),
  requiresImprovementHours: integer('requires_improvement_hours').notNull().default(0),
  updatedAt: updatedAt(),
});
