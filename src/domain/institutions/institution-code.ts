/**
 * 医療機関コード (10 digits): 都道府県番号 2 (01–47) + 点数表番号 1 + 郡市区番号 2 +
 * 医療機関番号 4 + 検証番号 1. Typed forms (full-width digits, hyphens, spaces) are
 * normalised first. Returns the 10 digits, or the Japanese and English reason it is not one.
 * The 検証番号 (10th digit) is the modulus-10, weights 2-1 check digit (the Luhn scheme)
 * computed over the nine digits before it — prefecture and 点数表 included: from the 9th
 * digit leftwards each digit is multiplied by 2, 1, 2, 1 …, a two-digit product counts as
 * the sum of its digits, and the check digit is 10 minus the last digit of the total (0
 * when that is 0). Example: 0110113719.
 * @example parseInstitutionCode('13-1-1234569') // { code: '1311234569' }
 */
export const SCORE_TABLES: Record<string, { ja: string; en: string }> = {
  '1': { ja: '医科', en: 'medical' },
  '3': { ja: '歯科', en: 'dental' },
  '4': { ja: '薬局（調剤）', en: 'pharmacy' },
  '6': { ja: '訪問看護', en: 'home-visit nursing' },
};

export type ParsedCode = { code: string } | { error: string; errorJa: string };

export function normaliseInstitutionCode(raw: string): string {
  return raw.normalize('NFKC').replace(/[\s\-‐－ー・.]/g, '');
}

export function parseInstitutionCode(raw: string): ParsedCode {
  const code = normaliseInstitutionCode(raw);
  if (!/^\d{10}$/.test(code)) return { error: 'must be 10 digits (prefecture 2 + score table 1 + 7)', errorJa: '医療機関コードは10桁の数字です（都道府県2桁＋点数表1桁＋7桁）' };
  const pref = Number(code.slice(0, 2));
  if (pref < 1 || pref > 47) return { error: 'must start with a prefecture number 01–47', errorJa: '医療機関コードの先頭2桁は都道府県番号（01〜47）です' };
  if (!SCORE_TABLES[code[2]!]) return { error: 'the third digit must be a score table: 1 medical, 3 dental, 4 pharmacy, 6 home-visit nursing', errorJa: '医療機関コードの3桁目は点数表番号（1 医科、3 歯科、4 薬局、6 訪問看護）です' };
  if (Number(code[9]) !== institutionCheckDigit(code.slice(0, 9))) {
    return { error: 'the 10th digit (check digit) does not match the other nine: a digit is probably mistyped', errorJa: '医療機関コードの10桁目（検証番号）が他の9桁と合いません。入力誤りがないか確認してください' };
  }
  return { code };
}

/** The 検証番号 of the nine digits before it (modulus 10, weights 2-1 from the right). */
export function institutionCheckDigit(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < nineDigits.length; i++) {
    const product = Number(nineDigits[nineDigits.length - 1 - i]) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}
