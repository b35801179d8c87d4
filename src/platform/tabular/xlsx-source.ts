import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { TableError } from './table-error';
import type { TableRow } from './types';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * A cell's value as text. Formulas are never evaluated: their cached result (what Excel
 * showed when the file was saved) is read; date cells become YYYY-MM-DD (Excel keeps a
 * local date, which exceljs hands over as that date at UTC midnight).
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    return `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('result' in v) return cellText(v.result); // { formula | sharedFormula, result }
    if ('formula' in v || 'sharedFormula' in v) return ''; // a formula without a cached value
    if (Array.isArray(v.richText)) return (v.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
    if (typeof v.text === 'string') return v.text; // hyperlink
    if ('error' in v) return '';
  }
  return '';
}

/**
 * The rows of the first worksheet, read with exceljs's streaming reader (one row at a time;
 * shared strings and styles cached, the sheet never held whole). Row numbers are the sheet's.
 */
export async function* xlsxRecords(bytes: Buffer): AsyncGenerator<TableRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'emit' });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as unknown[];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]).trim());
        yield { row: row.number, cells };
      }
      return; // the first worksheet only
    }
  } catch (err) {
    if (err instanceof TableError) throw err;
    throw new TableError('unreadable', { kind: 'Excel (.xlsx)' });
  }
}
