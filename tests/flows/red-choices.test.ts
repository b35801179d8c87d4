import { describe, expect, it } from 'vitest';
import { advance, prompt, start, type Effect, type OutMessage } from '../../src/flows/index.js';
import { contactV1, ctx, oneQuestion, patientV1 } from './helpers.js';

/** The waiting question's choices as "value" or "value!" (picking it now raises a red flag). */
const marks = (m: OutMessage | null | undefined) => (m?.choices ?? []).map((c) => `${c.value}${c.raisesRed ? '!' : ''}`);
const lastAsked = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'send' ? [e.message] : [])).at(-1);

describe('choices that would raise a red flag are marked (the urgent lane, issue 16)', () => {
  it('息苦しさ: 「はい」 is red, 「いいえ」 is not; the temperature before it has no choices to mark', () => {
    const first = start(contactV1, ctx());
    expect(marks(lastAsked(first.effects))).toEqual([]);
    const asked = advance(contactV1, first.state, { type: 'message', text: '36.6' }, ctx());
    expect(lastAsked(asked.effects)?.questionId).toBe('breathless');
    expect(marks(lastAsked(asked.effects))).toEqual(['yes!', 'no', 'unknown']);
    // The same question read back from the stored state (a reminder, a resumed check) is marked alike.
    expect(marks(prompt(contactV1, asked.state, ctx()))).toEqual(['yes!', 'no', 'unknown']);
  });

  it('a risk factor raises an amber answer to red: 「わからない」 and a symptom are red for a person of 70', () => {
    const elderly = ctx('line', { subject: { ...ctx().subject, age: 70 } });
    const asked = advance(contactV1, start(contactV1, elderly).state, { type: 'message', text: '36.6' }, elderly);
    expect(marks(lastAsked(asked.effects))).toEqual(['yes!', 'no', 'unknown!']);
    const group = advance(contactV1, asked.state, { type: 'message', text: 'いいえ' }, elderly);
    expect(group.state.nodeId).toBe('symptoms');
    // Step one 「なし / ある」: 「ある」 only asks which, so nothing is raised yet; at step two the items
    // with an (amber, escalated) rule are red — だるさ has no rule in the contact check.
    expect(marks(lastAsked(group.effects))).toEqual(['none', '__any']);
    const pick = advance(contactV1, group.state, { type: 'choice', questionId: 'symptoms', value: '__any' }, elderly);
    expect(marks(lastAsked(pick.effects))).toEqual(['cough!', 'sore_throat!', 'fatigue', 'taste_smell!']);
    const young = advance(contactV1, group.state, { type: 'choice', questionId: 'symptoms', value: '__any' }, ctx());
    expect(marks(lastAsked(young.effects))).toEqual(['cough', 'sore_throat', 'fatigue', 'taste_smell']);
  });

  it('a typed SpO2 of 92 is read back: its 「はい」 records it and is red, 「いいえ」 asks again', () => {
    const first = start(patientV1, ctx());
    let state = advance(patientV1, first.state, { type: 'message', text: '36.6' }, ctx()).state;
    expect(state.nodeId).toBe('spo2');
    const read = advance(patientV1, state, { type: 'message', text: '92' }, ctx());
    state = read.state;
    expect(lastAsked(read.effects)?.kind).toBe('confirm');
    expect(marks(lastAsked(read.effects))).toEqual(['yes!', 'no']);
    expect(marks(prompt(patientV1, state, ctx()))).toEqual(['yes!', 'no']);
  });

  it('a rule already raised in this session is not raised again, so its choice is no longer marked', () => {
    const v = oneQuestion({ kind: 'single', choices: [{ value: 'bad', label: { ja: '悪い' } }, { value: 'ok', label: { ja: '普通' } }] }, [
      { id: 'bad', type: 'answer', question: 'q', anyOf: ['bad'], severity: 'red', reason: { ja: '悪い', en: 'Bad' } },
    ]);
    const first = start(v, ctx());
    expect(marks(lastAsked(first.effects))).toEqual(['bad!', 'ok']);
    expect(marks(prompt(v, { ...first.state, raised: ['bad'] }, ctx()))).toEqual(['bad', 'ok']);
  });

  it('marking is a probe: the state and effects of the step are the same as without it', () => {
    const asked = advance(contactV1, start(contactV1, ctx()).state, { type: 'message', text: '36.6' }, ctx());
    const answered = advance(contactV1, asked.state, { type: 'message', text: 'いいえ' }, ctx());
    expect(answered.effects.some((e) => e.type === 'raise_alert')).toBe(false);
    expect(answered.state.raised ?? []).toEqual([]);
    expect(asked.state.answers).toEqual({ temperature: 36.6 });
  });
});
