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
