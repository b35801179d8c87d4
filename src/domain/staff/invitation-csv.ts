import { parse } from 'csv-parse/sync';
import type { InviteStaffInput } from './invite-staff';

/**
 * A CSV of staff to invite (UTF-8, with or without BOM), one per row. Headers in Japanese
 * or English: メールアドレス/email, 氏名/表示名/name, 役割/role, 所属コード/保健所コード/
 * jurisdiction, 医療機関コード/institution. Roles as keys (nurse …) or in Japanese.
 *
 *   email,name,role,jurisdiction,institution
 *   hanako@example.jp,保健 花子,nurse,13-101,
 */
const HEADERS: Record<string, keyof InviteStaffInput> = {
  email: 'email', 'e-mail': 'email', メールアドレス: 'email', メール: 'email',
  name: 'displayName', displayname: 'displayName', 氏名: 'displayName', 表示名: 'displayName', 名前: 'displayName',
  role: 'role', 役割: 'role',
  jurisdiction: 'jurisdictionCode', jurisdictioncode: 'jurisdictionCode', 所属コード: 'jurisdictionCode', 保健所コード: 'jurisdictionCode', 管轄コード: 'jurisdictionCode',
  institution: 'institutionCode', institutioncode: 'institutionCode', 医療機関コード: 'institutionCode',
};
const ROLES: Record<string, string> = {
  看護師: 'nurse', 保健師: 'nurse', 職員: 'nurse',
  保健所管理者: 'centre_admin', 管理者: 'centre_admin',
  都道府県: 'prefecture_officer', 都道府県担当者: 'prefecture_officer',
  国: 'national_officer', 国の担当者: 'national_officer',
  医師: 'clinician', 医療機関: 'clinician',
};

export interface CsvRowError {
  row: number;
  field: string;
  message: string;
  messageJa: string;
}

export const MAX_INVITATION_ROWS = 2000;

export function parseInvitationCsv(text: string): { rows: { row: number; input: InviteStaffInput }[]; errors: CsvRowError[] } {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (err) {
    return { rows: [], errors: [{ row: 0, field: '(file)', message: `not a readable CSV: ${(err as Error).message}`, messageJa: 'CSVとして読み取れません' }] };
  }
  const [header, ...body] = records;
  const columns = (header ?? []).map((h) => HEADERS[h.replace(/[\s_]/g, '').toLowerCase()] ?? HEADERS[h.trim()]);
  if (!columns.includes('email') || !columns.includes('role')) {
    return { rows: [], errors: [{ row: 1, field: '(header)', message: 'the first row must name the columns: email, name, role, jurisdiction, institution', messageJa: '1行目に列名（メールアドレス・氏名・役割・所属コード・医療機関コード）を入れてください' }] };
  }
  if (body.length === 0) return { rows: [], errors: [{ row: 2, field: '(file)', message: 'no staff rows under the header', messageJa: '見出しの下に職員の行がありません' }] };
  if (body.length > MAX_INVITATION_ROWS) return { rows: [], errors: [{ row: 0, field: '(file)', message: `at most ${MAX_INVITATION_ROWS} rows`, messageJa: `一度に招待できるのは${MAX_INVITATION_ROWS}人までです` }] };
  const rows = body.map((cells, i) => {
    const input: Record<string, string> = {};
    columns.forEach((col, j) => {
      if (col && cells[j]) input[col] = cells[j]!.normalize('NFKC').trim();
    });
    if (input.role) input.role = ROLES[input.role] ?? input.role;
    return { row: i + 2, input: input as unknown as InviteStaffInput };
  });
  return { rows, errors: [] };
}
