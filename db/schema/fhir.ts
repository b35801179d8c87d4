import { relations } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz } from './columns';
import { jurisdictions } from './jurisdictions';
import { staffUsers } from './staff';

/**
 * A system registered for SMART Backend Services (FHIR API at /fhir). It authenticates with
 * a JWT signed by a key of its JWKS and acts through `staff_user_id`: a disabled service
 * account (no password anyone knows) whose role follows the client's jurisdiction, so the
 * console's role × jurisdiction rule and audit rows apply to it unchanged.
 */
export const fhirClients = pgTable(
  'fhir_clients',
  {
    id: id(), // the OAuth client_id
    name: text('name').notNull(),
    jurisdictionId: uuid('jurisdiction_id')
      .notNull()
      .references(() => jurisdictions.id),
    scopes: jsonb('scopes').$type<string[]>().notNull(), // SMART v2, e.g. ["system/Patient.rs"]
    jwks: jsonb('jwks').$type<{ keys: Record<string, unknown>[] }>().notNull(), // public keys only
    staffUserId: uuid('staff_user_id')
      .notNull()
      .references(() => staffUsers.id),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    createdAt: createdAt(),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [index('fhir_clients_jurisdiction_idx').on(t.jurisdictionId), uniqueIndex('fhir_clients_staff_uq').on(t.staffUserId)],
);

/** Every client-assertion `jti` seen, kept until its assertion has expired: a replay is refused. */
export const fhirAssertionJtis = pgTable(
  'fhir_assertion_jtis',
  {
    clientId: uuid('client_id')
      .notNull()
      .references(() => fhirClients.id, { onDelete: 'cascade' }),
    jti: text('jti').notNull(),
    expiresAt: tstz('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.jti] }), index('fhir_assertion_jtis_expires_idx').on(t.expiresAt)],
);

/** Access tokens (≤ 5 min); only the SHA-256 of the token is stored. */
export const fhirAccessTokens = pgTable(
  'fhir_access_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => fhirClients.id, { onDelete: 'cascade' }),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    expiresAt: tstz('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('fhir_access_tokens_expires_idx').on(t.expiresAt)],
);

export const FHIR_EXPORT_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;

/**
 * A Bulk Data export ($export): the request, the progress and the NDJSON files it wrote
 * under DATA_DIR/fhir-exports/<id>/, removed after `expires_at` or on DELETE.
 */
export const fhirExports = pgTable(
  'fhir_exports',
  {
    id: id(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => fhirClients.id, { onDelete: 'cascade' }),
    groupCode: text('group_code'), // a health centre code for Group/{code}/$export, else null
    types: jsonb('types').$type<string[]>().notNull(),
    since: tstz('since'),
    status: text('status', { enum: FHIR_EXPORT_STATUSES }).notNull().default('queued'),
    progress: integer('progress').notNull().default(0), // resources written so far
    output: jsonb('output').$type<{ type: string; file: string; count: number }[]>().notNull().default([]),
    error: text('error'),
    requestUrl: text('request_url').notNull(),
    createdAt: createdAt(),
    completedAt: tstz('completed_at'),
    expiresAt: tstz('expires_at').notNull(),
  },
  (t) => [index('fhir_exports_client_idx').on(t.clientId, t.createdAt), index('fhir_exports_expires_idx').on(t.expiresAt)],
);

export const fhirClientsRelations = relations(fhirClients, ({ one }) => ({
  jurisdiction: one(jurisdictions, { fields: [fhirClients.jurisdictionId], references: [jurisdictions.id] }),
}));
