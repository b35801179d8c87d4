/** One row of a table: its number as a spreadsheet shows it (the header is row 1) and its cells as text. */
export interface TableRow {
  row: number;
  cells: string[];
}

export type TableKind = 'csv' | 'xlsx';
