import { parse } from 'csv-parse/sync';
import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';

/**
 * A CSV file as header + rows, for the small register imports (centres, institutions).
 * Encoding: UTF-8 with or without BOM, or Shift_JIS/CP932 as Excel in Japan saves it —
 * detected (encoding-japanese), decoded with iconv-lite. Header names are trimmed and
 * NFKC-normalised; cells trimmed. `line` is the row's number in the file (header = 1),
 * so refusals can point at it. Kept in this one file so the general table reader of the
 * person import (src/platform/tabular/) can replace it.
 */
export interface CsvTable {
  header: string[];
  rows: { line: number; cells: Record<string, string> }[];
}

export class CsvReadError extends Error {
  constructor(message: string, readonly messageJa: string) {
    super(message);
  }
}

export function decodeCsvBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return Buffer.from(bytes.subarray(3)).toString('utf8');
  const detected = Encoding.detect(bytes);
  if (detected === 'SJIS') return iconv.decode(Buffer.from(bytes), 'CP932');
  if (detected === 'EUCJP') return iconv.decode(Buffer.from(bytes), 'EUC-JP');
  return Buffer.from(bytes).toString('utf8');
}

export function readCsvTable(bytes: Uint8Array): CsvTable {
  const text = decodeCsvBytes(bytes);
  if (!text.trim()) throw new CsvReadError('the file is empty', 'ファイルが空です');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true, info: true }) as unknown as typeof records;
  } catch (err) {
    throw new CsvReadError(`not a readable CSV file (${(err as Error).message.slice(0, 120)})`, 'CSVファイルとして読み取れません（引用符や区切りを確認してください）');
  }
  const [head, ...body] = records;
  const header = (head?.record ?? []).map((h) => h.normalize('NFKC').trim());
  if (!body.length) throw new CsvReadError('the file has a header but no rows', '見出し行だけで、データの行がありません');
  return {
    header,
    rows: body.map(({ record, info }) => ({ line: info.lines, cells: Object.fromEntries(header.map((h, j) => [h, (record[j] ?? '').trim()])) })),
  };
}
