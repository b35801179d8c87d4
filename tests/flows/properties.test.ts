import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advance, deniesChoice, formatNumber, kanjiToArabic, maxSteps, parseChoices, parseNumberAnswer, parseYesNo, start, toHalfWidth,
  type Channel, type FlowVersion, type Input,
} from '../../src/flows/index.js';
import { URGENT_SYMPTOMS } from '../../src/flows/index.js';
import { contactV1, ctx, patientV1 } from './helpers.js';

// Strings that look like what people send: digits in both widths, kanji and kana numerals, units, words.
const pieces = ['3', '7', '.', '５', '．', '度', '分', '℃', '%', '％', '#', '*', ',', '、', ' ', '三十', '七', 'さんじゅう', 'なな', 'ど', 'ご', 'ぶ', 'はい', 'いいえ', 'わからない', 'ない', 'と', '咳', '鼻水', '-', '\u3000', '\n', '😷'];
const humanish = fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((a) => a.join(''));
const anyText = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), humanish);

const CHOICES = URGENT_SYMPTOMS.map((c) => ({ value: c.value, label: c.label.ja }));

describe('normalisers never throw', () => {
  it('toHalfWidth, parseNumberAnswer, parseYesNo, parseChoices', () => {
    fc.assert(
      fc.property(anyText, fc.boolean(), fc.constantFrom('temperature', 'spo2', 'pulse', null), (s, b, keypad) => {
        expect(typeof toHalfWidth(s)).toBe('string');
        const n = parseNumberAnswer(s, { min: 34, max: 42, precision: 0.1, keypad });
        expect(typeof n.ok).toBe('boolean');
        if (n.ok) expect(Number.isFinite(n.value)).toBe(true);
        expect([null, 'yes', 'no', 'unknown']).toContain(parseYesNo(s, b));
        const c = parseChoices(s, CHOICES, b);
        if (c) expect(c.every((v) => CHOICES.some((x) => x.value === v))).toBe(true);
        expect(typeof kanjiToArabic(s)).toBe('string');
        expect(typeof deniesChoice(s, CHOICES)).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('survive inputs that are not strings at all', () => {
    fc.assert(
      fc.property(fc.anything(), (bad) => {
        const s = bad as string;
        expect(() => parseNumberAnswer(s, {})).not.toThrow();
        expect(() => parseYesNo(s, true)).not.toThrow();
        expect(() => parseChoices(s, CHOICES, true)).not.toThrow();
        expect(() => deniesChoice(s, CHOICES)).not.toThrow();
        expect(() => toHalfWidth(s)).not.toThrow();
        expect(() => kanjiToArabic(s)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

describe('hedged and denied answers are never read as no', () => {
  const yesCore = fc.constantFrom('ある', 'あります', '少しある', 'ちょっとある', 'すこしあります', 'ありそう');
  const hedge = fc.constantFrom('かもしれない', 'かもしれません', 'かも', 'かもです', '気がする', 'ような気がします', 'みたい', 'かもしれないです');
  const denial = fc.constantFrom('なくはない', 'なくもない', 'ないことはない', 'ないわけではない', '大丈夫じゃない', '大丈夫ではない', '平気じゃない');
  const prefix = fc.constantFrom('', '咳が', '息苦しさは', 'えっと、', 'うーん ');
  it('a hedged yes is yes, a denied no is yes', () => {
    fc.assert(
      fc.property(prefix, yesCore, hedge, (p, core, h) => {
        expect(parseYesNo(`${p}${core}${h}`, true)).toBe('yes');
      }),
    );
    fc.assert(
      fc.property(prefix, denial, (p, d) => {
        expect(parseYesNo(`${p}${d}`, true)).toBe('yes');
      }),
    );
  });

  it('a hedged no is unknown: re-asked where unknown is not allowed', () => {
    const noCore = fc.constantFrom('ない', 'ありません', 'なし');
    fc.assert(
      fc.property(prefix, noCore, hedge, (p, core, h) => {
        expect(parseYesNo(`${p}${core}${h}`, true)).toBe('unknown');
        expect(parseYesNo(`${p}${core}${h}`, false)).toBeNull();
      }),
    );
  });
});

describe('urgent symptoms are read in natural phrasing', () => {
  const options = URGENT_SYMPTOMS.filter((c) => !c.channels).map((c) => ({ value: c.value, label: c.label.ja, aliases: c.aliases ?? [] }));
  const symptoms = options.filter((o) => o.value !== 'none');
  const around = fc.record({
    before: fc.constantFrom('', '急に', 'とても', '今日', 'さっきから'),
    after: fc.constantFrom('', 'です', 'しています', 'ます', 'と思います', '感じがします', 'かもしれない'),
  });
  it('a label, with words around it, is that symptom and nothing else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...symptoms), around, (o, { before, after }) => {
        // A label that ends in a verb takes its own endings (「息ができない」); only the polite/hedge tails are added.
        const tail = /[いるた]$/.test(o.label) ? after.replace(/^(しています|ます)$/, 'です') : after;
        expect(parseChoices(`${before}${o.label}${tail}`, options, true)).toEqual([o.value]);
      }),
    );
  });

  it('a label followed by a denial is never that symptom, nor 「なし」', () => {
    fc.assert(
      fc.property(fc.constantFrom(...symptoms), fc.constantFrom('はない', 'はありません', 'はないです', 'ではない'), (o, no) => {
        expect(parseChoices(`${o.label}${no}`, options, true)).toBeNull();
      }),
    );
  });
});

describe('formatted numbers round-trip', () => {
  const tenths = fc.integer({ min: 340, max: 420 }).map((n) => n / 10);
  it('temperature with precision 0.1, in half width, full width and 度分 forms', () => {
    fc.assert(
      fc.property(tenths, (t) => {
        const opts = { min: 34, max: 42, precision: 0.1, keypad: 'temperature' as const };
        const s = formatNumber(t, 0.1);
        const fullWidth = s.replace(/[0-9.]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
        const [whole, tenth] = s.split('.');
        for (const form of [s, `${s}℃`, fullWidth, `${whole}度${tenth}分`, `${whole}度${tenth}`, s.replace('.', ','), s.replace('.', '')]) {
          expect(parseNumberAnswer(form, opts)).toEqual({ ok: true, value: t });
        }
      }),
    );
  });

  it('SpO2 as an integer, with or without %, # and full width', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), (v) => {
        const opts = { min: 1, max: 100, precision: 1, keypad: 'spo2' as const };
        for (const form of [String(v), `${v}%`, `${v}#`, toFull(String(v))]) expect(parseNumberAnswer(form, opts)).toEqual({ ok: true, value: v });
      }),
    );
  });
});

const toFull = (s: string) => s.replace(/[0-9]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

const inputArb: fc.Arbitrary<Input> = fc.oneof(
  anyText.map((text) => ({ type: 'message' as const, text })),
  anyText.map((text) => ({ type: 'speech' as const, text })),
  fc.stringMatching(/^[0-9*#]{0,5}$/).map((digits) => ({ type: 'digits' as const, digits })),
  fc.record({ type: fc.constant('choice' as const), questionId: fc.constantFrom('temperature', 'spo2', 'urgent', 'cough', 'x'), value: fc.oneof(fc.constantFrom('yes', 'no', 'unknown', 'none', '37.5'), fc.array(fc.constantFrom('none', 'lips_purple', 'zzz'))) }),
  fc.constant({ type: 'timeout' as const }),
);

describe('the engine terminates for any input sequence', () => {
  it.each([
    ['patient-daily', patientV1],
    ['contact-daily', contactV1],
  ] as const)('%s ends within maxSteps inputs on every channel', (_, v: FlowVersion) => {
    fc.assert(
      fc.property(fc.constantFrom<Channel>('line', 'sms', 'voice', 'web'), fc.boolean(), fc.infiniteStream(inputArb), (channel, oximeter, inputs) => {
        const c = ctx(channel, { subject: { riskFactors: [], hasOximeter: oximeter, classification: 'confirmed', monitoringDay: 5 } });
        let { state } = start(v, c);
        const bound = maxSteps(v);
        let n = 0;
        for (const input of inputs) {
          if (state.status !== 'active') break;
          const step = advance(v, state, input, c);
          expect(step.state.step).toBe(state.step + 1);
          state = step.state;
          n += 1;
          if (n > bound + 1) break;
        }
        expect(state.status).toBe('completed');
        expect(n).toBeLessThanOrEqual(bound);
      }),
      { numRuns: 300 },
    );
  });

  it('a question is decided after at most 5 inputs (answer, 2 re-asks, 2 confirmations)', () => {
    fc.assert(
      fc.property(fc.constantFrom<Channel>('line', 'sms', 'voice', 'web'), fc.array(inputArb.filter((i) => i.type !== 'timeout'), { minLength: 5, maxLength: 5 }), (channel, inputs) => {
        const c = ctx(channel);
        let { state } = start(patientV1, c);
        for (const input of inputs) state = advance(patientV1, state, input, c).state;
        expect(state.nodeId).not.toBe('temperature');
      }),
      { numRuns: 500 },
    );
  });
});
