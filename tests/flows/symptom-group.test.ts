import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advance, start, validateFlowDefinition,
  type Channel, type FlowContext, type FlowVersion, type HistoryDay, type OutMessage, type SessionState,
} from '../../src/flows/index.js';
import { contactOneByOne, contactV1, ctx, flagIds, patientOneByOne, patientV1, run } from './helpers.js';

/**
 * The symptom group (kind `group`) and the two-step checklist (`multi` with `gate`): what
 * a patient sees and how answers are read — and, above all, that the grouped default flows
 * record the same observations and raise the same flags as the flows that ask every
 * symptom alone, whatever the answers (fast-check over whole days).
 */

interface Day {
  temperature: number;
  spo2: number;
  pulse: number;
  yesNo: Record<string, boolean | 'unknown'>;
  urgent: string[];
}

const RED_FLAGS = ['face', 'breathless', 'consciousness'];
const GROUPED = ['cough', 'sore_throat', 'fatigue', 'nausea', 'diarrhea', 'taste_smell', 'cannot_eat', 'no_urine'];
const URGENT = ['face_pale', 'lips_purple', 'unusual', 'breathing_fast', 'sudden_breathless', 'exertion_breathless', 'chest_pain', 'orthopnea', 'shoulder_breathing', 'wheezing', 'drowsy', 'confused', 'irregular_pulse'];

const dayArb: fc.Arbitrary<Day> = fc.record({
  temperature: fc.integer({ min: 355, max: 405 }).map((t) => t / 10),
  spo2: fc.integer({ min: 88, max: 100 }),
  pulse: fc.integer({ min: 45, max: 130 }),
  yesNo: fc.record({
    ...Object.fromEntries(RED_FLAGS.map((id) => [id, fc.constantFrom<boolean | 'unknown'>(true, false, false, false, 'unknown')])),
    ...Object.fromEntries(GROUPED.map((id) => [id, fc.constantFrom<boolean | 'unknown'>(true, false, false, false)])),
  }),
  urgent: fc.subarray(URGENT, { maxLength: 2 }),
});

const word = (v: boolean | 'unknown') => (v === 'unknown' ? 'わからない' : v ? 'はい' : 'いいえ');
const numbersOf = (msg: OutMessage, values: string[]) =>
  values.map((v) => (msg.choices ?? []).findIndex((c) => c.value === v) + 1).filter((n) => n > 0).join(' ');

/** What a person with this day answers to the message in front of them, on any flow and channel. */
function answerFor(msg: OutMessage, day: Day, groupItems: string[]): string {
  const q = msg.questionId ?? '';
  if (msg.expects === 'confirm') return 'はい';
  if (q === 'temperature') return day.temperature.toFixed(1);
  if (q === 'spo2' || q === 'spo2_again') return String(day.spo2);
  if (q === 'pulse') return String(day.pulse);
  if (q === 'comment') return 'なし';
  if (q === 'symptoms') {
    const yes = groupItems.filter((id) => day.yesNo[id] === true);
    if (msg.expects === 'multi' && yes.length > 0) return numbersOf(msg, yes);
    return yes.length > 0 ? 'ある' : 'どれもない';
  }
  if (q === 'urgent') {
    if (msg.expects === 'multi') return day.urgent.length > 0 ? numbersOf(msg, day.urgent) : 'なし';
    if (msg.expects === 'yes_no') return day.urgent.length > 0 ? 'はい' : 'いいえ'; // voice: one yes/no
    return day.urgent.length > 0 ? 'ある' : 'なし';
  }
  return word(day.yesNo[q] ?? false);
}

function answerDay(v: FlowVersion, day: Day, c: FlowContext) {
  const group = v.definition.nodes.symptoms;
  const groupItems = group?.type === 'question' ? (group.choices ?? []).map((x) => x.value) : [];
  let step = start(v, c);
  let state: SessionState = step.state;
  const effects = [...step.effects];
  for (let i = 0; i < 60 && state.status === 'active'; i++) {
    const ask = [...step.effects].reverse().find((e) => e.type === 'send' && e.message.questionId)!;
    if (ask.type !== 'send') throw new Error('no question');
    step = advance(v, state, { type: 'message', text: answerFor(ask.message, day, groupItems) }, c);
    effects.push(...step.effects);
    state = step.state;
  }
  const observations = Object.fromEntries(effects.flatMap((e) => (e.type === 'record_observation' ? [[e.observation.questionId, e.observation.value]] : [])));
  const flags = flagIds(effects.flatMap((e) => (e.type === 'raise_alert' ? [e.flag] : [])));
  return { state, observations, flags, effects };
}

describe('the grouped default flows judge a day exactly as the one-by-one flows', () => {
  const channels: Channel[] = ['line', 'sms', 'web', 'voice'];
  it.each(channels)('patient-daily on %s: same observations and flags for any day (fast-check)', (channel) => {
    fc.assert(
      fc.property(dayArb, dayArb, fc.integer({ min: 1, max: 10 }), fc.boolean(), (day, yesterday, monitoringDay, hasOximeter) => {
        const history: HistoryDay[] = [{ localDate: '2026-03-31', values: { temperature: yesterday.temperature, spo2: yesterday.spo2, ...yesterday.yesNo, urgent: ['none'] } }];
        const c = ctx(channel, { history, subject: { riskFactors: [], hasOximeter, classification: 'confirmed', monitoringDay } });
        const grouped = answerDay(patientV1, day, c);
        const alone = answerDay(patientOneByOne, day, c);
        expect(grouped.state.status).toBe('completed');
        expect(grouped.observations).toEqual(alone.observations);
        expect(grouped.flags).toEqual(alone.flags);
      }),
      { numRuns: 150 },
    );
  });

  it.each(channels)('contact-daily on %s: same observations and flags for any day (fast-check)', (channel) => {
    fc.assert(
      fc.property(dayArb, (day) => {
        const c = ctx(channel);
        const grouped = answerDay(contactV1, day, c);
        expect(grouped.state.status).toBe('completed');
        expect(grouped.observations).toEqual(answerDay(contactOneByOne, day, c).observations);
        expect(grouped.flags).toEqual(answerDay(contactOneByOne, day, c).flags);
      }),
      { numRuns: 100 },
    );
  });
});

const upToGroup = ['36.6', '98', '72', 'いいえ', 'いいえ', 'いいえ'];
const observed = (r: ReturnType<typeof run>, id: string) => r.observations.find((o) => o.questionId === id);

describe('the symptom group', () => {
  it('「どれもない」 in one touch records each of the eight as no', () => {
    const r = run(patientV1, [...upToGroup, { type: 'choice', questionId: 'symptoms', value: 'none' }]);
    for (const id of GROUPED) expect(observed(r, id), id).toMatchObject({ value: false, status: 'answered', kind: 'yes_no' });
    expect(r.state.nodeId).toBe('urgent');
  });

  it('「ある」 asks which, with the eight as buttons; those picked are yes and the rules judge them', () => {
    const r = run(patientV1, [...upToGroup, { type: 'choice', questionId: 'symptoms', value: '__any' }, '7 8']);
    const pick = r.sent.filter((m) => m.questionId === 'symptoms').at(-1)!;
    expect(pick).toMatchObject({ expects: 'multi' });
    expect(pick.choices?.map((c) => c.value)).toEqual(GROUPED);
    expect(observed(r, 'cannot_eat')?.value).toBe(true);
    expect(observed(r, 'no_urine')?.value).toBe(true);
    expect(observed(r, 'cough')?.value).toBe(false);
    expect(flagIds(r.flags)).toEqual(['amber:cannot_eat', 'amber:no_urine']);
  });

  it('a symptom named at the first step (「咳と下痢があります」) answers both steps', () => {
    const r = run(patientV1, [...upToGroup, '咳と下痢があります']);
    expect(observed(r, 'cough')?.value).toBe(true);
    expect(observed(r, 'diarrhea')?.value).toBe(true);
    expect(observed(r, 'fatigue')?.value).toBe(false);
    expect(r.state.nodeId).toBe('urgent');
  });

  it('「わからない」 then 「わからない」 records each as unknown, never as no', () => {
    const r = run(patientV1, [...upToGroup, 'わからない', 'わからない']);
    for (const id of GROUPED) expect(observed(r, id)?.value, id).toBe('unknown');
  });

  it('a wrong answer on LINE is re-asked in one short line, the buttons kept', () => {
    const r = run(patientV1, [...upToGroup, 'えーと']);
    const reask = r.sent.at(-1)!;
    expect(reask.kind).toBe('reask');
    expect(reask.text).toBe('「どれもない」か「ある」で答えてください。');
    expect(reask.choices?.map((c) => c.label)).toEqual(['どれもない', 'ある']);
  });

  it('never readably answered: re-asked twice, then each member unanswered and the flow goes on', () => {
    const r = run(patientV1, [...upToGroup, 'えーと', 'うーん', 'さあ']);
    for (const id of GROUPED) expect(observed(r, id), id).toMatchObject({ value: null, status: 'unanswered' });
    expect(r.state.nodeId).toBe('urgent');
  });

  it('the round ends at the group (timeout): each member unanswered and the session abandoned', () => {
    const r = run(patientV1, [...upToGroup, { type: 'timeout' }]);
    for (const id of GROUPED) expect(observed(r, id)?.status, id).toBe('unanswered');
    expect(r.effects.at(-1)).toEqual({ type: 'end', outcome: 'abandoned' });
  });

  it('on a call the first step is one key: 1 = some, 2 = none', () => {
    const none = run(patientV1, ['366', '98', '72', '2', '2', '2', { type: 'digits', digits: '2' }], ctx('voice'));
    expect(observed(none, 'cough')?.value).toBe(false);
    const gate = none.sent.find((m) => m.questionId === 'symptoms')!;
    expect(gate).toMatchObject({ expects: 'yes_no' });
    expect(gate.choices?.map((c) => c.value)).toEqual(['__any', 'none']);
  });

  it('validation: a group item must be a yes/no question of the flow, and the group needs its 「どれもない」', () => {
    const def = structuredClone(patientV1.definition);
    const group = def.nodes.symptoms!;
    if (group.type !== 'question') throw new Error('group');
    group.choices![0]!.value = 'temperature';
    delete group.exclusive;
    const codes = validateFlowDefinition(def).map((i) => `${i.path} ${i.code}`);
    expect(codes).toContain('nodes.symptoms.choices[0].value group_member');
    expect(codes).toContain('nodes.symptoms.exclusive missing_none');
  });
});

describe('the urgent checklist on LINE: [なし] first, the 13 signs only after 「ある」', () => {
  const upToUrgent = [...upToGroup, 'どれもない'];

  it('one touch on a normal day: 「なし」 first, two buttons, the signs listed in the text', () => {
    const r = run(patientV1, [...upToUrgent, { type: 'choice', questionId: 'urgent', value: 'none' }]);
    const gate = r.sent.find((m) => m.questionId === 'urgent')!;
    expect(gate.choices?.map((c) => c.label)).toEqual(['なし', 'ある']);
    expect(gate.text).toContain('唇が紫色');
    expect(observed(r, 'urgent')?.value).toEqual(['none']);
    expect(r.flags).toEqual([]);
  });

  it('「ある」 then a sign button: red with the call-now advice', () => {
    const r = run(patientV1, [...upToUrgent, { type: 'choice', questionId: 'urgent', value: '__any' }, { type: 'choice', questionId: 'urgent', value: 'chest_pain' }]);
    const pick = r.sent.filter((m) => m.questionId === 'urgent').at(-1)!;
    expect(pick.choices).toHaveLength(13); // every sign fits LINE's 13 quick replies once 「なし」 is not among them
    expect(flagIds(r.flags)).toEqual(['red:urgent_symptom']);
    expect(r.sent.some((m) => m.kind === 'urgent_advice')).toBe(true);
  });

  it('on SMS and the web the checklist stays one step (numbers, checkboxes)', () => {
    for (const channel of ['sms', 'web'] as const) {
      const r = run(patientV1, [...upToUrgent, '2'], ctx(channel));
      expect(observed(r, 'urgent')?.value, channel).toEqual(['lips_purple']);
    }
  });
});
