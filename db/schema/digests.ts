import { pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz } from './columns';
import { jurisdictions } from './jurisdictions';

/**
 * E-mail digests sent to a centre's staff: one row per centre and slot ("hourly:2026-12-05T03"
 * in UTC hours, "morning:2026-12-05" local date). The unique key is the claim: a digest is
 * sent at most once per slot whatever the number of ticks or processes.
 */
export const alertDigests = pgTable(
  'alert_digests',
  {
    id: id(),
    centreId: uuid('centre_id')
      .notNull()
      .references(() => jurisdictions.id),
    slot: text('slot').notNull(),
    status: text('status', { enum: ['sending', 'sent', 'failed'] }).notNull().default('sending'),
    recipients: text('recipients').array().notNull(),
    sentAt: tstz('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('alert_digests_slot_uq').on(t.centreId, t.slot)],
);
