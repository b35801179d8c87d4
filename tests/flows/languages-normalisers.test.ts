import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumberAnswer, parseYesNo, toHalfWidth } from '../../src/flows/index.js';

/**
 * Answers in the patient languages of src/flows/languages: yes / no / don't know words,
 * decimal commas and local digits. Properties in the style of properties.test.ts.
 */
const YES: Record<string, string[]> = {
  'zh-Hans': ['是', '是的', '有', '对', '有一点'],
  ko: ['네', '예', '있어요', '조금 있어요'],
  vi: ['có', 'Có', 'co', 'vâng', 'có một chút'],
  'pt-BR': ['sim', 'Sim', 'sim, um pouco'],
  es: ['sí', 'Sí', 'si', 'sí, un poco'],
  tl: ['oo', 'Oo', 'opo', 'meron', 'mayroon'],
  ne: ['हो', 'छ'],
  id: ['ya', 'Ya', 'iya', 'ada', 'ada sedikit'],
  th: ['ใช่', 'มี', 'มีนิดหน่อย'],
};
const NO: Record<string, string[]> = {
  'zh-Hans': ['否', '不是', '没有', '无', '不'],
  ko: ['아니요', '아니오', '없어요', '없음'],
  vi: ['không', 'Không', 'khong', 'ko', 'không có'],
  'pt-BR': ['não', 'Não', 'nao', 'nenhum'],
  es: ['no', 'No', 'ninguno', 'no tengo'],
  tl: ['hindi', 'Hindi po', 'wala'],
  ne: ['होइन', 'छैन'],
  id: ['tidak', 'Tidak', 'bukan', 'tidak ada'],
  th: ['ไม่', 'ไม่ใช่', 'ไม่มี'],
};
const UNKNOWN: Record<string, string[]> = {
  'zh-Hans': ['不知道', '不清楚'],
  ko: ['모르겠어요', '몰라요'],
  vi: ['không biết', 'khong biet'],
  'pt-BR': ['não sei', 'talvez'],
  es: ['no sé', 'no se', 'quizás'],
  tl: ['hindi ko alam', 'siguro'],
  ne: ['थाहा छैन'],
  id: ['tidak tahu', 'mungkin'],
  th: ['ไม่รู้', 'ไม่แน่ใจ'],
};

describe('yes / no / not sure in every patient language', () => {
  for (const lang of Object.keys(YES)) {
    it(`${lang}: yes, no and not sure are told apart — and "not sure" is never read as no`, () => {
      for (const w of YES[lang]!) expect(parseYesNo(w, true), w).toBe('yes');
      for (const w of NO[lang]!) expect(parseYesNo(w, true), w).toBe('no');
      for (const w of UNKNOWN[lang]!) expect(parseYesNo(w, true), w).toBe('unknown');
    });
  }

  it('keeps its reading whatever the case, surrounding spaces and final punctuation (fast-check)', () => {
    const all = Object.entries({ yes: YES, no: NO, unknown: UNKNOWN }).flatMap(([want, byLang]) => Object.values(byLang).flat().map((w) => [w, want] as const));
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.constantFrom('', ' ', '\u3000'), fc.constantFrom('', '.', '!', '。'), fc.boolean(), ([word, want], pad, end, upper) => {
        const typed = `${pad}${upper ? word.toUpperCase() : word}${end}${pad}`;
        expect(parseYesNo(typed, true)).toBe(want);
      }),
    );
  });

  it('a "not sure" word is never no, with or without わからない allowed (fast-check)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(UNKNOWN).flat()), fc.boolean(), (w, allow) => {
        expect(parseYesNo(w, allow)).not.toBe('no');
      }),
    );
  });
});

const DEVANAGARI = '०१२३४५६७८९';
const THAI = '๐๑๒๓๔๕๖๗๘๙';
const inDigits = (s: string, digits: string) => s.replace(/\d/g, (d) => digits[Number(d)]!);

describe('numbers with a decimal comma or local digits', () => {
  const opts = { min: 34, max: 42, precision: 0.1, unit: '℃' };

  it('reads 37,8 / ३७.८ / ๓๗.๘ / 37.8 as the same temperature for any reading (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 340, max: 420 }), fc.constantFrom('', ' ℃', '度', ' độ', ' graus', ' องศา', ' डिग्री'), (tenths, unit) => {
        const dot = (tenths / 10).toFixed(1);
        const want = Number(dot);
        for (const typed of [dot, dot.replace('.', ','), inDigits(dot, DEVANAGARI), inDigits(dot, THAI), inDigits(dot.replace('.', ','), THAI)]) {
          const r = parseNumberAnswer(`${typed}${unit}`, opts);
          expect(r, typed).toEqual({ ok: true, value: want });
        }
      }),
    );
  });

  it('local digits become 0–9 and nothing else changes (fast-check)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = toHalfWidth(inDigits(s, DEVANAGARI));
        expect([...out].some((ch) => DEVANAGARI.includes(ch) || THAI.includes(ch))).toBe(false);
      }),
    );
    expect(parseNumberAnswer('९६', { min: 1, max: 100, precision: 1 })).toEqual({ ok: true, value: 96 });
    expect(parseNumberAnswer('๙๖', { min: 1, max: 100, precision: 1 })).toEqual({ ok: true, value: 96 });
  });
});
