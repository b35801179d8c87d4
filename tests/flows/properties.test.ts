import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advance, formatNumber, maxSteps, parseChoices, parseNumberAnswer, parseYesNo, start, toHalfWidth,
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
      }),
      { numRuns: 2000 },
    );
  });

  it('survive inputs that are not strings at all', () => {
    for (const bad of [undefined, null, 42, {}, []] as unknown as string[]) {
      expect(() => parseNumberAnswer(bad, {})).not.toThrow();
      expect(() => parseYesNo(bad, true)).not.toThrow();
      expect(() => parseChoices(bad, CHOICES, true)).not.toThrow();
      expect(() => toHalfWidth(bad)).not.toThrow();
    }
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
        for (const form of [s, `${s}℃`, fullWidth, `${whole}度${tenth}分`, s.replace('.', ','), s.replace('.', '')]) {
          expect(parseNumberAnswer(form, opts)).toEqual({ ok: true, value: t });
        }
      }),
    );
  });

  it('SpO2 as an integer, with or without %, # and full width', () => {
    fc.assert(
      fc.property(fc.integer({ min: 70, max: 100 }), (v) => {
        const opts = { min: 70, max: 100, precision: 1, keypad: 'spo2' as const };
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
