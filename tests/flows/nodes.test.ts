import { describe, expect, it } from 'vitest';
import { advance, start, type Condition, type FlowDefinition, type Input } from '../../src/flows/index.js';
import { ctx, oneQuestion, run, version } from './helpers.js';

const TEMP = { kind: 'number', unit: '℃', min: 34, max: 42, precision: 0.1, keypad: 'temperature' };

describe('question: number', () => {
  it('records the value with its unit and raw text', () => {
    const r = run(oneQuestion(TEMP), ['３７．５℃']);
    expect(r.observations).toEqual([{ questionId: 'q', kind: 'number', value: 37.5, raw: '３７．５℃', unit: '℃', status: 'answered' }]);
    expect(r.state.status).toBe('completed');
  });

  it('asks with expects number, unit and range', () => {
    const { effects } = start(oneQuestion(TEMP), ctx());
    expect(effects[0]).toMatchObject({ type: 'send', message: { kind: 'question', questionId: 'q', expects: 'number', unit: '℃', min: 34, max: 42 } });
  });

  it('re-asks an unreadable answer with a hint at most twice, then records it unanswered and moves on', () => {
    const r = run(oneQuestion(TEMP), ['熱っぽい', 'わからん', 'さあ']);
    expect(r.sent.map((m) => m.kind)).toEqual(['question', 'reask', 'reask', 'closing']);
    expect(r.sent[1]!.text).toContain('34〜42の数字で答えてください');
    expect(r.observations).toEqual([{ questionId: 'q', kind: 'number', value: null, raw: 'さあ', unit: '℃', status: 'unanswered' }]);
    expect(r.state.answers.q).toBeNull();
  });

  it('re-asks an implausible value (45 ℃) saying it may be a measuring error', () => {
    const r = run(oneQuestion(TEMP), ['45', '37.0']);
    expect(r.sent[1]).toMatchObject({ kind: 'reask' });
    expect(r.sent[1]!.text).toContain('45.0℃は測り間違いかもしれません');
    expect(r.observations[0]).toMatchObject({ value: 37, status: 'answered' });
  });

  it('confirms a borderline critical value: yes records it', () => {
    const v = oneQuestion({ kind: 'number', unit: '%', min: 70, max: 100, precision: 1, confirm: { lte: 93 } });
    const r = run(v, ['92', 'はい']);
    expect(r.sent[1]).toMatchObject({ kind: 'confirm', expects: 'confirm', choices: [{ value: 'yes', label: 'はい' }, { value: 'no', label: 'いいえ' }] });
    expect(r.sent[1]!.text).toBe('92%で正しいですか？');
    expect(r.observations[0]).toMatchObject({ value: 92, raw: '92', status: 'answered' });
  });

  it('confirms a borderline value: no re-asks the question, a new number replaces it', () => {
    const v = oneQuestion({ kind: 'number', unit: '%', min: 70, max: 100, precision: 1, confirm: { lte: 93 } });
    const r = run(v, ['92', { type: 'choice', questionId: 'q', value: 'no' }, '97']);
    expect(r.sent.map((m) => m.kind)).toEqual(['question', 'confirm', 'reask', 'closing']);
    expect(r.sent[2]!.text).toContain('もう一度測って');
    expect(r.observations[0]).toMatchObject({ value: 97 });
    const direct = run(v, ['92', '96']);
    expect(direct.observations[0]).toMatchObject({ value: 96 });
  });

  it('reads back a number heard with low speech confidence', () => {
    const r = run(oneQuestion(TEMP), [{ type: 'speech', text: 'さんじゅうはちど', confidence: 0.3 }, { type: 'speech', text: 'はい' }], ctx('voice'));
    expect(r.sent[1]).toMatchObject({ kind: 'confirm' });
    expect(r.sent[1]!.text).toBe('38.0℃で正しければ1、違えば2を押してください。');
    expect(r.observations[0]).toMatchObject({ value: 38, raw: 'さんじゅうはちど' });
    const sure = run(oneQuestion(TEMP), [{ type: 'speech', text: 'さんじゅうはちど', confidence: 0.9 }], ctx('voice'));
    expect(sure.observations[0]).toMatchObject({ value: 38 });
  });

  it('a number sent again instead of yes is eventually recorded, not confirmed forever', () => {
    const v = oneQuestion({ kind: 'number', unit: '%', min: 70, max: 100, precision: 1, confirm: { lte: 93 } });
    const r = run(v, ['93', '93', '93']);
    expect(r.sent.map((m) => m.kind)).toEqual(['question', 'confirm', 'confirm', 'closing']);
    expect(r.observations[0]).toMatchObject({ value: 93, status: 'answered' });
  });

  it('the round ending during a confirmation records the reading and raises its alert', () => {
    const rule = { id: 'low', type: 'threshold', question: 'q', lte: 93, severity: 'red', reason: { ja: '低い', en: 'Low' } };
    const v = oneQuestion({ kind: 'number', unit: '%', min: 70, max: 100, precision: 1, confirm: { lte: 93 } }, [rule]);
    const r = run(v, ['91', { type: 'timeout' }], ctx('line'));
    expect(r.observations[0]).toMatchObject({ value: 91, status: 'answered' });
    expect(r.flags.map((f) => f.ruleId)).toEqual(['low']);
    expect(r.effects.at(-1)).toEqual({ type: 'end', outcome: 'abandoned' });
  });

  it('malformed inputs from a webhook are failed attempts, not crashes', () => {
    const bad = [{ type: 'message' }, { type: 'digits', digits: 5 }, { type: 'choice', questionId: 'q' }] as unknown as Input[];
    const r = run(oneQuestion(TEMP), bad);
    expect(r.observations[0]).toMatchObject({ value: null, raw: null, status: 'unanswered' });
  });

  it('a tiny precision in a definition never makes the engine throw (read-back, hint)', () => {
    const v = oneQuestion({ kind: 'number', unit: '%', min: 1, max: 100, precision: 1e-200, confirm: { lte: 93 } });
    const r = run(v, ['92.5', 'はい']);
    expect(r.sent[1]).toMatchObject({ kind: 'confirm' });
    expect(r.observations[0]).toMatchObject({ value: 92.5, status: 'answered' });
    expect(run(v, ['150']).sent[1]!.text).toContain('150');
  });

  it('keeps a critical reading rather than losing it when the confirmation is never understood', () => {
    const v = oneQuestion({ kind: 'number', unit: '%', min: 70, max: 100, precision: 1, confirm: { lte: 93 } });
    const r = run(v, ['91', 'えっと', 'うーん', 'さあ']);
    expect(r.observations[0]).toMatchObject({ value: 91, status: 'answered' });
    expect(r.state.status).toBe('completed');
  });
});

describe('question: yes_no', () => {
  const YN = { kind: 'yes_no', allowUnknown: true };
  it.each([
    ['はい', true], ['少しある', true], ['いいえ', false], ['なし', false], ['わからない', 'unknown'],
  ])('%s is stored as %j', (text, value) => {
    expect(run(oneQuestion(YN), [text]).observations[0]).toMatchObject({ kind: 'yes_no', value });
  });

  it('offers はい / いいえ / わからない, and takes a postback', () => {
    const r = run(oneQuestion(YN), [{ type: 'choice', questionId: 'q', value: 'unknown' }]);
    expect(r.sent[0]).toMatchObject({ expects: 'yes_no_unknown', choices: [{ value: 'yes', label: 'はい' }, { value: 'no', label: 'いいえ' }, { value: 'unknown', label: 'わからない' }] });
    expect(r.observations[0]!.value).toBe('unknown');
  });

  it('without allowUnknown, わからない is re-asked, never stored as no', () => {
    const r = run(oneQuestion({ kind: 'yes_no' }), ['わからない', 'はい']);
    expect(r.sent[0]!.expects).toBe('yes_no');
    expect(r.sent[1]!.kind).toBe('reask');
    expect(r.observations[0]!.value).toBe(true);
  });

  it('an old button for another question counts as a failed attempt', () => {
    const r = run(oneQuestion(YN), [{ type: 'choice', questionId: 'other', value: 'yes' }, 'いいえ']);
    expect(r.sent[1]!.kind).toBe('reask');
    expect(r.observations[0]!.value).toBe(false);
  });
});

const CHOICES = [
  { value: 'home', label: { ja: '自宅', en: 'Home' } },
  { value: 'hotel', label: { ja: 'ホテル', en: 'Hotel' } },
  { value: 'none', label: { ja: 'なし', en: 'None' } },
];

describe('question: single and multi', () => {
  it('single takes a number, a label or a value', () => {
    for (const text of ['2', 'ホテル', 'hotel', 'Hotel']) {
      expect(run(oneQuestion({ kind: 'single', choices: CHOICES }), [text]).observations[0]!.value).toBe('hotel');
    }
  });

  it('multi stores values in list order and drops the exclusive 「なし」 when real items are picked', () => {
    const v = oneQuestion({ kind: 'multi', choices: CHOICES, exclusive: 'none' });
    expect(run(v, ['2 1']).observations[0]!.value).toEqual(['home', 'hotel']);
    expect(run(v, ['1 3']).observations[0]!.value).toEqual(['home']);
    expect(run(v, [{ type: 'choice', questionId: 'q', value: ['hotel', 'none'] }]).observations[0]!.value).toEqual(['hotel']);
    expect(run(v, ['なし']).observations[0]!.value).toEqual(['none']);
    expect(run(v, ['いいえ']).observations[0]!.value).toEqual(['none']);
    expect(run(v, ['ありません']).observations[0]!.value).toEqual(['none']);
  });

  it('choices are shown in the session language', () => {
    const r = run(oneQuestion({ kind: 'single', choices: CHOICES }), [], ctx('web', { lang: 'en' }));
    expect(r.sent[0]!.choices).toEqual([{ value: 'home', label: 'Home' }, { value: 'hotel', label: 'Hotel' }, { value: 'none', label: 'None' }]);
  });

  it('multi with collapse is asked as one yes/no on voice', () => {
    const v = oneQuestion({ kind: 'multi', choices: [...CHOICES, { value: 'some', label: { ja: 'どれか', en: 'Some' }, channels: ['voice'] }], exclusive: 'none', collapse: { channels: ['voice'], yes: 'some', no: 'none' } });
    const yes = run(v, [{ type: 'digits', digits: '1' }], ctx('voice'));
    expect(yes.sent[0]).toMatchObject({ expects: 'yes_no' });
    expect(yes.observations[0]!.value).toEqual(['some']);
    expect(run(v, [{ type: 'speech', text: 'ありません' }], ctx('voice')).observations[0]!.value).toEqual(['none']);
    const line = run(v, [], ctx('line'));
    expect(line.sent[0]!.choices!.map((c) => c.value)).toEqual(['home', 'hotel', 'none']);
  });
});

describe('question: scale and text', () => {
  it('scale reads 0–10 and rejects 11', () => {
    const v = oneQuestion({ kind: 'scale', min: 0, max: 10 });
    expect(run(v, ['７']).observations[0]).toMatchObject({ kind: 'scale', value: 7 });
    const r = run(v, ['11', '3']);
    expect(r.sent[1]!.kind).toBe('reask');
    expect(r.observations[0]!.value).toBe(3);
  });

  it('free text is kept as sent, cut at maxLength; an optional one moves on at silence', () => {
    const v = oneQuestion({ kind: 'text', optional: true, maxLength: 5 });
    expect(run(v, ['咳が夜に出ます']).observations[0]).toMatchObject({ value: '咳が夜に出', raw: '咳が夜に出ます' });
    const silent = run(v, [{ type: 'timeout' }]);
    expect(silent.observations[0]).toMatchObject({ value: null, status: 'unanswered' });
    expect(silent.state.status).toBe('completed');
    expect(run(v, [{ type: 'digits', digits: '#' }], ctx('voice')).observations[0]!.status).toBe('unanswered');
  });
});

describe('timeouts', () => {
  it('on voice, silence is re-asked once, then unanswered', () => {
    const r = run(oneQuestion(TEMP), [{ type: 'timeout' }, { type: 'timeout' }], ctx('voice'));
    expect(r.sent.map((m) => m.kind)).toEqual(['question', 'reask', 'closing']);
    expect(r.sent[1]!.text).toContain('お返事が聞き取れませんでした');
    expect(r.observations[0]!.status).toBe('unanswered');
  });

  it('elsewhere a timeout means the round is over: the session is abandoned', () => {
    const r = run(oneQuestion(TEMP), [{ type: 'timeout' }], ctx('line'));
    expect(r.effects.at(-1)).toEqual({ type: 'end', outcome: 'abandoned' });
    expect(r.observations[0]!.status).toBe('unanswered');
  });
});

const FLOW: FlowDefinition = {
  spec: 2,
  key: 'nodes',
  name: { ja: 'ノード', en: 'Nodes' },
  start: 'hello',
  nodes: {
    hello: { type: 'message', text: { ja: 'こんにちは', en: 'Hello' }, next: 'again' },
    again: { type: 'message', text: { ja: '始めます', en: 'Starting' }, next: 'fever' },
    fever: { type: 'question', kind: 'yes_no', text: { ja: '熱は？', en: 'Fever?' }, next: 'route' },
    route: {
      type: 'branch',
      cases: [
        { when: { all: [{ question: 'fever', op: 'eq', value: true }, { not: { subject: 'age', op: 'lt', value: 65 } }] }, next: 'old' },
        { when: { any: [{ question: 'fever', op: 'eq', value: true }, { subject: 'riskFactors', op: 'includes', value: 'pregnancy' }] }, next: 'young' },
      ],
      default: 'bye',
    },
    old: { type: 'message', text: { ja: '高齢・発熱', en: 'Older, fever' }, next: 'bye' },
    young: { type: 'message', text: { ja: '発熱または妊娠', en: 'Fever or pregnant' }, next: 'bye' },
    bye: { type: 'end', text: { ja: 'さようなら', en: 'Bye', 'ja-easy': 'ばいばい' } },
  },
  rules: [],
};

describe('message, branch and end nodes', () => {
  const v = version(FLOW);
  it('start sends the opening messages, then the first question', () => {
    const { effects, state } = start(v, ctx());
    expect(effects.map((e) => (e.type === 'send' ? `${e.message.kind}:${e.message.text}` : e.type))).toEqual(['info:こんにちは', 'info:始めます', 'question:熱は？']);
    expect(state).toMatchObject({ nodeId: 'fever', status: 'active', step: 0, attempts: 0 });
  });

  it.each([
    [{ age: 70 }, 'はい', '高齢・発熱'],
    [{ age: 30 }, 'はい', '発熱または妊娠'],
    [{ age: 30, riskFactors: ['pregnancy'] }, 'いいえ', '発熱または妊娠'],
    [{ age: 30 }, 'いいえ', null],
  ])('branch on answers and subject %j / %s', (subject, answer, said) => {
    const c = ctx('line', { subject: { riskFactors: [], hasOximeter: false, classification: 'confirmed', monitoringDay: 1, ...subject } });
    const r = run(v, [answer], c);
    const infos = r.sent.filter((m) => m.kind === 'info').map((m) => m.text);
    expect(infos.slice(2)).toEqual(said ? [said] : []);
  });

  it('end sends its closing text in the session language, then end completed', () => {
    const r = run(v, ['いいえ'], ctx('line', { lang: 'ja-easy' }));
    expect(r.sent.at(-1)).toEqual({ kind: 'closing', text: 'ばいばい' });
    expect(r.effects.at(-1)).toEqual({ type: 'end', outcome: 'completed' });
    expect(r.state).toMatchObject({ nodeId: null, status: 'completed', step: 1 });
  });

  it('advance on a completed session is refused with an error effect', () => {
    const r = run(v, ['いいえ']);
    const again = advance(v, r.state, { type: 'message', text: 'はい' }, ctx());
    expect(again.effects).toEqual([{ type: 'error', code: 'session_completed', message: expect.any(String) }]);
    expect(again.state).toBe(r.state);
  });
});

describe('branch conditions run through the engine: every comparison', () => {
  const flow = (when: Condition) =>
    version({
      spec: 2, key: 'ops', name: { ja: '条件', en: 'Ops' }, start: 'n', rules: [],
      nodes: {
        n: { type: 'question', kind: 'number', unit: '点', min: 0, max: 100, text: { ja: '数は？', en: 'Number?' }, next: 'b' },
        b: { type: 'branch', cases: [{ when, next: 'hit' }], default: 'miss' },
        hit: { type: 'message', text: { ja: 'HIT', en: 'HIT' }, next: 'end' },
        miss: { type: 'message', text: { ja: 'MISS', en: 'MISS' }, next: 'end' },
        end: { type: 'end' },
      },
    } as FlowDefinition);
  const unreadable = ['x', 'y', 'z'];
  const path = (when: Condition, inputs: string[], c = ctx()) => run(flow(when), inputs, c).sent.find((m) => m.text === 'HIT' || m.text === 'MISS')?.text;

  it.each([
    [{ question: 'n', op: 'in', value: [3, 5] }, ['5'], ['4']],
    [{ question: 'n', op: 'ne', value: 5 }, ['4'], ['5']],
    [{ question: 'n', op: 'lte', value: 5 }, ['5'], ['6']],
    [{ question: 'n', op: 'lt', value: 5 }, ['4'], ['5']],
    [{ question: 'n', op: 'gt', value: 5 }, ['6'], ['5']],
    [{ question: 'n', op: 'gte', value: 5 }, ['5'], ['4']],
    [{ question: 'n', op: 'eq', value: 5 }, ['５'], ['4']],
    [{ question: 'n', op: 'answered' }, ['0'], unreadable],
    [{ question: 'n', op: 'unanswered' }, unreadable, ['0']],
    [{ not: { question: 'n', op: 'gt', value: 5 } }, ['5'], ['6']],
    [{ all: [{ question: 'n', op: 'gte', value: 3 }, { question: 'n', op: 'lte', value: 5 }] }, ['4'], ['6']],
    [{ any: [{ question: 'n', op: 'lt', value: 3 }, { question: 'n', op: 'gt', value: 5 }] }, ['6'], ['4']],
  ] as [Condition, string[], string[]][])('%j: hit on %j, miss on %j', (when, hit, miss) => {
    expect(path(when, hit)).toBe('HIT');
    expect(path(when, miss)).toBe('MISS');
  });

  it('an unanswered question never satisfies a comparison (ne and not included only by their own logic)', () => {
    expect(path({ question: 'n', op: 'lte', value: 100 }, unreadable)).toBe('MISS');
    expect(path({ question: 'n', op: 'ne', value: 5 }, unreadable)).toBe('HIT'); // null is not 5
  });

  it.each([
    [{ subject: 'classification', op: 'in', value: ['confirmed', 'suspected'] }, 'confirmed', 'close_contact'],
    [{ subject: 'monitoringDay', op: 'gt', value: 4 }, 5, 4],
    [{ subject: 'riskFactors', op: 'includes', value: 'pregnancy' }, ['pregnancy'], []],
  ] as [Condition, unknown, unknown][])('subject %j', (when, yes, no) => {
    const key = (when as { subject: string }).subject;
    const c = (v: unknown) => ctx('line', { subject: { riskFactors: [], hasOximeter: true, classification: 'confirmed', monitoringDay: 1, [key]: v } });
    expect(path(when, ['1'], c(yes))).toBe('HIT');
    expect(path(when, ['1'], c(no))).toBe('MISS');
  });
});

describe('answer rules on an unanswered question (anyOf null)', () => {
  it('fire when re-asks run out, not when the question is answered', () => {
    const rule = { id: 'unread', type: 'answer', question: 'q', anyOf: [null], severity: 'amber', reason: { ja: '読めない', en: 'Unreadable' } };
    const v = oneQuestion({ kind: 'yes_no' }, [rule]);
    expect(run(v, ['えっと', 'うーん', 'さあ']).flags).toEqual([{ ruleId: 'unread', severity: 'amber', reason: { ja: '読めない', en: 'Unreadable' }, values: { q: null } }]);
    expect(run(v, ['いいえ']).flags).toEqual([]);
    // Silence on voice (re-asked once, then unanswered) fires it too.
    expect(run(v, [{ type: 'timeout' }, { type: 'timeout' }], ctx('voice')).flags.map((f) => f.ruleId)).toEqual(['unread']);
  });
});
