import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { autoMapping, fieldOfHeader, mappingProblems } from '../../../src/domain/imports/person-columns';
import { rowToPerson } from '../../../src/domain/imports/row-to-person';
import { parseBooleanCell, parseChannelCell, parseClassificationCell, parseListCell, parseSexCell } from '../../../src/domain/imports/person-values';

describe('column headers', () => {
  it('recognises Japanese and English headers in any width, with brackets and marks', () => {
    const cases: [string, string | null][] = [
      ['氏名', 'name'], ['氏名（漢字）', 'name'], ['氏名（カナ）', 'nameKana'], ['フリガナ', 'nameKana'], ['ｶﾅ', 'nameKana'],
      ['生年月日', 'dateOfBirth'], ['Date of birth', 'dateOfBirth'], ['電話番号', 'phone'], ['携帯', 'phone'], ['ＴＥＬ', 'phone'],
      ['診断類型', 'classification'], ['分類', 'classification'], ['HER-SYS ID', 'caseNumber'], ['事例番号※', 'caseNumber'],
      ['パルスオキシメータ', 'hasOximeter'], ['連絡方法', 'preferredChannel'], ['チャネル', 'preferredChannel'], ['言語', 'preferredLanguage'],
      ['最終接触日', 'lastContactDate'], ['検体採取日', 'specimenDate'], ['基礎疾患', 'underlyingConditions'], ['妊娠', 'pregnant'],
      ['備考', null], ['', null],
    ];
    for (const [header, field] of cases) expect([header, fieldOfHeader(header)]).toEqual([header, field]);
  });

  it('maps each field from its first column and names the required ones left out', () => {
    const mapping = autoMapping(['氏名', '電話', '電話番号', 'メモ']);
    expect(mapping).toEqual({ name: 0, phone: 1 });
    expect(mappingProblems(mapping, 4).map((p) => p.field).sort()).toEqual(['caseNumber', 'classification']);
    expect(mappingProblems({ ...mapping, caseNumber: 9, classification: 3 }, 4)).toEqual([{ field: 'caseNumber', message: 'no such column', messageJa: '存在しない列です' }]);
  });
});

describe('cells', () => {
  it('reads the words line lists use for sex, classification, channel, yes/no and lists', () => {
    expect(parseSexCell('女性')).toEqual({ ok: true, value: 'female' });
    expect(parseClassificationCell('患者（確定例）')).toEqual({ ok: true, value: 'confirmed' });
    expect(parseClassificationCell('無症状病原体保有者')).toEqual({ ok: true, value: 'asymptomatic' });
    expect(parseChannelCell('ショートメール')).toEqual({ ok: true, value: 'sms' });
    expect(parseChannelCell('固定電話')).toEqual({ ok: true, value: 'voice' });
    expect(parseBooleanCell('○')).toEqual({ ok: true, value: true });
    expect(parseBooleanCell('なし')).toEqual({ ok: true, value: false });
    expect(parseListCell('糖尿病、高血圧／喘息')).toEqual({ ok: true, value: ['糖尿病', '高血圧', '喘息'] });
    expect(parseClassificationCell('不明な区分').ok).toBe(false);
  });

  it('a row: empty cells left out, required ones reported at their column, problems never quote the cell', () => {
    const header = ['事例番号', '氏名', '生年月日', '電話番号', '診断類型'];
    const parsed = rowToPerson({ row: 7, cells: ['A-1', '', '昭和23年2月30日', '０９０ー１２３４ー５６７８', '濃厚接触者'] }, autoMapping(header), header);
    expect(parsed.fields).toEqual({ caseNumber: 'A-1', phone: '+819012345678', classification: 'close_contact' });
    expect(parsed.problems.map((p) => [p.row, p.field, p.column])).toEqual([[7, 'name', '氏名'], [7, 'dateOfBirth', '生年月日']]);
    expect(JSON.stringify(parsed.problems)).not.toContain('2月30日');
  });

  it('any row of any text gives fields or problems, never throws', () => {
    const header = ['事例番号', '氏名', 'フリガナ', '生年月日', '性別', '電話番号', '診断類型', '妊娠', '基礎疾患'];
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 }), { minLength: 0, maxLength: 12 }), (cells) => {
        const r = rowToPerson({ row: 2, cells }, autoMapping(header), header);
        for (const p of r.problems) expect(p.messageJa.length).toBeGreaterThan(0);
      }),
    );
  });
});
