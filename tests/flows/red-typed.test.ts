import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advance, start, typedAnswerLooksRed, typedRedHint, type Effect, type OutMessage, type SessionState } from '../../src/flows/index.js';
import { contactV1, ctx, oneQuestion, patientV1 } from './helpers.js';

const sent = (effects: Effect[]): OutMessage[] => effects.flatMap((e) => (e.type === 'send' ? [e.message] : []));
const isRed = (effects: Effect[]) => effects.some((e) => e.type === 'raise_alert' && e.flag.severity === 'red');
const fullWidth = (s: string) => s.replace(/[0-9.]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** The patient check up to its SpO2 question (temperature typed first). */
function atSpo2() {
  const asked = advance(patientV1, start(patientV1, ctx()).state, { type: 'message', text: '36.6' }, ctx());
  expect(asked.state.nodeId).toBe('spo2');
  return asked;
}

/** What the engine really does with a typed text: red at once, or red on the 「はい」 of its read-back. */
function engineReadsRed(state: SessionState, text: string): boolean {
  const step = advance(patientV1, state, { type: 'message', text }, ctx());
  if (isRed(step.effects)) return true;
  if (!step.state.pendingConfirmation) return false;
  return isRed(advance(patientV1, step.state, { type: 'message', text: 'はい' }, ctx()).effects);
}

describe('typed red answers: the hint a door keeps per sender (issue 16)', () => {
  it('the SpO2 question carries its red readings (≤ 93, read back before it is recorded) and the options to read them with', () => {
    const hint = typedRedHint(sent(atSpo2().effects));
    expect(hint).toEqual({ kind: 'number', options: expect.objectContaining({ min: 1, max: 100, precision: 1 }), ranges: [[1, 93]] });
    expect(typedAnswerLooksRed(hint!, '92')).toBe(true);
    expect(typedAnswerLooksRed(hint!, '９２％')).toBe(true);
    expect(typedAnswerLooksRed(hint!, '九十二')).toBe(true);
    expect(typedAnswerLooksRed(hint!, '96')).toBe(false);
    expect(typedAnswerLooksRed(hint!, '120')).toBe(false); // implausible: re-asked, not red
    expect(typedAnswerLooksRed(hint!, '93か94')).toBe(false);
  });

  it('agrees with the engine for any typed reading, in half- or full-width digits', () => {
    const asked = atSpo2();
    const hint = typedRedHint(sent(asked.effects))!;
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 130 }), fc.boolean(), fc.constantFrom('', '%', '％', ' です'), (n, wide, tail) => {
        const text = `${wide ? fullWidth(String(n)) : String(n)}${tail}`;
        expect(typedAnswerLooksRed(hint, text)).toBe(engineReadsRed(asked.state, text));
      }),
      { numRuns: 300 },
    );
  });

  it('a temperature is red only where a risk factor raises the fever to red; a plain question has no hint', () => {
    expect(typedRedHint(sent(start(patientV1, ctx()).effects))).toBeNull();
    const v = oneQuestion({ kind: 'number', unit: '℃', min: 34, max: 42, precision: 0.1 }, [
      { id: 'hot', type: 'threshold', question: 'q', gte: 39.5, severity: 'red', reason: { ja: '高熱', en: 'High fever' } },
    ]);
    const hint = typedRedHint(sent(start(v, ctx()).effects));
    expect(hint).toEqual({ kind: 'number', options: expect.objectContaining({ precision: 0.1 }), ranges: [[39.5, 42]] });
    expect(typedAnswerLooksRed(hint!, '39度5分')).toBe(true);
    expect(typedAnswerLooksRed(hint!, '39.4')).toBe(false);
  });

  it('a yes/no question whose 「はい」 is red: a typed yes matches, a no or a hedge does not', () => {
    const asked = advance(contactV1, start(contactV1, ctx()).state, { type: 'message', text: '36.6' }, ctx());
    const hint = typedRedHint(sent(asked.effects));
    expect(hint).toEqual({ kind: 'yes' });
    expect(typedAnswerLooksRed(hint!, 'はい')).toBe(true);
    expect(typedAnswerLooksRed(hint!, 'あります')).toBe(true);
    expect(typedAnswerLooksRed(hint!, 'いいえ')).toBe(false);
    expect(typedAnswerLooksRed(hint!, 'ないかもしれない')).toBe(false);
  });

  it('the read-back of a red SpO2 hints a typed 「はい」', () => {
    const read = advance(patientV1, atSpo2().state, { type: 'message', text: '92' }, ctx());
    expect(typedRedHint(sent(read.effects))).toEqual({ kind: 'yes' });
  });
});
