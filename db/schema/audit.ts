import { bigserial, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';

/**
 * Who read or changed which record, when and from where. Append-only: a trigger refuses
 * UPDATE and DELETE for every role (see the migration `audit_log_append_only`).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorKind: text('actor_kind', { enum: ['staff', 'token', 'system', 'patient', 'webhook'] }).notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(), // read, create, update, export, login, publish …
    entity: text('entity').notNull(), // person, alert, flow_version, staff_user …
    entityId: text('entity_id'),
    personId: uuid('person_id'), // no FK: audit rows outlive what they describe
    ip: text('ip'),
    userAgent: text('user_agent'),
    requestId: text('request_id'),
    details: jsonb('details'),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_person_idx').on(t.personId, t.createdAt), index('audit_log_created_idx').on(t.createdAt)],
);
