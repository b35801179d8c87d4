import { describe, expect, it } from 'vitest';
import { institutionCheckDigit, parseInstitutionCode } from '../../src/domain/institutions/institution-code';

describe('医療機関コード', () => {
  it('accepts codes whose 10th digit is the modulus-10 (weights 2-1) check digit of the nine before it', () => {
    // 0110113719: the published example (北海道, 医科); 1311234569 and 1341000014 worked by hand:
    // 1·2+3·1+1·2+1·1+2·2+3·1+4·2+5·1+6·2 → 2+3+2+1+4+3+8+5+(1+2) = 31 → 10 − 1 = 9.
    for (const code of ['0110113719', '1311234569', '1341000014', '4713000018']) expect(parseInstitutionCode(code)).toEqual({ code });
    expect(parseInstitutionCode('１３-１-１２３４５６９')).toEqual({ code: '1311234569' });
    expect(institutionCheckDigit('011011371')).toBe(9);
    expect(institutionCheckDigit('131123456')).toBe(9);
    // A total ending in 0 gives 0, not 10.
    expect(institutionCheckDigit('131100001')).toBe(0);
  });

  it('refuses a mistyped digit or two swapped digits with a Japanese message naming the 検証番号', () => {
    for (const code of ['1311234567', '1311234568', '1311243569', '0110113718']) {
      const r = parseInstitutionCode(code);
      expect(r).toMatchObject({ errorJa: expect.stringContaining('10桁目（検証番号）') });
    }
  });

  it('still refuses a bad prefecture or 点数表 first, and non-digits', () => {
    expect(parseInstitutionCode('4811234567')).toMatchObject({ errorJa: expect.stringContaining('都道府県番号') });
    expect(parseInstitutionCode('1321234567')).toMatchObject({ errorJa: expect.stringContaining('点数表番号') });
    expect(parseInstitutionCode('131123456')).toMatchObject({ errorJa: expect.stringContaining('10桁の数字') });
  });
});
