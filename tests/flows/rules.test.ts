import { describe, expect, it } from 'vitest';
import type { HistoryDay } from '../../src/flows/index.js';
import { ctx, flagIds, patientAnswers, patientV1, run } from './helpers.js';

const day = (localDate: string, values: HistoryDay['values']): HistoryDay => ({ localDate, values });
// simulationContext's clock: 2026-04-01T00:00Z is 2026-04-01 09:00 in Tokyo.
const TODAY = '2026-04-01';

describe('single-answer rules', () => {
  it.each([
    [{ spo2: '93' }, ['red:spo2_critical']],
    [{ spo2: '90' }, ['red:spo2_critical']],
    [{ spo2: '94' }, ['amber:spo2_borderline']],
    [{ spo2: '95' }, ['amber:spo2_borderline']],
    [{ spo2: '96' }, []],
    [{ breathless: 'はい' }, ['red:breathless']],
    [{ breathless: 'わからない' }, ['amber:breathless_unknown']],
    [{ consciousness: 'はい' }, ['red:consciousness']],
    [{ temperature: '38.0' }, ['amber:fever']],
    [{ temperature: '37.9' }, []],
    [{ cannot_eat: 'はい' }, ['amber:cannot_eat']],
    [{ no_urine: 'はい' }, ['amber:no_urine']],
    [{ pulse: '49' }, ['amber:pulse_abnormal']],
    [{ pulse: '50' }, []],
    [{ pulse: '120' }, []],
    [{ pulse: '121' }, ['amber:pulse_abnormal']],
    [{ urgent: '2' }, ['red:urgent_symptom']],
    [{ urgent: '唇が紫' }, ['red:urgent_symptom']],
    [{ urgent: 'なし' }, []],
  ] as [Record<string, string>, string[]][])('%j → %j', (over, want) => {
    const inputs = patientAnswers(over);
    if (over.spo2 && Number(over.spo2) <= 93) inputs.splice(2, 0, 'はい'); // confirm the borderline value
    expect(flagIds(run(patientV1, inputs).flags)).toEqual(want);
  });

  it('each flag carries the rule id, a Japanese and English reason and the triggering values', () => {
    const r = run(patientV1, patientAnswers({ temperature: '38.4' }));
    expect(r.flags).toEqual([{ ruleId: 'fever', severity: 'amber', reason: { ja: '38.0℃以上の発熱', en: 'Fever ≥ 38.0 °C' }, values: { temperature: 38.4 } }]);
  });

  it('SpO2 94–95 asks the patient to measure again', () => {
    const r = run(patientV1, patientAnswers({ spo2: '95' }));
    expect(r.sent.find((m) => m.kind === 'info' && m.text.includes('もう一度測って'))).toBeDefined();
  });

  it('pulse is not asked (nor flagged) without an oximeter', () => {
    const c = ctx('line', { subject: { riskFactors: [], hasOximeter: false, classification: 'confirmed', monitoringDay: 2 } });
    const inputs = patientAnswers().filter((_, i) => i !== 1 && i !== 2);
    const r = run(patientV1, inputs, c);
    expect(r.observations.map((o) => o.questionId)).not.toContain('spo2');
    expect(r.observations.map((o) => o.questionId)).not.toContain('pulse');
    expect(r.state.status).toBe('completed');
  });
});

describe('urgent symptoms: told to call now, in the same step', () => {
  const uptoUrgent = patientAnswers().slice(0, 14);

  it('open health centre: its number, in the step that recorded the answer', () => {
    const r = run(patientV1, [...uptoUrgent, '1 7']);
    const idx = r.effects.findIndex((e) => e.type === 'record_observation' && e.observation.questionId === 'urgent');
    const after = r.effects.slice(idx);
    expect(after[1]).toMatchObject({ type: 'raise_alert', flag: { ruleId: 'urgent_symptom', severity: 'red', values: { urgent: ['face_pale', 'chest_pain'] } } });
    expect(after[2]).toMatchObject({ type: 'send', message: { kind: 'urgent_advice' } });
    expect(after[3]).toMatchObject({ type: 'advise_patient', severity: 'red' });
    const advice = r.sent.find((m) => m.kind === 'urgent_advice')!;
    expect(advice.text).toContain('03-0000-0000');
    expect(r.state.nodeId).toBe('comment'); // the check goes on after the advice
  });

  it('closed health centre: 119', () => {
    const c = ctx('line', { healthCentre: { name: '見守り保健所', phone: '03-0000-0000', isOpen: false } });
    const advice = run(patientV1, [...uptoUrgent, '2'], c).sent.find((m) => m.kind === 'urgent_advice')!;
    expect(advice.text).toContain('119');
    expect(advice.text).not.toContain('03-0000-0000');
  });

  it('in English and on voice (where the checklist is one yes/no)', () => {
    const en = run(patientV1, [...uptoUrgent, '2'], ctx('line', { lang: 'en' })).sent.find((m) => m.kind === 'urgent_advice')!;
    expect(en.text).toBe('You need help urgently. Call 見守り保健所 now on 03-0000-0000. If nobody answers, call 119.');
    const voice = run(patientV1, [...uptoUrgent.map((a) => (a === 'いいえ' ? '2' : a)), '1'], ctx('voice'));
    expect(flagIds(voice.flags)).toEqual(['red:urgent_symptom']);
    expect(voice.observations.find((o) => o.questionId === 'urgent')!.value).toEqual(['some']);
  });

  it('advice is given once even when several red rules fire', () => {
    const r = run(patientV1, patientAnswers({ breathless: 'はい', urgent: '5' }));
    expect(flagIds(r.flags)).toEqual(['red:breathless', 'red:urgent_symptom']);
    expect(r.sent.filter((m) => m.kind === 'urgent_advice')).toHaveLength(1);
  });
});

describe('trend rules over the history passed in', () => {
  const c = (history: HistoryDay[], monitoringDay = 3) =>
    ctx('line', { history, subject: { riskFactors: [], hasOximeter: true, classification: 'confirmed', monitoringDay } });

  it('fever ≥ 37.5 on 3 consecutive days', () => {
    const h = [day('2026-03-30', { temperature: 37.6 }), day('2026-03-31', { temperature: 37.5 })];
    const r = run(patientV1, patientAnswers({ temperature: '37.8' }), c(h));
    const f = r.flags.find((x) => x.ruleId === 'fever_3days')!;
    expect(f.severity).toBe('amber');
    expect(f.values).toEqual({ temperature: [{ date: '2026-03-30', value: 37.6 }, { date: '2026-03-31', value: 37.5 }, { date: TODAY, value: 37.8 }] });
  });

  it.each([
    ['a gap in the days', [day('2026-03-29', { temperature: 38 }), day('2026-03-31', { temperature: 38 })], '38.0'],
    ['one day below', [day('2026-03-30', { temperature: 37.4 }), day('2026-03-31', { temperature: 38 })], '38.0'],
    ['today below', [day('2026-03-30', { temperature: 38 }), day('2026-03-31', { temperature: 38 })], '37.2'],
  ])('no fever trend with %s', (_, h, t) => {
    expect(flagIds(run(patientV1, patientAnswers({ temperature: t }), c(h)).flags)).not.toContain('amber:fever_3days');
  });

  it('SpO2 falling ≥ 3 points from the previous report', () => {
    const h = [day('2026-03-29', { spo2: 99 }), day('2026-03-30', { spo2: 98 }), day('2026-03-31', {})];
    const r = run(patientV1, patientAnswers({ spo2: '95' }), c(h));
    expect(r.flags.find((f) => f.ruleId === 'spo2_drop')!.values).toEqual({ spo2: 95, previous: 98, previousDate: '2026-03-30' });
    expect(flagIds(run(patientV1, patientAnswers({ spo2: '96' }), c(h)).flags)).toEqual([]);
  });

  it('a new symptom on day 5 or later, not before', () => {
    const h = [day('2026-03-30', { cough: true, fatigue: false }), day('2026-03-31', { cough: false, fatigue: false })];
    const ans = patientAnswers({ cough: 'はい', fatigue: 'はい' });
    const late = run(patientV1, ans, c(h, 5)).flags.find((f) => f.ruleId === 'new_symptom_late');
    expect(late!.values).toEqual({ newSymptoms: ['fatigue'], monitoringDay: 5 });
    expect(run(patientV1, ans, c(h, 4)).flags.map((f) => f.ruleId)).not.toContain('new_symptom_late');
  });

  it('worse answers than yesterday; わからない yesterday is not "no"', () => {
    const h = [day('2026-03-31', { cough: false, diarrhea: 'unknown', fatigue: true })];
    const r = run(patientV1, patientAnswers({ cough: 'はい', diarrhea: 'はい', fatigue: 'はい' }), c(h));
    expect(r.flags.find((f) => f.ruleId === 'worse_than_yesterday')!.values).toEqual({ worseThanYesterday: ['cough'] });
    const stale = [day('2026-03-30', { cough: false })];
    expect(run(patientV1, patientAnswers({ cough: 'はい' }), c(stale)).flags.map((f) => f.ruleId)).not.toContain('worse_than_yesterday');
  });

  it('today is the local date in Asia/Tokyo, or ctx.localDate when given', () => {
    const h = [day('2026-03-30', { temperature: 38 }), day('2026-03-31', { temperature: 38 })];
    const late = ctx('line', { history: h, now: '2026-03-31T16:00:00Z' }); // 01:00 on 1 April in Tokyo
    expect(run(patientV1, patientAnswers({ temperature: '38' }), late).flags.map((f) => f.ruleId)).toContain('fever_3days');
    const utcDay = ctx('line', { history: h, now: '2026-03-31T16:00:00Z', timeZone: 'UTC' });
    expect(run(patientV1, patientAnswers({ temperature: '38' }), utcDay).flags.map((f) => f.ruleId)).not.toContain('fever_3days');
    const given = ctx('line', { history: h, localDate: '2026-04-01', timeZone: 'UTC' });
    expect(run(patientV1, patientAnswers({ temperature: '38' }), given).flags.map((f) => f.ruleId)).toContain('fever_3days');
  });
});

describe('risk factors raise amber to red, and say so', () => {
  const subject = (s: object) => ctx('line', { subject: { riskFactors: [], hasOximeter: true, classification: 'confirmed', monitoringDay: 2, ...s } });
  it.each([
    [{ age: 70 }, '65歳以上', 'age ≥ 65'],
    [{ riskFactors: ['underlying_condition'] }, '基礎疾患', 'underlying condition'],
    [{ riskFactors: ['pregnancy'] }, '妊娠中', 'pregnancy'],
  ])('%j', (s, ja, en) => {
    const [flag] = run(patientV1, patientAnswers({ temperature: '38.5' }), subject(s)).flags;
    expect(flag).toMatchObject({ ruleId: 'fever', severity: 'red', values: { temperature: 38.5, escalatedFrom: 'amber' } });
    expect(flag!.reason.ja).toContain(ja);
    expect(flag!.reason.en).toContain(en);
  });

  it('no escalation at 64 without risk factors; red stays red', () => {
    expect(flagIds(run(patientV1, patientAnswers({ temperature: '38.5' }), subject({ age: 64 })).flags)).toEqual(['amber:fever']);
    const red = run(patientV1, patientAnswers({ breathless: 'はい' }), subject({ age: 80 })).flags[0]!;
    expect(red.reason.ja).toBe('息苦しさがある');
  });

  it('a flag is raised once per rule per session', () => {
    const r = run(patientV1, patientAnswers({ spo2: '94' }));
    expect(r.flags.filter((f) => f.ruleId === 'spo2_borderline')).toHaveLength(1);
    expect(r.state.raised).toEqual(['spo2_borderline']);
  });
});
