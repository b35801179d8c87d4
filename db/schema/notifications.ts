import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';
import { jurisdictions, medicalInstitutions } from './jurisdictions';
import { persons } from './persons';
import { staffUsers } from './staff';

export const NOTIFICATION_STATUSES = ['draft', 'submitted', 'accepted', 'returned'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * 発生届: a clinician's notification of a case, received by a health centre. `fields` holds
 * the form's items as entered (src/domain/notifications/notification-input.ts); a nurse's
 * acceptance turns them into a person (or attaches them to one) without re-typing.
 * Routed to the centre of the person's residence (居住地管轄, `centreId`) and visible to the
 * centre the institution reports to (`reportingCentreId`) as well.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => medicalInstitutions.id),
    filedBy: uuid('filed_by').references(() => staffUsers.id),
    status: text('status', { enum: NOTIFICATION_STATUSES }).notNull().default('draft'),
    centreId: uuid('centre_id').references(() => jurisdictions.id), // 受理する保健所 (居住地管轄)
    reportingCentreId: uuid('reporting_centre_id')
      .notNull()
      .references(() => jurisdictions.id), // the institution's centre
    // Why the notification stayed with the reporting centre when its address did not name one
    // centre of residence (住所から保健所を特定できず), for the nurse who receives it.
    routingNote: text('routing_note'),
    fields: jsonb('fields').$type<Record<string, unknown>>().notNull(),
    personId: uuid('person_id').references(() => persons.id),
    reply: text('reply'), // the centre's reply (reason for a return)
    submittedAt: tstz('submitted_at'),
    decidedAt: tstz('decided_at'),
    decidedBy: uuid('decided_by').references(() => staffUsers.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('notifications_centre_status_idx').on(t.centreId, t.status),
    index('notifications_reporting_centre_idx').on(t.reportingCentreId, t.status),
    index('notifications_institution_idx').on(t.institutionId, t.status),
    index('notifications_decided_idx').on(t.decidedAt),
  ],
);
