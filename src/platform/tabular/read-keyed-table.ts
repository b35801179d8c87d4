import { openTable } from './read-table';
import { type TableLimits, TableError } from './table-error';

/**
 * A small table read whole, each row's cells keyed by header: what the register imports
 * (centres, institutions) read. The same reader as the person import (openTable: UTF-8
 * with or without BOM, Shift_JIS/CP932 or EUC-JP detected, XLSX too; the same refusals
 * and limits), so every upload of the service is read one way. Header names are
 * NFKC-normalised; cells trimmed. `line` is the row's number as a spreadsheet shows it
 * (header = 1), so refusals can point at it.
 */
export interface KeyedTable {
  header: string[];
  rows: { line: number; cells: Record<string, string> }[];
}

export async function readKeyedTable(bytes: Uint8Array, opts: { fileName?: string; limits?: TableLimits } = {}): Promise<KeyedTable> {
  const table = await openTable(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), opts);
  const header = table.header.map((h) => h.normalize('NFKC').trim());
  const rows: KeyedTable['rows'] = [];
  for await (const { row, cells } of table.rows()) rows.push({ line: row, cells: Object.fromEntries(header.map((h, j) => [h, (cells[j] ?? '').trim()])) });
  if (!rows.length) throw new TableError('header_only');
  return { header, rows };
}
