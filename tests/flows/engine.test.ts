import { describe, expect, it } from 'vitest';
import {
  advance, defaultFlows, maxSteps, start, URGENT_SYMPTOMS, type FlowDefinition, type QuestionNode, type SessionState,
} from '../../src/flows/index.js';
import { ctx, patientAnswers, patientV1, run, version } from './helpers.js';

describe('version pinning', () => {
  it('the state carries flowKey and version', () => {
    expect(start(patientV1, ctx()).state).toMatchObject({ flowKey: 'patient-daily', version: 1, status: 'active' });
  });

  it('a state started on v1 is refused by v2 and returned unchanged', () => {
    const { state } = start(patientV1, ctx());
    const v2 = { ...patientV1, version: 2 };
    const step = advance(v2, state, { type: 'message', text: '36.5' }, ctx());
    expect(step.state).toBe(state);
    expect(step.effects).toEqual([{ type: 'error', code: 'version_mismatch', message: 'session is pinned to patient-daily@1, got patient-daily@2' }]);
  });

  it('a state of another flow is refused', () => {
    const { state } = start(patientV1, ctx());
    const other = { flowKey: 'contact-daily', version: 1, definition: defaultFlows.contactDaily };
    expect(advance(other, state, { type: 'timeout' }, ctx()).effects[0]).toMatchObject({ type: 'error', code: 'version_mismatch' });
  });

  it('publishing a new version does not change a running session: it keeps asking v1 questions', () => {
    const edited: FlowDefinition = JSON.parse(JSON.stringify(defaultFlows.patientDaily));
    (edited.nodes.temperature as { text: { ja: string } }).text.ja = '新しい文言';
    const first = start(patientV1, ctx());
    const v2 = version(edited, 2);
    expect(start(v2, ctx()).effects.some((e) => e.type === 'send' && e.message.text === '新しい文言')).toBe(true);
    const step = advance(patientV1, first.state, { type: 'message', text: '36.5' }, ctx());
    expect(step.state.version).toBe(1);
    expect(step.effects.some((e) => e.type === 'send' && e.message.text.includes('新しい文言'))).toBe(false);
  });
});

describe('purity', () => {
  it('never mutates the state passed in, and is JSON round-trippable', () => {
    const { state } = start(patientV1, ctx());
    const frozen = JSON.stringify(state);
    const step = advance(patientV1, state, { type: 'message', text: '37.0' }, ctx());
    expect(JSON.stringify(state)).toBe(frozen);
    const revived = JSON.parse(JSON.stringify(step.state)) as SessionState;
    const a = advance(patientV1, revived, { type: 'message', text: '98' }, ctx());
    const b = advance(patientV1, step.state, { type: 'message', text: '98' }, ctx());
    expect(a).toEqual(b);
  });

  it('is deterministic: the same inputs give the same effects', () => {
    expect(run(patientV1, patientAnswers({ cough: 'はい' }))).toEqual(run(patientV1, patientAnswers({ cough: 'はい' })));
  });

  it('step increases on every advance', () => {
    const r = run(patientV1, ['x', 'y', '36.5']);
    expect(r.state.step).toBe(3);
  });
});

describe('content problems are effects, not exceptions', () => {
  const broken = (nodes: Record<string, unknown>, startAt = 'a') =>
    version({ spec: 2, key: 'b', name: { ja: 'b', en: 'b' }, start: startAt, nodes, rules: [] } as unknown as FlowDefinition);

  it('an unknown node ends the session with an error', () => {
    const r = start(broken({ a: { type: 'message', text: { ja: 'x', en: 'x' }, next: 'ghost' } }), ctx());
    expect(r.effects.map((e) => e.type)).toEqual(['send', 'error', 'end']);
    expect(r.effects[1]).toMatchObject({ code: 'unknown_node' });
    expect(r.state.status).toBe('completed');
  });

  it('a loop of branches that never asks is stopped', () => {
    const r = start(broken({ a: { type: 'branch', cases: [], default: 'a' } }), ctx());
    expect(r.effects).toEqual([{ type: 'error', code: 'loop_without_question', message: expect.any(String) }, { type: 'end', outcome: 'abandoned' }]);
  });

  it('a definition newer than the engine is refused at start', () => {
    const r = start(version({ ...defaultFlows.contactDaily, spec: 99 }), ctx());
    expect(r.effects[0]).toMatchObject({ type: 'error', code: 'spec_too_new' });
    expect(r.state.status).toBe('completed');
  });

  it('a flow that loops back on its answers still ends within maxSteps', () => {
    const v = broken({
      a: { type: 'question', kind: 'yes_no', text: { ja: '終わる？', en: 'Stop?' }, next: 'b' },
      b: { type: 'branch', cases: [{ when: { question: 'a', op: 'eq', value: true }, next: 'c' }], default: 'a' },
      c: { type: 'end' },
    });
    const r = run(v, Array.from({ length: 100 }, () => 'いいえ'));
    expect(r.state.status).toBe('completed');
    expect(r.state.step).toBeLessThanOrEqual(maxSteps(v) + 1);
    expect(r.effects).toContainEqual({ type: 'error', code: 'step_limit', message: expect.any(String) });
  });
});

describe('wording per channel and language', () => {
  const firstQuestion = (c: ReturnType<typeof ctx>) =>
    start(patientV1, c).effects.flatMap((e) => (e.type === 'send' && e.message.kind === 'question' ? [e.message.text] : []))[0];
  it.each([
    ['line', 'ja', '今日の体温は何度ですか？（例: 36.8）'],
    ['sms', 'ja', '今日の体温は？（例: 36.8）'],
    ['voice', 'ja', '体温を3桁で押してください。37度5分なら 3、7、5 です。'],
    ['web', 'en', 'What is your temperature today? (e.g. 36.8)'],
    ['sms', 'en', 'Temperature today? (e.g. 36.8)'],
    ['line', 'ja-easy', 'きょうの たいおんは なんどですか？（れい: 36.8）'],
    ['voice', 'ja-easy', '体温を3桁で押してください。37度5分なら 3、7、5 です。'],
  ] as const)('%s / %s', (channel, lang, want) => {
    expect(firstQuestion(ctx(channel, { lang }))).toBe(want);
  });

  it('SMS questions of the default flows fit in 70 characters', () => {
    for (const def of [defaultFlows.patientDaily, defaultFlows.contactDaily]) {
      for (const [id, node] of Object.entries(def.nodes)) {
        if (node.type !== 'question') continue;
        const sms = node.text.channels?.sms;
        expect(sms, id).toBeDefined();
        expect(sms!.ja.length, id).toBeLessThanOrEqual(70);
        expect((sms!.en ?? '').length, id).toBeLessThanOrEqual(70);
      }
    }
  });

  it('on voice every one of the 13 MHLW signs is asked: read in the urgent list, or by its own red-flag question earlier in the call', () => {
    const flow = defaultFlows.patientDaily;
    const urgent = flow.nodes.urgent as QuestionNode;
    const voice = urgent.text.channels!.voice!;
    // [sign, read as (ja, en)] or [sign, the red-flag question asked alone that covers it]
    const read: [string, string, string][] = [
      ['lips_purple', '唇が紫色', 'Purple lips'], ['breathing_fast', '息が荒い', 'Breathing fast'],
      ['exertion_breathless', '少し動くと息があがる', 'slight effort'], ['chest_pain', '胸が痛い', 'Chest pain'],
      ['orthopnea', '横にならないと息ができない', 'sitting up'], ['shoulder_breathing', '肩で息をする', 'shoulders'],
      ['wheezing', 'ゼーゼー', 'wheezing'], ['irregular_pulse', '脈が乱れる', 'irregular pulse'],
    ];
    const asked: [string, string][] = [['face_pale', 'face'], ['unusual', 'face'], ['sudden_breathless', 'breathless'], ['drowsy', 'consciousness'], ['confused', 'consciousness']];
    expect([...read.map(([v]) => v), ...asked.map(([v]) => v)].sort()).toEqual(URGENT_SYMPTOMS.map((c) => c.value).filter((v) => v !== 'none' && v !== 'some').sort());
    for (const [value, ja, en] of read) {
      expect(voice.ja, value).toContain(ja);
      expect(voice.en, value).toContain(en);
    }
    // The covering questions come before the urgent list on every path and are red on 「はい」.
    const order = Object.keys(flow.nodes);
    for (const [value, question] of asked) {
      expect(order.indexOf(question), value).toBeLessThan(order.indexOf('urgent'));
      expect(flow.rules.find((r) => r.id === question), value).toMatchObject({ type: 'answer', question, anyOf: [true], severity: 'red' });
    }
    const sentences = voice.ja.split('。').filter((x) => x !== '');
    expect(Math.max(...sentences.map((x) => x.length))).toBeLessThanOrEqual(25);
    // Key 9 repeats the question, so the list must be in the question itself, not in a message before it.
    expect(voice.ja).toMatch(/ありますか？$/);
  });

  it('every default question has voice wording', () => {
    for (const def of [defaultFlows.patientDaily, defaultFlows.contactDaily]) {
      for (const [id, node] of Object.entries(def.nodes)) {
        if (node.type === 'question') expect(node.text.channels?.voice, id).toBeDefined();
      }
    }
  });
});
