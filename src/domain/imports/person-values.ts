import { LANGUAGES, type Lang } from '../../flows';
import { parseJapaneseDate } from '../../platform/text/japanese-date';
import { parsePhoneNumber } from '../../platform/text/phone-number';

/** A cell read as a field's value, or why not (English and Japanese, never the cell's text). */
export type CellValue<T> = { ok: true; value: T } | { ok: false; message: string; messageJa: string };

const ok = <T>(value: T): CellValue<T> => ({ ok: true, value });
const bad = (message: string, messageJa: string): CellValue<never> => ({ ok: false, message, messageJa });

/** Lower case, half-width, no spaces or brackets: how values and headers are compared. */
export const squash = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-‐‑–—−ー－・*※()[\]【】「」]/g, '');

function choice<T extends string>(table: Record<string, T>, what: string, whatJa: string, choicesJa: string) {
  const bySquashed = new Map(Object.entries(table).map(([k, v]) => [squash(k), v]));
  return (raw: string): CellValue<T> => {
    const v = bySquashed.get(squash(raw));
    return v ? ok(v) : bad(`not a known ${what}`, `${whatJa}が読み取れません（${choicesJa}）`);
  };
}

export const parseDateCell = (raw: string): CellValue<string> => {
  const iso = parseJapaneseDate(raw);
  return iso ? ok(iso) : bad('must be a date such as 1948/4/1 or 昭和23年4月1日', '日付が読み取れません（1948/4/1、昭和23年4月1日、S23.4.1 などの形で入力してください）');
};

export const parsePhoneCell = (raw: string): CellValue<string> => {
  const p = parsePhoneNumber(raw);
  return p ? ok(p.e164) : bad('must be a phone number such as 090-1234-5678', '電話番号が読み取れません（090-1234-5678 などの形で入力してください）');
};

export const parseSexCell = choice(
  { 男: 'male', 男性: 'male', m: 'male', male: 'male', 1: 'male', 女: 'female', 女性: 'female', f: 'female', female: 'female', 2: 'female', その他: 'other', other: 'other', 不明: 'unknown', unknown: 'unknown', 0: 'unknown', 9: 'unknown' } as Record<string, 'male' | 'female' | 'other' | 'unknown'>,
  'sex',
  '性別',
  '男・女・その他・不明',
);

export const parseClassificationCell = choice(
  {
    患者: 'confirmed', 確定例: 'confirmed', 患者確定例: 'confirmed', 確定: 'confirmed', 陽性: 'confirmed', 陽性者: 'confirmed', confirmed: 'confirmed', patient: 'confirmed',
    疑似症: 'suspected', 疑似症患者: 'suspected', 疑似: 'suspected', suspected: 'suspected',
    無症状病原体保有者: 'asymptomatic', 無症状: 'asymptomatic', asymptomatic: 'asymptomatic', asymptomaticcarrier: 'asymptomatic',
    濃厚接触者: 'close_contact', 接触者: 'close_contact', closecontact: 'close_contact', contact: 'close_contact',
  } as Record<string, 'confirmed' | 'suspected' | 'asymptomatic' | 'close_contact'>,
  'classification',
  '診断類型',
  '患者（確定例）・疑似症患者・無症状病原体保有者・濃厚接触者',
);

export const parseChannelCell = choice(
  {
    line: 'line', ライン: 'line', sms: 'sms', ショートメール: 'sms', ショートメッセージ: 'sms', sms携帯: 'sms',
    電話: 'voice', 音声: 'voice', 自動音声: 'voice', 自動架電: 'voice', 固定電話: 'voice', voice: 'voice', call: 'voice', phone: 'voice',
    web: 'web', ウェブ: 'web', ブラウザ: 'web', webフォーム: 'web', myhersys: 'web',
  } as Record<string, 'line' | 'sms' | 'voice' | 'web'>,
  'contact channel',
  '連絡方法',
  'LINE・SMS・電話・Web',
);

export const parseLanguageCell = choice(
  // Every language of the list by its code, its own name, its Japanese and English names (ベトナム語, Tiếng Việt, vi, Vietnamese).
  Object.fromEntries(LANGUAGES.flatMap((l) => [l.code, l.label, l.ja, l.en, ...l.names].map((n) => [n, l.code]))) as Record<string, Lang>,
  'language',
  '言語',
  LANGUAGES.map((l) => l.ja).join('・'),
);

const YES = new Set(['あり', '有', '有り', 'はい', '○', '〇', '◯', 'y', 'yes', 'true', '1', '妊娠中', '貸与', '貸与済', '貸与あり', '済']);
const NO = new Set(['なし', '無', '無し', 'いいえ', '×', '✕', '-', 'n', 'no', 'false', '0', '未', '貸与なし']);

export const parseBooleanCell = (raw: string): CellValue<boolean> => {
  const s = raw.normalize('NFKC').trim().toLowerCase();
  if (YES.has(s)) return ok(true);
  if (NO.has(s)) return ok(false);
  return bad('must be yes or no', '「あり」か「なし」で入力してください');
};

/** 基礎疾患: a list in one cell, separated by 、 , ; ／ or line breaks. */
export const parseListCell = (raw: string): CellValue<string[]> => {
  const items = raw
    .split(/[、,，;；/／\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length > 30 || items.some((s) => s.length > 60)) return bad('too many or too long items', '項目が多すぎるか長すぎます（30項目・各60文字まで）');
  return ok(items);
};

export const textCell =
  (max: number) =>
  (raw: string): CellValue<string> => {
    const s = raw.trim();
    return s.length <= max ? ok(s) : bad(`must be at most ${max} characters`, `${max}文字以内にしてください`);
  };
