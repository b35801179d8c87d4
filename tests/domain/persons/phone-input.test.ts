import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalisePhone, personFieldsSchema } from '../../../src/domain/persons/person-input';
import { formatPhoneForStaff } from '../../../src/platform/text/phone-number';

// Every hyphen and dash Excel and Japanese IMEs produce, and none.
const DASHES = ['-', '−', 'ー', '‐', '‑', '–', '—', '－', 'ｰ', ' ', ''];
const toFullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCodePoint(d.codePointAt(0)! + 0xfee0));

/** Phones as staff type them in the console and the API (issue 18), and as they read them back. */
describe('a phone number typed by staff', () => {
  it('is stored as E.164 whatever dash or digit width was typed, and read back in domestic form', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('070', '080', '090'),
        fc.stringMatching(/^[1-9]\d{3}$/), // 0800-… is freephone, not a mobile
        fc.stringMatching(/^\d{4}$/),
        fc.constantFrom(...DASHES),
        fc.constantFrom(...DASHES),
        fc.boolean(),
        (prefix, mid, end, d1, d2, wide) => {
          const typed = `${prefix}${d1}${mid}${d2}${end}`;
          const input = wide ? toFullWidth(typed) : typed;
          const e164 = normalisePhone(input);
          expect(e164).toBe(`+81${prefix.slice(1)}${mid}${end}`);
          expect(formatPhoneForStaff(e164)).toBe(`${prefix}-${mid}-${end}`);
          expect(personFieldsSchema.parse({ caseNumber: 'P-1', name: '電話 太郎', classification: 'confirmed', phone: input }).phone).toBe(e164);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('shows fixed lines with their area code, foreign numbers internationally, and refuses what is no number', () => {
    expect(formatPhoneForStaff('+81352733000')).toBe('03-5273-3000');
    expect(formatPhoneForStaff('+81456781234')).toBe('045-678-1234');
    expect(formatPhoneForStaff('+815012345678')).toBe('050-1234-5678');
    expect(formatPhoneForStaff('+14155550100')).toBe('+1 415 555 0100');
    expect(formatPhoneForStaff(null)).toBe('');
    expect(normalisePhone('０３ー５２７３ー３０００')).toBe('+81352733000');
    expect(() => personFieldsSchema.parse({ caseNumber: 'P-1', name: '電話 太郎', classification: 'confirmed', phone: '090ー12' })).toThrow();
  });
});
