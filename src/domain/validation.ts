import type { z } from 'zod';
import { ValidationError } from './errors';

/**
 * The Japanese for the field messages the input schemas use (the console is Japanese first).
 * Schemas keep one English message; this maps them here so no schema has to carry two.
 */
const JA: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^is required$/, () => '入力してください'],
  [/^must be at most (\d+) characters$/, (m) => `${m[1]}文字以内にしてください`],
  [/^must be at least (\d+) characters$/, (m) => `${m[1]}文字以上にしてください`],
  [/^must be a date/, () => '日付（YYYY-MM-DD）で入力してください'],
  [/^must be a phone number/, () => '電話番号（090-1234-5678 など）で入力してください'],
  [/^must be a lowercase slug/, () => '英小文字・数字・ハイフンで、英字から始めてください（例: minato-daily）'],
  [/^must be an e-mail address$/, () => 'メールアドレスの形式で入力してください'],
  [/^must be 10 digits \(prefecture/, () => '医療機関コードは10桁の数字です（都道府県2桁＋点数表1桁＋7桁）'],
  [/^must start with a prefecture number/, () => '医療機関コードの先頭2桁は都道府県番号（01〜47）です'],
  [/^the third digit must be a score table/, () => '医療機関コードの3桁目は点数表番号（1 医科、3 歯科、4 薬局、6 訪問看護）です'],
  [/^must be a local time HH:MM$/, () => '時刻（09:00 の形式）で入力してください'],
  [/^must be a LINE user id/, () => 'LINE ユーザーID（U と英数字32桁）で入力してください'],
  [/^must be local times HH:MM-HH:MM/, () => '時間帯（21:00-08:00 の形式）で入力してください'],
  [/^must be 2–40 letters, digits/, () => '保健所コードは英数字・ハイフン・下線の2〜40文字です（例: 13-shinjuku）'],
  [/^must be a prefecture code 01–47$/, () => '都道府県コード（01〜47）で入力してください'],
  [/^must be health_centre$/, () => '種別は health_centre（保健所）を指定してください'],
  [/^must be after the opening time$/, () => '開庁時刻より後の時刻にしてください'],
  [/^has no automated voice in this language/, () => 'この言語の自動音声はありません。SMS か Web を選んでください'],
  [/^Invalid option/, () => '選択肢から選んでください'],
  [/^Unrecognized key/, () => '使えない項目が含まれています'],
  [/^Invalid input: expected (number|int)/, () => '数値で入力してください'],
  [/^Invalid input/, () => '入力の形式が正しくありません'],
  [/^Too (big|small)/, () => '範囲外の値です'],
];

export function messageJaOf(message: string): string {
  for (const [re, ja] of JA) {
    const m = re.exec(message);
    if (m) return ja(m);
  }
  return '入力内容を確認してください';
}

/** Parse verb input with zod; every problem becomes a field error (422 at the edge), in English and Japanese. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message, messageJa: messageJaOf(issue.message) })),
  );
}
