import { describe, expect, it } from 'vitest';
import type { HistoryDay } from '../../src/flows/index.js';
import { ctx, oneQuestion, patientV1, run } from './helpers.js';

const day = (localDate: string, temperature: number): HistoryDay => ({ localDate, values: { q: temperature, temperature } });
// simulationContext's clock: 2026-04-01 09:00 in Tokyo.
const temperature = (previous: Record<string, unknown>) =>
  oneQuestion({ kind: 'number', unit: '℃', min: 34, max: 42, precision: 0.1, text: { ja: '体温は？', en: 'Temperature?' }, previous });
const stable = temperature({ same: { days: 2, within: 0.2 } });

describe("yesterday's reading as a hint", () => {
  it('the default patient check shows the last temperature after the question, as 「参考」', () => {
    const r = run(patientV1, [], ctx('line', { history: [day('2026-03-31', 36.8)] }));
    expect(r.sent.find((m) => m.questionId === 'temperature')!.text).toMatch(/（参考: 昨日は36\.8℃でした）$/);
  });

  it('says 「前回」 for an older reading, and nothing without one', () => {
    const older = run(patientV1, [], ctx('line', { history: [day('2026-03-28', 37.1)] }));
    expect(older.sent.find((m) => m.questionId === 'temperature')!.text).toContain('（参考: 前回は37.1℃でした）');
    const none = run(patientV1, [], ctx('line'));
    expect(none.sent.find((m) => m.questionId === 'temperature')!.text).not.toContain('参考');
  });

  it('SpO2 gets no hint: the reading that shows deterioration is read off the device fresh', () => {
    const r = run(patientV1, ['36.6'], ctx('line', { history: [{ localDate: '2026-03-31', values: { spo2: 97 } }] }));
    expect(r.sent.find((m) => m.questionId === 'spo2')!.text).not.toContain('参考');
  });
});

describe('「前回と同じ」 for a stable reading the flow allows', () => {
  const history = [day('2026-03-30', 36.6), day('2026-03-31', 36.7)];

  it('is offered as a LINE button while the last readings stayed within the allowed range, and records that reading', () => {
    const r = run(stable, [{ type: 'choice', questionId: 'q', value: 'same' }], ctx('line', { history }));
    expect(r.sent[0]!.choices).toEqual([{ value: 'same', label: '前回と同じ（36.7℃）' }]);
    expect(r.observations[0]).toMatchObject({ questionId: 'q', value: 36.7, status: 'answered' });
  });

  it('its words typed count too; a typed reading is read as usual', () => {
    expect(run(stable, ['前回と同じ'], ctx('line', { history })).observations[0]!.value).toBe(36.7);
    expect(run(stable, ['36.9'], ctx('line', { history })).observations[0]!.value).toBe(36.9);
  });

  it('is not offered for an unstable reading, with too few days, on SMS or on a call', () => {
    expect(run(stable, [], ctx('line', { history: [day('2026-03-30', 36.5), day('2026-03-31', 37.2)] })).sent[0]!.choices).toBeUndefined();
    expect(run(stable, [], ctx('line', { history: [day('2026-03-31', 36.7)] })).sent[0]!.choices).toBeUndefined();
    for (const channel of ['sms', 'voice'] as const) {
      expect(run(stable, [], ctx(channel, { history })).sent[0]!.choices, channel).toBeUndefined();
    }
    // Not offered, so the words are not a reading: asked again.
    const unstable = run(stable, ['前回と同じ'], ctx('line', { history: [day('2026-03-30', 36.5), day('2026-03-31', 37.2)] }));
    expect(unstable.sent.at(-1)!.kind).toBe('reask');
  });

  it('an old 「前回と同じ」 button of another question is not taken for this one', () => {
    const r = run(stable, [{ type: 'choice', questionId: 'other', value: 'same' }], ctx('line', { history }));
    expect(r.observations).toEqual([]);
    expect(r.sent.at(-1)!.kind).toBe('reask');
  });
});
