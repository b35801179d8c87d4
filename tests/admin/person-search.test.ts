import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { foldName, phonePattern } from '../../src/domain/persons/search-terms';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makePerson } from './fixtures';
import { bearer, ensureCentre, makeStaff, makeToken } from './support';

describe('search folding (pure)', () => {
  it('treats hiragana and katakana, full and half width and spaces alike', () => {
    expect(foldName('やまだ たろう')).toBe('ヤマダタロウ');
    expect(foldName('ﾔﾏﾀﾞ ﾀﾛｳ')).toBe('ヤマダタロウ');
    expect(foldName('ヤマダ　タロウ')).toBe('ヤマダタロウ');
    expect(foldName('Ｙａｍａｄａ')).toBe('yamada');
  });

  it('is idempotent and blind to the hiragana/katakana choice, for any kana text', () => {
    const kana = fc.array(fc.integer({ min: 0x3041, max: 0x3096 }).map((c) => String.fromCodePoint(c)), { maxLength: 12 }).map((a) => a.join(''));
    fc.assert(
      fc.property(kana, (hira) => {
        const kata = hira.replace(/[\u3041-\u3096]/g, (ch) => String.fromCodePoint(ch.codePointAt(0)! + 0x60));
        expect(foldName(hira)).toBe(foldName(kata));
        expect(foldName(foldName(hira))).toBe(foldName(hira));
      }),
    );
  });

  it('turns parts of phone numbers into patterns on E.164 numbers', () => {
    expect(phonePattern('5678')).toBe('%5678%');
    expect(phonePattern('090-1234')).toBe('+81901234%');
    expect(phonePattern('０９０－１２３４－５６７８')).toBe('+819012345678%');
    expect(phonePattern('+8190')).toBe('+8190%');
    expect(phonePattern('123')).toBeNull();
    expect(phonePattern('山田')).toBeNull();
  });
});

let deps: TestDeps;
let api: ReturnType<typeof bearer>;

beforeAll(async () => {
  deps = await createTestDeps();
  await ensureCentre(deps, '13-781');
  await makeStaff(deps, { email: 'search@n.jp', role: 'nurse', jurisdictionCode: '13-781' });
  api = bearer(createApp(deps), await makeToken(deps, 'search@n.jp'));
  await makePerson(deps, '13-781', { caseNumber: 'S-1', name: '山田 太郎', nameKana: 'ヤマダ タロウ', phone: '090-1234-5678' });
  await makePerson(deps, '13-781', { caseNumber: 'S-2', name: '佐藤 花子', nameKana: 'サトウ ハナコ', phone: '080-9999-0000' });
});
afterAll(async () => deps?.close());

const found = async (q: string) => {
  const body = await (await api('GET', `/api/v1/persons?list=all&q=${encodeURIComponent(q)}`)).json();
  return body.persons.map((p: { caseNumber: string }) => p.caseNumber).sort();
};

describe('searching persons', () => {
  it('finds kana typed in hiragana, half-width katakana, or without the space', async () => {
    expect(await found('やまだ')).toEqual(['S-1']);
    expect(await found('ﾔﾏﾀﾞ ﾀﾛｳ')).toEqual(['S-1']);
    expect(await found('ヤマダタロウ')).toEqual(['S-1']);
    expect(await found('山田太郎')).toEqual(['S-1']);
  });

  it('finds a person by part of the phone number: the last four digits or the start in 090-… form', async () => {
    expect(await found('5678')).toEqual(['S-1']);
    expect(await found('090-1234')).toEqual(['S-1']);
    expect(await found('０８０－９９９９')).toEqual(['S-2']);
    expect(await found('080-1234')).toEqual([]);
  });

  it('takes %, _ and \\ literally', async () => {
    expect(await found('%')).toEqual([]);
    expect(await found('_')).toEqual([]);
  });
});
