import type { TableRow } from '../../platform/tabular/types';
import { type ColumnMapping, COLUMN_BY_KEY, IMPORT_COLUMNS } from './person-columns';

/** One problem of one row, at its cell: what the error report and the preview show. */
export interface RowProblem {
  row: number;
  field: string;
  /** The header of the column the field was read from (null when no column was mapped). */
  column: string | null;
  message: string;
  messageJa: string;
}

export interface ParsedRow {
  row: number;
  /** The fields for registerPerson / updatePerson: only those the row has a value for. */
  fields: Record<string, unknown>;
  /** 検体採取日: recorded as a test record, not a person field. */
  specimenDate: string | null;
  /** 世帯番号 and 続柄: the household the person joins, not person fields. */
  household: { number: string; relation: string | null } | null;
  /**
   * A 「報告者」 row (a 世帯番号, 続柄 「報告者」, no 患者ID and no 診断類型): the household's
   * reporter contact, not a person (households.contact_*, importHouseholdContact).
   */
  contact: { name: string; language: string; channel: string; address: string | null } | null;
  problems: RowProblem[];
}

/** The 続柄 that makes a row its household's reporter contact rather than a person. */
export const CONTACT_RELATION = '報告者';

/**
 * A line-list row as person fields. Each mapped cell is parsed on its own; an empty cell is
 * left out (never clears what a person already has), a missing required one is a problem.
 */
export function rowToPerson(row: TableRow, mapping: ColumnMapping, header: readonly string[]): ParsedRow {
  const fields: Record<string, unknown> = {};
  const problems: RowProblem[] = [];
  let specimenDate: string | null = null;
  for (const col of IMPORT_COLUMNS) {
    const index = mapping[col.key];
    const raw = index === undefined ? '' : (row.cells[index] ?? '').trim();
    const column = index === undefined ? null : (header[index] ?? null);
    if (!raw) {
      if (col.required) problems.push({ row: row.row, field: col.key, column, message: 'is required', messageJa: `「${col.labelJa}」が空欄です` });
      continue;
    }
    const parsed = col.parse(raw);
    if (!parsed.ok) {
      problems.push({ row: row.row, field: col.key, column, message: parsed.message, messageJa: parsed.messageJa });
      continue;
    }
    if (col.key === 'specimenDate') specimenDate = parsed.value as string;
    else fields[col.key] = parsed.value;
  }
  const { householdNumber, householdRelation, ...personFields } = fields;
  const household = householdNumber ? { number: String(householdNumber), relation: householdRelation ? String(householdRelation) : null } : null;
  if (household?.relation === CONTACT_RELATION && !personFields.caseNumber && !personFields.classification) {
    // Not a person: only its name is required; the phone is its address (SMS unless 連絡方法 says otherwise).
    const channel = typeof personFields.preferredChannel === 'string' ? personFields.preferredChannel : 'sms';
    const phone = typeof personFields.phone === 'string' ? personFields.phone : null;
    const contact = personFields.name ? { name: String(personFields.name), language: String(personFields.preferredLanguage ?? 'ja'), channel, address: channel === 'line' ? null : phone } : null;
    return { row: row.row, fields: personFields, specimenDate, household, contact, problems: problems.filter((p) => p.field !== 'caseNumber' && p.field !== 'classification') };
  }
  return { row: row.row, fields: personFields, specimenDate, household, contact: null, problems };
}

/** The column header for a field a verb refused (its ValidationError names the field). */
export function columnOfField(field: string, mapping: ColumnMapping, header: readonly string[]): string | null {
  const index = mapping[field];
  return index === undefined ? null : (header[index] ?? null);
}

export const labelJaOf = (field: string) => COLUMN_BY_KEY.get(field)?.labelJa ?? field;
