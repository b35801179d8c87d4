import { boolean, customType, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz } from './columns';
import { jurisdictions } from './jurisdictions';
import { persons } from './persons';
import { staffUsers } from './staff';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const IMPORT_STATUSES = ['uploaded', 'queued', 'running', 'done', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/**
 * One uploaded line list (名簿の一括取り込み): the file itself until a real import has run
 * (never in Redis; cleared when done), its column mapping and the counts. The job reads
 * the file from here by the import's id.
 */
export const personImports = pgTable(
  'person_imports',
  {
    id: id(),
    centreId: uuid('centre_id')
      .notNull()
      .references(() => jurisdictions.id),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    status: text('status', { enum: IMPORT_STATUSES }).notNull().default('uploaded'),
    dryRun: boolean('dry_run').notNull().default(false),
    fileKind: text('file_kind', { enum: ['csv', 'xlsx'] }).notNull(),
    fileEncoding: text('file_encoding'),
    fileSha256: text('file_sha256').notNull(),
    fileBytes: integer('file_bytes').notNull(),
    fileData: bytea('file_data'),
    header: jsonb('header').$type<string[]>().notNull(),
    mapping: jsonb('mapping').$type<Record<string, number>>().notNull(),
    total: integer('total').notNull().default(0),
    processed: integer('processed').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    // How many times it was started (dry runs and the import): each run's job id carries it.
    runs: integer('runs').notNull().default(0),
    failureJa: text('failure_ja'),
    createdAt: createdAt(),
    startedAt: tstz('started_at'),
    finishedAt: tstz('finished_at'),
  },
  (t) => [index('person_imports_centre_idx').on(t.centreId, t.createdAt)],
);

/** A refused row of an import: row number, field, column and the message (never the cell's text). */
export const personImportErrors = pgTable(
  'person_import_errors',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => personImports.id, { onDelete: 'cascade' }),
    row: integer('row').notNull(),
    field: text('field').notNull(),
    columnName: text('column_name'),
    message: text('message').notNull(),
    messageJa: text('message_ja').notNull(),
  },
  (t) => [index('person_import_errors_import_idx').on(t.importId, t.row)],
);

/** The persons an import created or updated (for inviting the new ones in one action). */
export const personImportPersons = pgTable(
  'person_import_persons',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => personImports.id, { onDelete: 'cascade' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    outcome: text('outcome', { enum: ['created', 'updated'] }).notNull(),
    row: integer('row').notNull(),
    invitedAt: tstz('invited_at'),
  },
  (t) => [primaryKey({ columns: [t.importId, t.personId] }), index('person_import_persons_person_idx').on(t.personId)],
);

/** A possible duplicate (same kana + birth date, or same phone) for a nurse to merge or keep apart. */
export const personDuplicateCandidates = pgTable(
  'person_duplicate_candidates',
  {
    id: id(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    candidateId: uuid('candidate_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    importId: uuid('import_id').references(() => personImports.id, { onDelete: 'set null' }),
    reasons: jsonb('reasons').$type<string[]>().notNull(),
    decision: text('decision', { enum: ['open', 'kept_apart'] }).notNull().default('open'),
    decidedBy: uuid('decided_by').references(() => staffUsers.id),
    decidedAt: tstz('decided_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('person_duplicate_candidates_pair_uq').on(t.personId, t.candidateId), index('person_duplicate_candidates_import_idx').on(t.importId)],
);

/**
 * 統合: a person merged into another. The merged person's rows move to the kept one; its
 * audit rows stay as written (append-only) and are found through this table.
 */
export const personMerges = pgTable(
  'person_merges',
  {
    id: id(),
    mergedPersonId: uuid('merged_person_id').notNull(), // no FK: that person row is gone
    mergedCaseNumber: text('merged_case_number').notNull(),
    keptPersonId: uuid('kept_person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    mergedBy: uuid('merged_by').references(() => staffUsers.id),
    createdAt: createdAt(),
  },
  (t) => [index('person_merges_kept_idx').on(t.keptPersonId), index('person_merges_merged_idx').on(t.mergedPersonId)],
);
