import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';

export const EXPORT_ENCODINGS = ['utf-8', 'shift_jis'] as const;
export type ExportEncoding = (typeof EXPORT_ENCODINGS)[number];

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell as text, safe to open in a spreadsheet: a value starting with = + - @ tab or CR
 * would be run as a formula by Excel (CSV injection), so it gets a leading single quote.
 * That includes what a patient typed (comments, raw answers) and E.164 phone numbers.
 */
export function safeCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/**
 * Chunks of records → CSV bytes, streamed: each chunk (≤ EXPORT_CHUNK rows) goes through
 * csv-stringify at once and is encoded either as UTF-8 with a BOM (so Excel detects it) or
 * as Shift_JIS — CP932 / Windows-31J, the variant Excel in Japan opens directly (it has ①,
 * 髙, ～ and the NEC/IBM extensions plain Shift_JIS lacks; what CP932 cannot hold becomes
 * '?'). Line endings CRLF, as Excel writes them. Only one chunk is in memory at a time, and
 * the next is not read until the client has taken this one.
 */
export function csvStream(header: string[], chunks: AsyncIterable<unknown[][]>, encoding: ExportEncoding): Readable {
  const encode = (text: string) => (encoding === 'shift_jis' ? iconv.encode(text, 'cp932') : Buffer.from(text, 'utf8'));
  const csv = (records: unknown[][]) => stringify(records.map((r) => r.map(safeCell)), { record_delimiter: 'windows' });
  async function* bytes() {
    const head = encode(csv([header]));
    yield encoding === 'utf-8' ? Buffer.concat([UTF8_BOM, head]) : head;
    for await (const records of chunks) if (records.length > 0) yield encode(csv(records));
  }
  return Readable.from(bytes(), { objectMode: false });
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
