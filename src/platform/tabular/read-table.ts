import { csvRecords, detectEncoding, type TextEncoding } from './csv-source';
import { DEFAULT_TABLE_LIMITS, TableError, type TableLimits } from './table-error';
import type { TableKind, TableRow } from './types';
import { xlsxRecords } from './xlsx-source';
import { inspectWorkbookZip } from './zip-inspect';

export interface OpenedTable {
  kind: TableKind;
  /** CSV only: how its text was decoded. */
  encoding: TextEncoding | null;
  /** The first non-empty row, cells trimmed. */
  header: string[];
  /** The data rows after the header, without rows of empty cells; can be read again. */
  rows(): AsyncGenerator<TableRow>;
}

export interface TableSummary {
  kind: TableKind;
  encoding: TextEncoding | null;
  header: string[];
  rowCount: number;
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0]; // .xls, and .xlsx saved with a password
const startsWith = (b: Uint8Array, sig: number[]) => sig.every((x, i) => b[i] === x);
const isBlank = (cells: string[]) => cells.every((c) => c.trim() === '');

/** What kind of table the bytes are (by content; the file name only names a macro workbook). */
function kindOf(bytes: Buffer, fileName: string | undefined): TableKind {
  if (/\.xls[mb]$/i.test(fileName ?? '')) throw new TableError('macro_workbook');
  if (startsWith(bytes, ZIP)) return 'xlsx';
  if (startsWith(bytes, OLE)) throw new TableError('legacy_xls');
  // Text has no NUL bytes (UTF-16 files do, and are not read: Excel's CSV is UTF-8 or Shift_JIS).
  if (bytes.subarray(0, 64 * 1024).includes(0)) throw new TableError('unsupported_type');
  return 'csv';
}

/**
 * Open an uploaded CSV (UTF-8 with or without BOM, Shift_JIS/CP932, EUC-JP) or XLSX file
 * as a table, refusing what cannot be one (see TableError). Nothing is read past the header
 * here; `rows()` streams the rest and refuses a table longer than `maxRows`.
 * @example
 *   const table = await openTable(bytes, { fileName: 'line-list.csv' });
 *   for await (const { row, cells } of table.rows()) …
 */
export async function openTable(bytes: Buffer, opts: { fileName?: string; limits?: TableLimits } = {}): Promise<OpenedTable> {
  const limits = opts.limits ?? DEFAULT_TABLE_LIMITS;
  if (bytes.length > limits.maxBytes) throw new TableError('too_large', { limit: `${Math.round(limits.maxBytes / 1024 / 1024)} MB` });
  if (bytes.length === 0 || (bytes.length <= 3 && bytes.every((b) => b === 0xef || b === 0xbb || b === 0xbf))) throw new TableError('empty');
  const kind = kindOf(bytes, opts.fileName);
  let encoding: TextEncoding | null = null;
  let records: () => AsyncGenerator<TableRow>;
  if (kind === 'xlsx') {
    await inspectWorkbookZip(bytes, limits);
    records = () => xlsxRecords(bytes);
  } else {
    const enc = detectEncoding(bytes);
    encoding = enc;
    records = () => csvRecords(bytes, enc);
  }
  let header: string[] | null = null;
  let headerRow = 0;
  for await (const r of records()) {
    if (isBlank(r.cells)) continue;
    header = r.cells.map((c) => c.trim());
    headerRow = r.row;
    break;
  }
  if (!header) throw new TableError('empty');
  const found = header;
  return {
    kind,
    encoding,
    header: found,
    async *rows() {
      let count = 0;
      for await (const r of records()) {
        if (r.row <= headerRow || isBlank(r.cells)) continue;
        if (++count > limits.maxRows) throw new TableError('too_many_rows', { limit: limits.maxRows.toLocaleString('en') });
        yield r;
      }
    },
  };
}

/** Read a table through once: its header and row count, or the refusal (empty, header only, too long …). */
export async function inspectTable(bytes: Buffer, opts: { fileName?: string; limits?: TableLimits } = {}): Promise<TableSummary> {
  const table = await openTable(bytes, opts);
  let rowCount = 0;
  for await (const _ of table.rows()) rowCount++;
  if (rowCount === 0) throw new TableError('header_only');
  return { kind: table.kind, encoding: table.encoding, header: table.header, rowCount };
}
