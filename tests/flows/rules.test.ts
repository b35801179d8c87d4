import { describe, expect, it } from 'vitest';
import type { HistoryDay } from '../../src/flows/index.js';
import { contactOneByOne, ctx, flagIds, patientAnswers, patientOneByOne, run } from './helpers.js';

/** The advice is given once when the rule fires (one advise_patient) and said again only as the check's last words. */
const advisedOnce = (r: ReturnType<typeof run>) =>
  r.effects.filter((e) => e.type === 'advise_patient').length === 1 &&
  r.sent.filter((m) => m.kind === 'urgent_advice').length === 2 &&
  r.sent.at(-1)?.kind === 'urgent_advice';

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
    expect(flagIds(run(patientOneByOne, inputs).flags)).toEqual(want);
  });

  it('each flag carries the rule id, a Japanese and English reason and the triggering values', () => {
    const r = run(patientOneByOne, patientAnswers({ temperature: '38.4' }));
    expect(r.flags).toEqual([{ ruleId: 'fever', severity: 'amber', reason: { ja: '38.0℃以上の発熱', en: 'Fever ≥ 38.0 °C' }, values: { temperature: 38.4 } }]);
  });

  it('SpO2 94–95 asks for a second reading at once and judges it', () => {
    const r = run(patientOneByOne, patientAnswers({ spo2: '95', spo2_again: '97' }));
    const ask = r.sent.find((m) => m.questionId === 'spo2_again')!;
    expect(ask).toMatchObject({ kind: 'question', expects: 'number', unit: '%' });
    expect(ask.text).toContain('もう一度測って');
    expect(r.observations.find((o) => o.questionId === 'spo2_again')).toMatchObject({ value: 97, status: 'answered' });
    expect(flagIds(r.flags)).toEqual(['amber:spo2_borderline']);
    // A second reading of 93 is read back, then red with the call-now advice.
    const low = run(patientOneByOne, patientAnswers({ spo2: '94', spo2_again: '93' }).flatMap((a, i) => (i === 2 ? [a, 'はい'] : [a])));
    expect(flagIds(low.flags)).toEqual(['amber:spo2_borderline', 'red:spo2_again_critical']);
    expect(advisedOnce(low)).toBe(true);
    // 96 and above, or 93 and below, are not measured twice.
    for (const spo2 of ['96', '93']) {
      const once = run(patientOneByOne, patientAnswers({ spo2 }).flatMap((a, i) => (i === 1 && spo2 === '93' ? [a, 'はい'] : [a])));
      expect(once.sent.some((m) => m.questionId === 'spo2_again'), spo2).toBe(false);
    }
  });

  it('a very low SpO2 (68) is read back and, confirmed, recorded red — not dropped as a measuring error', () => {
    const r = run(patientOneByOne, patientAnswers({ spo2: '68' }).flatMap((a, i) => (i === 1 ? [a, 'はい'] : [a])));
    expect(r.sent.find((m) => m.kind === 'confirm')!.text).toBe('68%で正しいですか？');
    expect(r.observations.find((o) => o.questionId === 'spo2')).toMatchObject({ value: 68, status: 'answered' });
    expect(flagIds(r.flags)).toEqual(['red:spo2_critical']);
    expect(r.sent.some((m) => m.kind === 'urgent_advice')).toBe(true);
    // Sent three times without a yes, it is still kept (never lost).
    const repeated = run(patientOneByOne, ['36.6', '68', '68', '68', '72']);
    expect(repeated.observations.find((o) => o.questionId === 'spo2')).toMatchObject({ value: 68, status: 'answered' });
    expect(flagIds(repeated.flags)).toEqual(['red:spo2_critical']);
  });

  it.each([['0'], ['101'], ['120']])('an impossible SpO2 (%s) is re-asked as a measuring error', (spo2) => {
    const r = run(patientOneByOne, ['36.6', spo2, '97']);
    expect(r.sent[3]).toMatchObject({ kind: 'reask', questionId: 'spo2' });
    expect(r.sent[3]!.text).toContain('測り間違いかもしれません');
    expect(r.observations.find((o) => o.questionId === 'spo2')).toMatchObject({ value: 97 });
  });

  it.each([['35', ['amber:pulse_abnormal']], ['180', ['amber:pulse_abnormal']]])('an unusual pulse (%s) is read back, then recorded and flagged', (pulse, want) => {
    const r = run(patientOneByOne, patientAnswers({ pulse }).flatMap((a, i) => (i === 2 ? [a, 'はい'] : [a])));
    expect(r.sent.find((m) => m.kind === 'confirm')!.text).toBe(`${pulse}回/分で正しいですか？`);
    expect(r.observations.find((o) => o.questionId === 'pulse')!.value).toBe(Number(pulse));
    expect(flagIds(r.flags)).toEqual(want);
  });

  it('pulse is not asked (nor flagged) without an oximeter', () => {
    const c = ctx('line', { subject: { riskFactors: [], hasOximeter: false, classification: 'confirmed', monitoringDay: 2 } });
    const inputs = patientAnswers().filter((_, i) => i !== 1 && i !== 2);
    const r = run(patientOneByOne, inputs, c);
    expect(r.observations.map((o) => o.questionId)).not.toContain('spo2');
    expect(r.observations.map((o) => o.questionId)).not.toContain('pulse');
    expect(r.state.status).toBe('completed');
  });
});

describe('urgent symptoms: told to call now, in the same step', () => {
  const uptoUrgent = patientAnswers().slice(0, 14);

  it('open health centre: its number, in the step that recorded the answer', () => {
    const r = run(patientOneByOne, [...uptoUrgent, '1 7']);
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
    const advice = run(patientOneByOne, [...uptoUrgent, '2'], c).sent.find((m) => m.kind === 'urgent_advice')!;
    expect(advice.text).toContain('119');
    expect(advice.text).not.toContain('03-0000-0000');
  });

  it("closed health centre with an after-hours number: that number, and 119 if nobody answers", () => {
    const c = ctx('line', { healthCentre: { name: '見守り保健所', phone: '03-0000-0000', isOpen: false, afterHoursPhone: '03-9999-0000' } });
    const advice = run(patientOneByOne, [...uptoUrgent, '2'], c).sent.find((m) => m.kind === 'urgent_advice')!;
    expect(advice.text).toContain('夜間・休日の連絡先（03-9999-0000）');
    expect(advice.text).toContain('119');
    expect(advice.text).not.toContain('03-0000-0000');
    const open = ctx('line', { healthCentre: { name: '見守り保健所', phone: '03-0000-0000', isOpen: true, afterHoursPhone: '03-9999-0000' } });
    expect(run(patientOneByOne, [...uptoUrgent, '2'], open).sent.find((m) => m.kind === 'urgent_advice')!.text).toContain('03-0000-0000');
  });

  it('in English and on voice (where the checklist is one yes/no)', () => {
    const en = run(patientOneByOne, [...uptoUrgent, '2'], ctx('line', { lang: 'en' })).sent.find((m) => m.kind === 'urgent_advice')!;
    expect(en.text).toBe('You need help urgently. Call 見守り保健所 now on 03-0000-0000. If nobody answers, call 119.');
    const voice = run(patientOneByOne, [...uptoUrgent.map((a) => (a === 'いいえ' ? '2' : a)), '1'], ctx('voice'));
    expect(flagIds(voice.flags)).toEqual(['red:urgent_symptom']);
    expect(voice.observations.find((o) => o.questionId === 'urgent')!.value).toEqual(['some']);
  });

  it('advice is given once even when several red rules fire (and repeated as the last words)', () => {
    const r = run(patientOneByOne, patientAnswers({ breathless: 'はい', urgent: '5' }));
    expect(flagIds(r.flags)).toEqual(['red:breathless', 'red:urgent_symptom']);
    expect(advisedOnce(r)).toBe(true);
  });

  it('a check with a red answer ends on the advice again, not on a calm 「お大事に」', () => {
    const r = run(patientOneByOne, patientAnswers({ breathless: 'はい' }));
    const [closing, last] = r.sent.slice(-2);
    expect(closing).toMatchObject({ kind: 'closing', text: 'ご回答ありがとうございました。' });
    expect(last).toMatchObject({ kind: 'urgent_advice', centreOpen: true });
    expect(last!.text).toContain('今すぐ見守り保健所（03-0000-0000）に電話してください');
    const closed = run(patientOneByOne, patientAnswers({ breathless: 'はい' }), ctx('sms', { healthCentre: { name: '見守り保健所', phone: '03-0000-0000', isOpen: false } }));
    expect(closed.sent.at(-1)).toMatchObject({ kind: 'urgent_advice', centreOpen: false });
    expect(closed.sent.at(-1)!.text).toContain('今すぐ119番に');
    const calm = run(patientOneByOne, patientAnswers());
    expect(calm.sent.at(-1)).toMatchObject({ kind: 'closing', text: 'ご回答ありがとうございました。お大事にしてください。' });
  });
});

describe('the 13 urgent symptoms (厚労省), by number and by the words people use', () => {
  const uptoUrgent = patientAnswers().slice(0, 14);
  // Each MHLW item: its number on the checklist, its value, and natural phrasings typed or said.
  const URGENT: [number, string, string[]][] = [
    [1, 'face_pale', ['顔色が明らかに悪い', '顔色が悪いです', '顔が真っ青', '顔面蒼白']],
    [2, 'lips_purple', ['唇が紫色', '唇が紫色になっています', 'くちびるがむらさき']],
    [3, 'unusual', ['いつもと違う', '様子がおかしい', '様子が変です']],
    [4, 'breathing_fast', ['息が荒い', '呼吸が速い', '息が荒くなった']],
    [5, 'sudden_breathless', ['急に息苦しくなった', '急に息苦しい', '息苦しい', '息が苦しいです']],
    [6, 'exertion_breathless', ['少し動くと息があがる', '動くと息切れがする', '動くと息苦しい']],
    [7, 'chest_pain', ['胸の痛み', '胸が痛いです', 'むねがいたい', '胸が締め付けられる']],
    [8, 'orthopnea', ['横にならないと/座らないと息ができない', '座らないと息ができません', '横になると苦しい']],
    [9, 'shoulder_breathing', ['肩で息をしている', '肩で息をしています', 'かたでいきをしてる']],
    [10, 'wheezing', ['突然ゼーゼーしはじめた', 'ゼーゼーしている', 'ヒューヒューする']],
    [11, 'drowsy', ['ぼんやりしている・反応が弱い', 'ぼーっとしてる', '反応が弱いです']],
    [12, 'confused', ['もうろうとしている', 'もうろうとしています', '意識がはっきりしない']],
    [13, 'irregular_pulse', ['脈がとぶ・リズムが乱れる', '脈が乱れる', '脈が飛んでいる', '不整脈']],
  ];
  const open = ctx('line');
  const closed = ctx('sms', { healthCentre: { name: '見守り保健所', phone: '03-0000-0000', isOpen: false } });
  const answered = (r: ReturnType<typeof run>) => r.observations.find((o) => o.questionId === 'urgent')!.value;
  const advice = (r: ReturnType<typeof run>) => r.sent.filter((m) => m.kind === 'urgent_advice').map((m) => m.text);

  it('there are 13, with 「なし」 after them', () => {
    expect(URGENT.map(([n]) => n)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  });

  it.each(URGENT)('%i (%s) by number: red, told to call the health centre now — or 119 when it is closed', (n, value) => {
    const r = run(patientOneByOne, [...uptoUrgent, String(n)], open);
    expect(answered(r)).toEqual([value]);
    expect(r.flags).toEqual([expect.objectContaining({ ruleId: 'urgent_symptom', severity: 'red', values: { urgent: [value] } })]);
    expect(advice(r)).toEqual(['急いで相談が必要な状態です。今すぐ見守り保健所（03-0000-0000）に電話してください。つながらない時は119番に電話してください。']);
    const night = run(patientOneByOne, [...uptoUrgent, `${n}#`], closed);
    expect(advice(night)).toEqual(['急いで相談が必要な状態です。見守り保健所は時間外のため、今すぐ119番に電話してください。']);
  });

  it.each(URGENT.flatMap(([, value, words]) => words.map((w) => [w, value] as const)))('「%s」 is %s, red at once', (words, value) => {
    const r = run(patientOneByOne, [...uptoUrgent, words], open);
    expect(answered(r)).toEqual([value]);
    expect(flagIds(r.flags)).toEqual(['red:urgent_symptom']);
    expect(advice(r)).toHaveLength(1);
  });

  it('several at once in one sentence, and a denial is re-asked rather than read as a symptom or as 「なし」', () => {
    expect(answered(run(patientOneByOne, [...uptoUrgent, '急に息苦しくなって、肩で息をしている']))).toEqual(['sudden_breathless', 'shoulder_breathing']);
    for (const denial of ['胸の痛みはない', '息苦しくない', 'ぼんやりしていない']) {
      const r = run(patientOneByOne, [...uptoUrgent, denial]);
      expect(r.sent.at(-1), denial).toMatchObject({ kind: 'reask', questionId: 'urgent' });
    }
  });

  it('on voice the caller may name the sign instead of pressing 1', () => {
    const keys = uptoUrgent.map((a) => (a === 'いいえ' ? '2' : a));
    const r = run(patientOneByOne, [...keys, { type: 'speech', text: '肩で息をしています' }], ctx('voice'));
    expect(answered(r)).toEqual(['shoulder_breathing']);
    expect(flagIds(r.flags)).toEqual(['red:urgent_symptom']);
    // 3 (わからない elsewhere) is no sign and no answer here: re-asked.
    expect(run(patientOneByOne, [...keys, { type: 'digits', digits: '3' }], ctx('voice')).sent.at(-1)).toMatchObject({ kind: 'reask' });
  });

  it('no readable answer to the checklist is amber for a nurse, never silently 「なし」', () => {
    const r = run(patientOneByOne, [...uptoUrgent, 'うーん', 'わからない', 'えっと']);
    expect(r.observations.find((o) => o.questionId === 'urgent')).toMatchObject({ value: null, status: 'unanswered' });
    expect(flagIds(r.flags)).toEqual(['amber:urgent_unreadable']);
  });
});

describe('red-symptom questions: unsure or hedged answers are never "no"', () => {
  it.each([
    ['あるかもしれない', true, ['red:breathless']],
    ['少しあるかもしれない', true, ['red:breathless']],
    ['なくはない', true, ['red:breathless']],
    ['大丈夫じゃない', true, ['red:breathless']],
    ['どちらとも言えない', 'unknown', ['amber:breathless_unknown']],
    ['ないかもしれない', 'unknown', ['amber:breathless_unknown']],
    ['わからない', 'unknown', ['amber:breathless_unknown']],
    ['ないと思う', false, []],
  ] as const)('息苦しさ「%s」 is stored as %j', (answer, value, flags) => {
    const r = run(patientOneByOne, patientAnswers({ breathless: answer }));
    expect(r.observations.find((o) => o.questionId === 'breathless')!.value).toBe(value);
    expect(flagIds(r.flags)).toEqual(flags);
  });

  it('never readably answered: amber', () => {
    const r = run(patientOneByOne, [...patientAnswers().slice(0, 6), 'えっと', 'うーん', 'さあ', ...patientAnswers().slice(7)]);
    expect(r.observations.find((o) => o.questionId === 'breathless')).toMatchObject({ value: null, status: 'unanswered' });
    expect(flagIds(r.flags)).toEqual(['amber:breathless_unknown']);
  });

  it('表情・顔色 「はい」 is the urgent sign 顔色が明らかに悪い: red with the call-now advice; わからない is amber', () => {
    const yes = run(patientOneByOne, patientAnswers({ face: 'はい' }));
    expect(yes.flags).toEqual([expect.objectContaining({ ruleId: 'face', severity: 'red', values: { face: true } })]);
    expect(advisedOnce(yes)).toBe(true);
    expect(flagIds(run(patientOneByOne, patientAnswers({ face: 'わからない' })).flags)).toEqual(['amber:face_unknown']);
  });
});

describe('close-contact rules', () => {
  const contact = (over: Record<string, string>) =>
    ['temperature', 'cough', 'sore_throat', 'breathless', 'fatigue', 'taste_smell'].map((q) => over[q] ?? (q === 'temperature' ? '36.5' : 'いいえ'));
  it.each([
    [{ taste_smell: 'はい' }, ['amber:contact_taste_smell']],
    [{ taste_smell: '少しある' }, ['amber:contact_taste_smell']],
    [{ taste_smell: 'わからない' }, []],
    [{ temperature: '37度5' }, ['amber:contact_fever']],
    [{ temperature: '37度4' }, []],
    [{ cough: 'はい' }, ['amber:contact_symptom']],
    [{ sore_throat: 'はい' }, ['amber:contact_throat']],
    [{ breathless: 'はい' }, ['red:breathless']],
    [{ breathless: 'どちらとも言えない' }, ['amber:breathless_unknown']],
  ] as [Record<string, string>, string[]][])('%j → %j', (over, want) => {
    expect(flagIds(run(contactOneByOne, contact(over)).flags)).toEqual(want);
  });
});

describe('trend rules over the history passed in', () => {
  const c = (history: HistoryDay[], monitoringDay = 3) =>
    ctx('line', { history, subject: { riskFactors: [], hasOximeter: true, classification: 'confirmed', monitoringDay } });

  it('fever ≥ 37.5 on 3 consecutive days', () => {
    const h = [day('2026-03-30', { temperature: 37.6 }), day('2026-03-31', { temperature: 37.5 })];
    const r = run(patientOneByOne, patientAnswers({ temperature: '37.8' }), c(h));
    const f = r.flags.find((x) => x.ruleId === 'fever_3days')!;
    expect(f.severity).toBe('amber');
    expect(f.values).toEqual({ temperature: [{ date: '2026-03-30', value: 37.6 }, { date: '2026-03-31', value: 37.5 }, { date: TODAY, value: 37.8 }] });
  });

  it.each([
    ['a gap in the days', [day('2026-03-29', { temperature: 38 }), day('2026-03-31', { temperature: 38 })], '38.0'],
    ['one day below', [day('2026-03-30', { temperature: 37.4 }), day('2026-03-31', { temperature: 38 })], '38.0'],
    ['today below', [day('2026-03-30', { temperature: 38 }), day('2026-03-31', { temperature: 38 })], '37.2'],
  ])('no fever trend with %s', (_, h, t) => {
    expect(flagIds(run(patientOneByOne, patientAnswers({ temperature: t }), c(h)).flags)).not.toContain('amber:fever_3days');
  });

  it('SpO2 falling ≥ 3 points from the previous report', () => {
    const h = [day('2026-03-29', { spo2: 99 }), day('2026-03-30', { spo2: 98 }), day('2026-03-31', {})];
    const r = run(patientOneByOne, patientAnswers({ spo2: '95' }), c(h));
    expect(r.flags.find((f) => f.ruleId === 'spo2_drop')!.values).toEqual({ spo2: 95, previous: 98, previousDate: '2026-03-30' });
    expect(flagIds(run(patientOneByOne, patientAnswers({ spo2: '96' }), c(h)).flags)).toEqual([]);
  });

  it('SpO2 falling since an earlier round of the same day (98 at 09:00 → 94 at 15:00)', () => {
    const round = (values: HistoryDay['values'], r: string): HistoryDay => ({ localDate: TODAY, round: r, values });
    const h = [day('2026-03-31', { spo2: 96 }), round({ spo2: 98 }, '09:00')];
    const r = run(patientOneByOne, patientAnswers({ spo2: '94' }), c(h));
    expect(r.flags.find((f) => f.ruleId === 'spo2_drop')!.values).toEqual({ spo2: 94, previous: 98, previousDate: TODAY, previousRound: '09:00' });
    // Yesterday alone (96 → 94) is not a fall of 3; a later day in the history is never "previous".
    expect(flagIds(run(patientOneByOne, patientAnswers({ spo2: '94' }), c([day('2026-03-31', { spo2: 96 })])).flags)).not.toContain('amber:spo2_drop');
    expect(flagIds(run(patientOneByOne, patientAnswers({ spo2: '94' }), c([day('2026-04-02', { spo2: 99 })])).flags)).not.toContain('amber:spo2_drop');
  });

  it('several reports of one earlier day merge, the later winning (yesterday\'s afternoon for "worse")', () => {
    const h = [{ localDate: '2026-03-31', round: '09:00', values: { cough: true } }, { localDate: '2026-03-31', round: '15:00', values: { cough: false } }];
    const r = run(patientOneByOne, patientAnswers({ cough: 'はい' }), c(h));
    expect(r.flags.find((f) => f.ruleId === 'worse_than_yesterday')!.values).toEqual({ worseThanYesterday: ['cough'] });
  });

  it('a new symptom on day 5 or later, not before', () => {
    const h = [day('2026-03-30', { cough: true, fatigue: false }), day('2026-03-31', { cough: false, fatigue: false })];
    const ans = patientAnswers({ cough: 'はい', fatigue: 'はい' });
    const late = run(patientOneByOne, ans, c(h, 5)).flags.find((f) => f.ruleId === 'new_symptom_late');
    expect(late!.values).toEqual({ newSymptoms: ['fatigue'], monitoringDay: 5 });
    expect(run(patientOneByOne, ans, c(h, 4)).flags.map((f) => f.ruleId)).not.toContain('new_symptom_late');
  });

  it('worse answers than yesterday; わからない yesterday is not "no"', () => {
    const h = [day('2026-03-31', { cough: false, diarrhea: 'unknown', fatigue: true })];
    const r = run(patientOneByOne, patientAnswers({ cough: 'はい', diarrhea: 'はい', fatigue: 'はい' }), c(h));
    expect(r.flags.find((f) => f.ruleId === 'worse_than_yesterday')!.values).toEqual({ worseThanYesterday: ['cough'] });
    const stale = [day('2026-03-30', { cough: false })];
    expect(run(patientOneByOne, patientAnswers({ cough: 'はい' }), c(stale)).flags.map((f) => f.ruleId)).not.toContain('worse_than_yesterday');
  });

  it('today is the local date in Asia/Tokyo, or ctx.localDate when given', () => {
    const h = [day('2026-03-30', { temperature: 38 }), day('2026-03-31', { temperature: 38 })];
    const late = ctx('line', { history: h, now: '2026-03-31T16:00:00Z' }); // 01:00 on 1 April in Tokyo
    expect(run(patientOneByOne, patientAnswers({ temperature: '38' }), late).flags.map((f) => f.ruleId)).toContain('fever_3days');
    const utcDay = ctx('line', { history: h, now: '2026-03-31T16:00:00Z', timeZone: 'UTC' });
    expect(run(patientOneByOne, patientAnswers({ temperature: '38' }), utcDay).flags.map((f) => f.ruleId)).not.toContain('fever_3days');
    const given = ctx('line', { history: h, localDate: '2026-04-01', timeZone: 'UTC' });
    expect(run(patientOneByOne, patientAnswers({ temperature: '38' }), given).flags.map((f) => f.ruleId)).toContain('fever_3days');
  });
});

describe('risk factors raise amber to red, and say so', () => {
  const subject = (s: object) => ctx('line', { subject: { riskFactors: [], hasOximeter: true, classification: 'confirmed', monitoringDay: 2, ...s } });
  it.each([
    [{ age: 70 }, '65歳以上', 'age ≥ 65'],
    [{ riskFactors: ['underlying_condition'] }, '基礎疾患', 'underlying condition'],
    [{ riskFactors: ['pregnancy'] }, '妊娠中', 'pregnancy'],
  ])('%j', (s, ja, en) => {
    const [flag] = run(patientOneByOne, patientAnswers({ temperature: '38.5' }), subject(s)).flags;
    expect(flag).toMatchObject({ ruleId: 'fever', severity: 'red', values: { temperature: 38.5, escalatedFrom: 'amber' } });
    expect(flag!.reason.ja).toContain(ja);
    expect(flag!.reason.en).toContain(en);
  });

  it('no escalation at 64 without risk factors; red stays red', () => {
    expect(flagIds(run(patientOneByOne, patientAnswers({ temperature: '38.5' }), subject({ age: 64 })).flags)).toEqual(['amber:fever']);
    const red = run(patientOneByOne, patientAnswers({ breathless: 'はい' }), subject({ age: 80 })).flags[0]!;
    expect(red.reason.ja).toBe('息苦しさがある');
  });

  it('a flag is raised once per rule per session', () => {
    const r = run(patientOneByOne, patientAnswers({ spo2: '94' }));
    expect(r.flags.filter((f) => f.ruleId === 'spo2_borderline')).toHaveLength(1);
    expect(r.state.raised).toEqual(['spo2_borderline']);
  });
});
