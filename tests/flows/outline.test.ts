import { describe, expect, it } from 'vitest';
import { answerMark, defaultFlows, questionOrder, type FlowDefinition } from '../../src/flows';

const patient: FlowDefinition = defaultFlows.patientDaily;

/** The order a health-observation table lists a flow's questions in, and how it marks an answer (issue 18). */
describe('questionOrder', () => {
  it('walks the default patient flow as a person is asked: measurements first, a group\'s members where it stands, not by key', () => {
    const order = questionOrder(patient);
    expect(order[0]).toBe('temperature');
    expect(order.indexOf('spo2')).toBeLessThan(order.indexOf('pulse'));
    expect(order.indexOf('pulse')).toBeLessThan(order.indexOf('cough'));
    expect(order.indexOf('cough')).toBeLessThan(order.indexOf('no_urine')); // the symptom group's members in its order
    expect(order.indexOf('no_urine')).toBeLessThan(order.indexOf('urgent'));
    expect(new Set(order).size).toBe(order.length);
    expect(order.every((id) => (patient.nodes[id] as { type: string }).type === 'question')).toBe(true);
    expect(order).not.toEqual([...order].sort());
  });

  it('puts questions no path reaches last, and reads an odd stored definition without throwing', () => {
    const def = { start: 'a', nodes: { a: { type: 'question', next: 'end' }, z: { type: 'question', next: 'end' }, b: { type: 'question', next: 'end' }, end: { type: 'end' } } } as unknown as FlowDefinition;
    expect(questionOrder(def)).toEqual(['a', 'b', 'z']);
    expect(questionOrder({ start: 'x', nodes: {} } as unknown as FlowDefinition)).toEqual([]);
  });
});

describe('answerMark', () => {
  it('marks an answer by the flow\'s own single-answer rules: red over amber, nothing for a normal value', () => {
    expect(answerMark(patient, 'temperature', 36.8)).toBeNull();
    expect(answerMark(patient, 'temperature', 38.4)).toBe('amber');
    expect(answerMark(patient, 'spo2', 95)).toBe('amber');
    expect(answerMark(patient, 'spo2', 92)).toBe('red');
    expect(answerMark(patient, 'pulse', 125)).toBe('amber');
    expect(answerMark(patient, 'pulse', 80)).toBeNull();
    expect(answerMark(patient, 'breathless', true)).toBe('red');
    expect(answerMark(patient, 'breathless', false)).toBeNull();
    expect(answerMark({ rules: [] } as unknown as FlowDefinition, 'spo2', 80)).toBeNull();
  });
});
