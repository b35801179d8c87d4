import { type CellValue, parseBooleanCell, parseChannelCell, parseClassificationCell, parseDateCell, parseLanguageCell, parseListCell, parsePhoneCell, parseSexCell, squash, textCell } from './person-values';

/**
 * The columns a line list may have, the headers each is recognised by (Japanese and
 * English, compared after squash(): width, case, spaces and brackets ignored) and how a
 * cell becomes the field registerPerson takes. 検体採取日 is not a person field: it becomes
 * a test record (検査) of the person.
 */
export interface ImportColumn {
  key: string;
  labelJa: string;
  labelEn: string;
  required?: boolean;
  aliases: string[];
  parse: (raw: string) => CellValue<unknown>;
}

export const IMPORT_COLUMNS: readonly ImportColumn[] = [
  { key: 'caseNumber', labelJa: '事例番号（HER-SYS ID）', labelEn: 'Case number (HER-SYS ID)', required: true, aliases: ['事例番号', 'HER-SYS ID', 'HERSYS ID', 'HER-SYS番号', '患者ID', '整理番号', '症例番号', '管理番号', '受付番号', 'ID', 'case number', 'case no', 'case id'], parse: textCell(40) },
  { key: 'name', labelJa: '氏名', labelEn: 'Name', required: true, aliases: ['氏名', '名前', '患者氏名', '氏名（漢字）', '対象者氏名', 'name', 'full name'], parse: textCell(100) },
  { key: 'nameKana', labelJa: 'フリガナ', labelEn: 'Name (kana)', aliases: ['フリガナ', 'ふりがな', 'カナ', 'かな', '氏名（カナ）', '氏名（フリガナ）', 'カナ氏名', 'kana', 'name kana', 'furigana'], parse: textCell(100) },
  { key: 'dateOfBirth', labelJa: '生年月日', labelEn: 'Date of birth', aliases: ['生年月日', '誕生日', 'date of birth', 'birth date', 'birthdate', 'dob', 'birthday'], parse: parseDateCell },
  { key: 'sex', labelJa: '性別', labelEn: 'Sex', aliases: ['性別', 'sex', 'gender'], parse: parseSexCell },
  { key: 'phone', labelJa: '電話番号', labelEn: 'Phone', aliases: ['電話番号', '電話', '携帯', '携帯電話', '携帯番号', '携帯電話番号', '連絡先', '連絡先電話番号', 'TEL', 'phone', 'phone number', 'mobile', 'telephone'], parse: parsePhoneCell },
  { key: 'address', labelJa: '住所', labelEn: 'Address', aliases: ['住所', '現住所', '居住地', '所在地', 'address'], parse: textCell(300) },
  { key: 'email', labelJa: 'メールアドレス', labelEn: 'E-mail', aliases: ['メールアドレス', 'メール', 'e-mail', 'email', 'mail'], parse: textCell(200) },
  { key: 'classification', labelJa: '診断類型', labelEn: 'Classification', required: true, aliases: ['診断類型', '類型', '分類', '診断分類', '区分', '届出区分', 'classification', 'category', 'type'], parse: parseClassificationCell },
  { key: 'onsetDate', labelJa: '発症日', labelEn: 'Onset date', aliases: ['発症日', '発症年月日', 'onset', 'onset date'], parse: parseDateCell },
  { key: 'diagnosisDate', labelJa: '診断日', labelEn: 'Diagnosis date', aliases: ['診断日', '診断年月日', 'diagnosis date', 'diagnosed'], parse: parseDateCell },
  { key: 'specimenDate', labelJa: '検体採取日', labelEn: 'Specimen date', aliases: ['検体採取日', '採取日', '検体採取年月日', 'specimen date', 'sample date'], parse: parseDateCell },
  { key: 'lastContactDate', labelJa: '最終接触日', labelEn: 'Last contact date', aliases: ['最終接触日', '最終接触年月日', 'last contact', 'last contact date'], parse: parseDateCell },
  { key: 'underlyingConditions', labelJa: '基礎疾患', labelEn: 'Underlying conditions', aliases: ['基礎疾患', '既往歴', 'underlying conditions', 'comorbidities', 'conditions'], parse: parseListCell },
  { key: 'pregnant', labelJa: '妊娠', labelEn: 'Pregnant', aliases: ['妊娠', '妊娠中', '妊娠の有無', 'pregnant', 'pregnancy'], parse: parseBooleanCell },
  { key: 'hasOximeter', labelJa: 'パルスオキシメーター', labelEn: 'Pulse oximeter', aliases: ['パルスオキシメーター', 'パルスオキシメータ', 'パルスオキシメーター貸与', 'オキシメーター', 'pulse oximeter', 'oximeter'], parse: parseBooleanCell },
  { key: 'preferredChannel', labelJa: '連絡方法', labelEn: 'Channel', aliases: ['連絡方法', 'チャネル', 'チャンネル', '連絡手段', '健康観察方法', '観察方法', 'channel', 'contact method'], parse: parseChannelCell },
  { key: 'preferredLanguage', labelJa: '言語', labelEn: 'Language', aliases: ['言語', '使用言語', '希望言語', 'language'], parse: parseLanguageCell },
  // 世帯: rows with the same number form one household; its first row is the reporter (src/domain/households/household-import.ts).
  { key: 'householdNumber', labelJa: '世帯番号', labelEn: 'Household number', aliases: ['世帯番号', '世帯ID', '世帯', 'household', 'household number', 'household id'], parse: textCell(40) },
  { key: 'householdRelation', labelJa: '続柄', labelEn: 'Relation', aliases: ['続柄', '続き柄', 'relation', 'relationship'], parse: textCell(20) },
];

export type ImportColumnKey = string;
export const COLUMN_BY_KEY = new Map(IMPORT_COLUMNS.map((c) => [c.key, c]));

/** Field → the index of the column it is read from (absent: not imported). */
export type ColumnMapping = Record<ImportColumnKey, number>;

const ALIAS_TO_KEY = new Map(IMPORT_COLUMNS.flatMap((c) => [c.key, ...c.aliases].map((a) => [squash(a), c.key] as const)));

/** The field a header names, or null: exactly, then without what is in brackets (氏名（漢字） → 氏名). */
export function fieldOfHeader(header: string): ImportColumnKey | null {
  const whole = ALIAS_TO_KEY.get(squash(header));
  if (whole) return whole;
  const bare = header.normalize('NFKC').replace(/[(（[【].*?[)）\]】]/g, '');
  return ALIAS_TO_KEY.get(squash(bare)) ?? null;
}

/** The mapping guessed from a header row: each recognised field from its first column. */
export function autoMapping(header: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  header.forEach((h, i) => {
    const key = fieldOfHeader(h);
    if (key && mapping[key] === undefined) mapping[key] = i;
  });
  return mapping;
}

/** Required fields the mapping leaves out, and columns it points past the header, as field errors. */
export function mappingProblems(mapping: ColumnMapping, columnCount: number): { field: string; message: string; messageJa: string }[] {
  const problems = IMPORT_COLUMNS.filter((c) => c.required && mapping[c.key] === undefined).map((c) => ({
    field: c.key,
    message: `no column is mapped to ${c.labelEn}`,
    messageJa: `「${c.labelJa}」の列を選んでください`,
  }));
  for (const [key, index] of Object.entries(mapping)) {
    if (!COLUMN_BY_KEY.has(key)) problems.push({ field: key, message: 'unknown field', messageJa: '不明な項目です' });
    else if (!Number.isInteger(index) || index < 0 || index >= columnCount) problems.push({ field: key, message: 'no such column', messageJa: '存在しない列です' });
  }
  return problems;
}
