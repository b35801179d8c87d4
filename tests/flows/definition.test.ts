import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defaultFlows, FLOW_SPEC_VERSION, flowDefinitionJsonSchema, flowDefinitionSchema, parseFlowDefinition, validateFlowDefinition,
  type FlowDefinition,
  pickText,
} from '../../src/flows/index.js';
import { WEB_TEXTS } from '../../src/bot/web/texts';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function base(): FlowDefinition {
  return {
    spec: FLOW_SPEC_VERSION,
    key: 'k',
    name: { ja: '名前', en: 'Name' },
    start: 'temp',
    nodes: {
      temp: { type: 'question', kind: 'number', unit: '℃', min: 34, max: 42, precision: 0.1, text: { ja: '体温は？', en: 'Temperature?' }, next: 'cough' },
      cough: { type: 'question', kind: 'yes_no', allowUnknown: true, text: { ja: '咳は？', en: 'Cough?' }, next: 'done' },
      done: { type: 'end' },
    },
    rules: [{ id: 'fever', type: 'threshold', question: 'temp', gte: 38, severity: 'amber', reason: { ja: '発熱', en: 'Fever' } }],
  };
}
const codes = (def: FlowDefinition) => validateFlowDefinition(def).map((i) => `${i.code}@${i.path}`);

describe('validateFlowDefinition', () => {
  it('the default flows and the base are valid', () => {
    expect(validateFlowDefinition(defaultFlows.patientDaily)).toEqual([]);
    expect(validateFlowDefinition(defaultFlows.contactDaily)).toEqual([]);
    expect(validateFlowDefinition(defaultFlows.childDaily)).toEqual([]);
    expect(validateFlowDefinition(defaultFlows.facilityDaily)).toEqual([]);
    expect(validateFlowDefinition(base())).toEqual([]);
  });

  it('unknown next node, pointing at the field', () => {
    const d = base();
    (d.nodes.temp as { next: string }).next = 'nowhere';
    expect(codes(d)).toContain('unknown_node@nodes.temp.next');
    const issue = validateFlowDefinition(d).find((i) => i.path === 'nodes.temp.next')!;
    expect(issue.message.ja).toContain('nowhere');
    expect(issue.message.en).toContain('nowhere');
  });

  it('unknown start node and branch targets', () => {
    const d = base();
    d.start = 'x';
    d.nodes.b = { type: 'branch', cases: [{ when: { question: 'temp', op: 'gte', value: 38 }, next: 'y' }], default: 'done' };
    expect(codes(d)).toEqual(expect.arrayContaining(['unknown_node@start', 'unknown_node@nodes.b.cases[0].next']));
  });

  it('a branch condition naming an unknown question', () => {
    const d = base();
    d.nodes.b = { type: 'branch', cases: [{ when: { any: [{ question: 'temp', op: 'gte', value: 38 }, { not: { question: 'ghost', op: 'answered' } }] }, next: 'done' }], default: 'done' };
    (d.nodes.cough as { next: string }).next = 'b';
    expect(codes(d)).toEqual(['unknown_question@nodes.b.cases[0].when']);
  });

  it('node ids must start with a letter (no __proto__ tricks)', () => {
    const d = clone(base()) as unknown as Record<string, unknown>;
    (d.nodes as Record<string, unknown>)['1bad'] = { type: 'end' };
    const r = parseFlowDefinition(d);
    expect(r).toMatchObject({ ok: false, errors: [{ path: 'nodes.1bad', code: expect.stringMatching(/^schema_/) }] });
  });

  it('unreachable node', () => {
    const d = base();
    d.nodes.orphan = { type: 'message', text: { ja: '孤立', en: 'Orphan' }, next: 'done' };
    expect(codes(d)).toEqual(['unreachable_node@nodes.orphan']);
  });

  it('a loop with no way out', () => {
    const d = base();
    (d.nodes.cough as { next: string }).next = 'temp';
    expect(codes(d)).toEqual(['no_way_out@nodes.temp', 'no_way_out@nodes.cough', 'unreachable_node@nodes.done']);
  });

  it('a loop with a way out is fine; one that never asks anything is not', () => {
    const d = base();
    d.nodes.again = { type: 'branch', cases: [{ when: { question: 'cough', op: 'unanswered' }, next: 'cough' }], default: 'done' };
    (d.nodes.cough as { next: string }).next = 'again';
    expect(codes(d)).toEqual([]);
    d.nodes.spin = { type: 'branch', cases: [{ when: { question: 'cough', op: 'eq', value: true }, next: 'spin' }], default: 'done' };
    (d.nodes.cough as { next: string }).next = 'spin';
    expect(codes(d)).toContain('loop_without_question@nodes.spin');
  });

  it('missing translations, in base texts, channel wording, choices and rule reasons', () => {
    const d = base();
    d.nodes.temp = { ...(d.nodes.temp as object), text: { ja: '体温は？', channels: { voice: { ja: '押してください' } } } } as FlowDefinition['nodes'][string];
    d.nodes.pick = { type: 'question', kind: 'single', text: { ja: '選択', en: 'Pick' }, next: 'done', choices: [{ value: 'a', label: { ja: 'あ', en: '' } }, { value: 'b', label: { ja: 'い', en: 'B' } }] };
    (d.nodes.cough as { next: string }).next = 'pick';
    d.rules[0]!.reason.en = ' ';
    expect(codes(d)).toEqual([
      'missing_translation@nodes.temp.text.en',
      'missing_translation@nodes.temp.text.channels.voice.en',
      'missing_translation@nodes.pick.choices[0].label.en',
      'missing_translation@rules[0].reason',
    ]);
  });

  it('an SMS wording over two segments, in any language, at its field (choices too); the default flows fit', () => {
    const d = base();
    const long = '体温を測って、数字だけを送ってください。'.repeat(7); // 140 UTF-16 units: 3 segments
    d.nodes.temp = { ...(d.nodes.temp as object), text: { ja: '体温は？', en: 'Temperature?', channels: { sms: { ja: long.slice(0, 134), en: 'x'.repeat(307), vi: 'Nhiệt độ '.repeat(15) } } } } as FlowDefinition['nodes'][string];
    d.nodes.pick = { type: 'question', kind: 'single', text: { ja: '選択', en: 'Pick' }, next: 'done', choices: [{ value: 'a', label: { ja: 'あ', en: 'A', channels: { sms: { ja: long, en: 'A' } } } }] };
    (d.nodes.cough as { next: string }).next = 'pick';
    const issues = validateFlowDefinition(d).filter((i) => i.code === 'sms_too_long');
    // 134 Japanese characters fit (two parts of 67); 307 Latin ones do not (two of 153); 135 Vietnamese ones are UCS-2.
    expect(issues.map((i) => i.path)).toEqual(['nodes.temp.text.channels.sms.en', 'nodes.temp.text.channels.sms.vi', 'nodes.pick.choices[0].label.channels.sms.ja']);
    expect(issues[2]!.message.ja).toBe('SMS用の文言が長すぎます（140文字、SMS 3通分）。日本語などでは134文字（2通）以内にしてください');
    expect(issues[0]!.message.ja).toContain('英数字のみでは306文字');
    for (const def of Object.values(defaultFlows)) expect(validateFlowDefinition(def).filter((i) => i.code === 'sms_too_long')).toEqual([]);
  });

  it('the comment question gives one instruction on each channel (issue 18): 「なし」 where it is typed or tapped, none on the web page, whose hint says to leave it empty', () => {
    for (const def of [defaultFlows.patientDaily, defaultFlows.contactDaily, defaultFlows.childDaily]) {
      const text = (def.nodes.comment as { text: Parameters<typeof pickText>[0] } | undefined)?.text;
      if (!text) continue;
      for (const lang of ['ja', 'ja-easy', 'en'] as const) {
        const web = pickText(text, lang, 'web');
        expect(web, `${def.key} web ${lang}`).not.toMatch(/なし|none/i);
      }
      expect(pickText(text, 'ja', 'sms')).toContain('「なし」');
    }
    expect(WEB_TEXTS.optionalText.ja).toBe('なければ、空欄のまま「次へ」を押してください。');
  });

  it('a rule naming an unknown question, or a question of the wrong kind', () => {
    const d = base();
    d.rules.push({ id: 'r2', type: 'answer', question: 'ghost', anyOf: [true], severity: 'red', reason: { ja: 'x', en: 'x' } });
    d.rules.push({ id: 'r3', type: 'threshold', question: 'cough', gte: 1, severity: 'amber', reason: { ja: 'x', en: 'x' } });
    d.rules.push({ id: 'r4', type: 'trend', trend: 'drop', questions: ['nope'], points: 3, severity: 'amber', reason: { ja: 'x', en: 'x' } });
    expect(codes(d)).toEqual(['unknown_question@rules[1].question', 'wrong_question_kind@rules[2].question', 'unknown_question@rules[3].questions[0]']);
  });

  it('a threshold outside the question range', () => {
    const d = base();
    d.rules.push({ id: 'typo', type: 'threshold', question: 'temp', gte: 380, severity: 'amber', reason: { ja: 'x', en: 'x' } });
    d.rules.push({ id: 'band', type: 'threshold', question: 'temp', between: [37, 50], severity: 'amber', reason: { ja: 'x', en: 'x' } });
    d.rules.push({ id: 'trend', type: 'trend', trend: 'consecutive', questions: ['temp'], gte: 3.75, severity: 'amber', reason: { ja: 'x', en: 'x' } });
    expect(codes(d)).toEqual(['threshold_out_of_range@rules[1].gte', 'threshold_out_of_range@rules[2].between[1]', 'threshold_out_of_range@rules[3].gte']);
  });

  it('a risk-factor escalation naming an unknown rule', () => {
    const d = base();
    d.escalation = { minAge: 65, riskFactors: ['age65'], rules: ['fever', 'fevr'] };
    expect(codes(d)).toEqual(['unknown_rule@escalation.rules[1]']);
    expect(validateFlowDefinition(d)[0]!.message).toEqual({ ja: '規則 fevr がありません', en: 'No rule fevr' });
  });

  it('an answer rule may name null (no readable answer) on any question kind', () => {
    const d = base();
    d.rules.push({ id: 'cough_unread', type: 'answer', question: 'cough', anyOf: ['unknown', null], severity: 'amber', reason: { ja: 'x', en: 'x' } });
    d.rules.push({ id: 'temp_unread', type: 'answer', question: 'temp', anyOf: [null], severity: 'amber', reason: { ja: 'x', en: 'x' } });
    expect(codes(d)).toEqual([]);
  });

  it('impossible answers, unknown choices, duplicate rule ids, bad ranges', () => {
    const d = base();
    d.rules.push({ id: 'fever', type: 'answer', question: 'cough', anyOf: ['maybe'], severity: 'amber', reason: { ja: 'x', en: 'x' } });
    (d.nodes.temp as { min?: number }).min = 50;
    expect(codes(d)).toEqual(
      expect.arrayContaining(['bad_range@nodes.temp.max', 'duplicate_rule@rules[1].id', 'impossible_answer@rules[1].anyOf[0]']),
    );
    const u = clone(defaultFlows.patientDaily);
    const urgent = u.rules.find((r) => r.type === 'urgent')!;
    (urgent as { except: string[] }).except = ['nothing'];
    expect(codes(u)).toEqual([`unknown_choice@rules[${u.rules.indexOf(urgent)}].except[0]`]);
  });
});

describe('parseFlowDefinition: migrate, refuse, shape, graph', () => {
  it('accepts a current definition as JSON', () => {
    const r = parseFlowDefinition(clone(defaultFlows.patientDaily));
    expect(r.ok).toBe(true);
  });

  it('migrates spec 1 (nodes as a list) forward without hand edits', () => {
    const v1 = {
      spec: 1,
      key: 'old',
      name: { ja: '旧', en: 'Old' },
      rules: [],
      nodes: [
        { id: 'q', type: 'question', kind: 'yes_no', text: { ja: '熱は？', en: 'Fever?' }, next: 'e' },
        { id: 'e', type: 'end' },
      ],
    };
    const r = parseFlowDefinition(v1);
    expect(r).toEqual({ ok: true, definition: { ...v1, spec: 3, start: 'q', nodes: { q: { type: 'question', kind: 'yes_no', text: { ja: '熱は？', en: 'Fever?' }, next: 'e' }, e: { type: 'end' } } } });
  });

  it('refuses a definition newer than the engine, or without a spec', () => {
    const r = parseFlowDefinition({ ...clone(defaultFlows.contactDaily), spec: FLOW_SPEC_VERSION + 1 });
    expect(r).toMatchObject({ ok: false, errors: [{ path: 'spec', code: 'spec_too_new' }] });
    expect(parseFlowDefinition({ key: 'x' })).toMatchObject({ ok: false, errors: [{ code: 'missing_spec' }] });
    expect(parseFlowDefinition(null)).toMatchObject({ ok: false });
  });

  it('shape errors carry the zod path', () => {
    const d = clone(defaultFlows.contactDaily) as unknown as { nodes: Record<string, Record<string, unknown>> };
    d.nodes.temperature!.kind = 'slider';
    const r = parseFlowDefinition(d);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.path).toBe('nodes.temperature.kind');
  });

  it('graph errors come back too', () => {
    const d = clone(defaultFlows.contactDaily);
    (d.nodes.cough as { next: string }).next = 'gone';
    const r = parseFlowDefinition(d);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'nodes.cough.next', code: 'unknown_node' })]));
  });
});

describe('schemas', () => {
  it('zod schema parses the default flows unchanged', () => {
    expect(flowDefinitionSchema.parse(clone(defaultFlows.patientDaily))).toEqual(defaultFlows.patientDaily);
  });

  it('exports a JSON Schema for the console editor', () => {
    const s = flowDefinitionJsonSchema() as { type: string; required: string[]; properties: Record<string, unknown> };
    expect(s.type).toBe('object');
    expect(s.required).toEqual(expect.arrayContaining(['spec', 'key', 'name', 'start', 'nodes', 'rules']));
    expect(JSON.stringify(s)).toContain('"urgent"');
  });
});

/**
 * The JSON Schema is what the console's editor checks against, so it is tested as a
 * validator in its own right: read back into a checker (zod's JSON Schema reader, not the
 * zod schema it came from), it must accept every node kind and reject what is malformed.
 */
describe('the exported JSON Schema, used as a validator', () => {
  const schema = flowDefinitionJsonSchema();
  const check = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  const accepts = (doc: unknown) => check.safeParse(doc).success;
  // The golden node-kinds flow (scale, single, multi, text, message, branch, end) with number and yes/no put in front.
  const nodeKinds = JSON.parse(readFileSync(join(import.meta.dirname, 'testdata', 'node-kinds.json'), 'utf8'))[0].flow;
  nodeKinds.nodes.num = { ...base().nodes.temp, next: 'yn' };
  nodeKinds.nodes.yn = { ...base().nodes.cough, next: nodeKinds.start };
  nodeKinds.start = 'num';

  it('describes every node type, question kind, rule type and condition operator', () => {
    const text = JSON.stringify(schema);
    for (const t of ['question', 'message', 'branch', 'end']) expect(text, t).toContain(`"const":"${t}"`);
    for (const k of ['number', 'yes_no', 'single', 'multi', 'scale', 'text']) expect(text, k).toContain(`"${k}"`);
    for (const r of ['threshold', 'answer', 'urgent', 'trend']) expect(text, r).toContain(`"const":"${r}"`);
    for (const op of ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'includes', 'answered', 'unanswered']) expect(text, op).toContain(`"${op}"`);
  });

  it('accepts the default flows and a flow with every node kind (question kinds, message, branch, end)', () => {
    expect(accepts(clone(defaultFlows.patientDaily))).toBe(true);
    expect(accepts(clone(defaultFlows.contactDaily))).toBe(true);
    const kinds = Object.values(nodeKinds.nodes as Record<string, { type: string; kind?: string }>).map((n) => n.kind ?? n.type);
    expect(new Set(kinds)).toEqual(new Set(['message', 'number', 'yes_no', 'single', 'multi', 'scale', 'text', 'branch', 'end']));
    expect(accepts(nodeKinds)).toBe(true);
    expect(parseFlowDefinition(nodeKinds).ok).toBe(true);
  });

  const broken: [string, (d: Record<string, any>) => void][] = [
    ['an unknown node type', (d) => (d.nodes.temperature.type = 'slider')],
    ['an unknown question kind', (d) => (d.nodes.temperature.kind = 'slider')],
    ['a question without text', (d) => delete d.nodes.temperature.text],
    ['a text without Japanese', (d) => (d.nodes.temperature.text = { en: 'Temperature?' })],
    ['a branch without default', (d) => delete d.nodes.oximeter.default],
    ['a condition with an unknown operator', (d) => (d.nodes.oximeter.cases[0].when = { all: [{ question: 'spo2', op: 'about', value: 1 }] })],
    ['a rule of unknown type', (d) => (d.rules[0].type = 'magic')],
    ['a rule with an unknown severity', (d) => (d.rules[0].severity = 'purple')],
    ['a threshold that is a string', (d) => (d.rules[0].lte = '93')],
    ['a spec that is not an integer', (d) => (d.spec = 'two')],
    ['no rules list', (d) => delete d.rules],
    ['a message node without next', (d) => delete d.nodes.intro.next],
  ];
  it.each(broken)('rejects %s', (_, breakIt) => {
    const d = clone(defaultFlows.patientDaily) as unknown as Record<string, any>;
    breakIt(d);
    expect(accepts(d)).toBe(false);
    expect(parseFlowDefinition(d).ok).toBe(false); // and the engine's own reader agrees
  });
});
