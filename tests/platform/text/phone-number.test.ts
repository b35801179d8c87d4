import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePhoneNumber } from '../../../src/platform/text/phone-number';

const DASHES = ['-', '−', 'ー', '‐', '‑', '–', '—', '－', 'ｰ', ' ', ''];
const toFullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCodePoint(d.codePointAt(0)! + 0xfee0));

describe('parsePhoneNumber', () => {
  it('reads the forms line lists use', () => {
    const cases: [string, string | null, string?][] = [
      ['090-1234-5678', '+819012345678', 'mobile'],
      ['０９０ー１２３４ー５６７８', '+819012345678', 'mobile'],
      ['090−1234−5678', '+819012345678', 'mobile'],
      ['(03) 1234-5678', '+81312345678', 'landline'],
      ['03（1234）5678', '+81312345678', 'landline'],
      ['+81 90 1234 5678', '+819012345678', 'mobile'],
      ['+81 (0)90-1234-5678', '+819012345678', 'mobile'],
      ['81-90-1234-5678', '+819012345678', 'mobile'],
      ['9012345678', '+819012345678', 'mobile'], // Excel dropped the 0
      ['312345678', '+81312345678', 'landline'],
      ['050-1234-5678', '+815012345678', 'ip'],
      ['1234', null],
      ['090-1234-567', null],
      ['電話なし', null],
      ['', null],
      ['1234567890', null],
    ];
    for (const [text, e164, kind] of cases) {
      const p = parsePhoneNumber(text);
      expect([text, p?.e164 ?? null]).toEqual([text, e164]);
      if (kind) expect([text, p?.kind]).toEqual([text, kind]);
    }
  });

  it('reads any mobile or fixed-line number back whatever the separators and widths', () => {
    const mobile = fc.tuple(fc.constantFrom('70', '80', '90'), fc.stringMatching(/^\d{4}$/), fc.stringMatching(/^\d{4}$/)).map(([a, b, c]) => ({ groups: [`0${a}`, b, c], e164: `+81${a}${b}${c}` }));
    const fixed = fc.constantFrom('3', '6', '45', '11').chain((area) => fc.tuple(fc.constant(area), fc.integer({ min: 0, max: 10 ** (9 - area.length) - 1 }))).map(([area, rest]) => {
      const digits = `${area}${String(rest).padStart(9 - area.length, '0')}`;
      return { groups: [`0${area}`, digits.slice(area.length, 5), digits.slice(5)], e164: `+81${digits}` };
    });
    fc.assert(
      fc.property(fc.oneof(mobile, fixed), fc.constantFrom(...DASHES), fc.boolean(), ({ groups, e164 }, dash, wide) => {
        const text = groups.join(dash);
        expect(parsePhoneNumber(wide ? toFullWidth(text) : text)?.e164).toBe(e164);
      }),
    );
  });

  it('returns E.164 or nothing, for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        const p = parsePhoneNumber(text);
        if (p) expect(p.e164).toMatch(/^\+[1-9]\d{6,14}$/);
      }),
    );
  });
});
