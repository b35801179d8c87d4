import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';
import { TableError } from './table-error';
import type { TableRow } from './types';

export type TextEncoding = 'utf-8' | 'shift_jis' | 'euc-jp';

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const SAMPLE_BYTES = 256 * 1024;

/**
 * The encoding of a CSV file: a UTF-8 BOM says so; otherwise encoding-japanese guesses from
 * the first 256 KB. Excel in Japan saves "CSV (コンマ区切り)" as Shift_JIS — decoded as CP932,
 * Microsoft's Shift_JIS (①, ㈱, 髙 and the NEC/IBM extensions people type in names).
 */
export function detectEncoding(bytes: Uint8Array): TextEncoding {
  if (UTF8_BOM.every((b, i) => bytes[i] === b)) return 'utf-8';
  // Whole lines only: a character cut in two at the end of the sample makes the guess fail
  // (0x0A is never part of a Shift_JIS, EUC-JP or UTF-8 multi-byte character).
  let sample = bytes.subarray(0, SAMPLE_BYTES);
  const lastLine = sample.lastIndexOf(0x0a);
  if (bytes.length > SAMPLE_BYTES && lastLine > 0) sample = sample.subarray(0, lastLine + 1);
  switch (Encoding.detect(sample)) {
    case 'UTF8':
    case 'ASCII':
      return 'utf-8';
    case 'SJIS':
      return 'shift_jis';
    case 'EUCJP':
      return 'euc-jp';
  }
  if (isUtf8(sample)) return 'utf-8';
  throw new TableError('unsupported_encoding');
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const ICONV_NAME: Record<TextEncoding, string> = { 'utf-8': 'utf8', shift_jis: 'cp932', 'euc-jp': 'eucjp' };

/** Comma, unless the header line has tabs and no commas (Excel's "Unicode text" style). */
function delimiterOf(bytes: Uint8Array): string {
  const end = bytes.indexOf(0x0a);
  const first = Buffer.from(bytes.subarray(0, end < 0 ? Math.min(bytes.length, 64 * 1024) : end)).toString('latin1');
  return first.includes('\t') && !first.includes(',') ? '\t' : ',';
}

/**
 * The records of a CSV file, decoded and parsed as a stream (64 KB at a time, so a large
 * file never becomes one string). Row numbers count records from 1 (the header), as a
 * spreadsheet shows them; rows of empty cells are skipped but keep their numbers.
 */
export async function* csvRecords(bytes: Uint8Array, encoding: TextEncoding): AsyncGenerator<TableRow> {
  const chunks = function* () {
    for (let i = 0; i < bytes.length; i += 64 * 1024) yield Buffer.from(bytes.buffer, bytes.byteOffset + i, Math.min(64 * 1024, bytes.length - i));
  };
  const parser = Readable.from(chunks())
    .pipe(iconv.decodeStream(ICONV_NAME[encoding], { stripBOM: true }))
    .pipe(parse({ delimiter: delimiterOf(bytes), relax_column_count: true, relax_quotes: true, bom: true }));
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      yield { row, cells: record };
    }
  } catch (err) {
    if (err instanceof TableError) throw err;
    throw new TableError('unreadable', { kind: 'CSV' });
  }
}
