import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eraOf, parseJapaneseDate } from '../../../src/platform/text/japanese-date';

const toFullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCodePoint(d.codePointAt(0)! + 0xfee0));
// Any day from the first day of 明治 to the end of this century.
const isoDates = fc.date({ min: new Date('1868-01-25T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

describe('parseJapaneseDate', () => {
  it('reads the forms line lists use', () => {
    const cases: [string, string | null][] = [
      ['1948/4/1', '1948-04-01'],
      ['1948-04-01', '1948-04-01'],
      ['1948.4.1', '1948-04-01'],
      ['1948年4月1日', '1948-04-01'],
      ['19480401', '1948-04-01'],
      ['昭和23年4月1日', '1948-04-01'],
      ['昭和２３年４月１日', '1948-04-01'],
      ['S23.4.1', '1948-04-01'],
      ['s23/4/1', '1948-04-01'],
      ['Ｓ２３－４－１', '1948-04-01'],
      ['㍼23年4月1日', '1948-04-01'],
      ['令和6年1月15日', '2024-01-15'],
      ['令和元年5月1日', '2019-05-01'],
      ['R1.5.1', '2019-05-01'],
      ['H31.4.30', '2019-04-30'],
      ['平成元年1月8日', '1989-01-08'],
      ['T15.12.24', '1926-12-24'],
      ['M45.7.29', '1912-07-29'],
      [' 1948 / 4 / 1 ', '1948-04-01'],
    ];
    for (const [text, iso] of cases) expect([text, parseJapaneseDate(text)]).toEqual([text, iso]);
  });

  it('refuses dates that do not exist or lie outside their era, and what is not a date', () => {
    for (const text of ['2023/2/29', '1948/13/1', '昭和23年2月30日', '平成31年5月1日', '昭和64年1月8日', '令和0年1月1日', 'H1.1.7', 'X23.4.1', '不明', '', '23/4/1', '1948/4', '12345']) {
      expect([text, parseJapaneseDate(text)]).toEqual([text, null]);
    }
  });

  it('reads every date back from its Western forms, in half- and full-width digits', () => {
    fc.assert(
      fc.property(isoDates, fc.boolean(), fc.constantFrom('/', '-', '.', '年'), (iso, wide, sep) => {
        const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
        const text = sep === '年' ? `${y}年${m}月${d}日` : `${y}${sep}${m}${sep}${d}`;
        expect(parseJapaneseDate(wide ? toFullWidth(text) : text)).toBe(iso);
      }),
    );
  });

  it('reads every date back from its era forms (kanji era, initial, 元年), and never returns an impossible date', () => {
    fc.assert(
      fc.property(isoDates, fc.boolean(), fc.boolean(), (iso, kanji, wide) => {
        const era = eraOf(iso)!;
        const [, m, d] = iso.split('-').map(Number) as [number, number, number];
        const year = kanji && era.year === 1 ? '元' : String(era.year);
        const text = kanji ? `${era.name}${year}年${m}月${d}日` : `${era.key}${year}.${m}.${d}`;
        expect(parseJapaneseDate(wide ? toFullWidth(text) : text)).toBe(iso);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 16 }), (text) => {
        const iso = parseJapaneseDate(text);
        if (iso !== null) expect(new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10)).toBe(iso);
      }),
    );
  });
});
