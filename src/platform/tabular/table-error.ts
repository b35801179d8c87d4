/**
 * Why a file was refused as a table, in English and Japanese. Refusals come before
 * anything is stored: the caller stores a file only once it has been read through.
 */
export type TableRefusal =
  | 'unsupported_type'
  | 'legacy_xls'
  | 'too_large'
  | 'too_many_rows'
  | 'empty'
  | 'header_only'
  | 'zip_bomb'
  | 'macro_workbook'
  | 'unreadable'
  | 'unsupported_encoding';

const MESSAGES: Record<TableRefusal, [string, string]> = {
  unsupported_type: ['the file is neither CSV nor an Excel workbook (.xlsx)', 'CSV または Excel ブック（.xlsx）のファイルを選んでください'],
  legacy_xls: ['old Excel files (.xls) are not read: save the sheet as .xlsx or CSV', '古い Excel 形式（.xls）は読めません。.xlsx または CSV で保存し直してください'],
  too_large: ['the file is larger than {limit}', 'ファイルが大きすぎます（上限 {limit}）'],
  too_many_rows: ['the file has more than {limit} rows', '行数が多すぎます（上限 {limit} 行）。ファイルを分けてください'],
  empty: ['the file is empty', 'ファイルが空です'],
  header_only: ['the file has a header row but no data rows', '見出し行しかありません。データの行がありません'],
  zip_bomb: ['the workbook unpacks to far more than its size (a compressed bomb?): refused', 'ブックの展開後のサイズが大きすぎるため読み込みません'],
  macro_workbook: ['workbooks with macros (.xlsm, vbaProject.bin) are refused: save as .xlsx without macros', 'マクロ付きのブック（.xlsm）は受け付けません。マクロなしの .xlsx で保存してください'],
  unreadable: ['the file could not be read as {kind}', 'ファイルを{kind}として読み込めませんでした'],
  unsupported_encoding: ['the text encoding is neither UTF-8 nor Shift_JIS', '文字コードが UTF-8 でも Shift_JIS でもありません'],
};

export class TableError extends Error {
  readonly messageJa: string;
  constructor(
    readonly code: TableRefusal,
    vars: Record<string, string | number> = {},
  ) {
    const fill = (t: string) => t.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
    const [en, ja] = MESSAGES[code];
    super(fill(en));
    this.messageJa = fill(ja);
    this.name = 'TableError';
  }
}

/** The limits of one uploaded table. */
export interface TableLimits {
  maxBytes: number;
  maxRows: number;
  /** The total the unpacked parts of a workbook may reach, and the ratio one part may have. */
  maxUnpackedBytes: number;
  maxRatio: number;
}

export const DEFAULT_TABLE_LIMITS: TableLimits = { maxBytes: 20 * 1024 * 1024, maxRows: 200_000, maxUnpackedBytes: 400 * 1024 * 1024, maxRatio: 200 };
