import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  advance, defaultFlows, parseFlowDefinition, simulationContext, start,
  type Channel, type Effect, type FlowContext, type FlowDefinition, type FlowVersion, type Input, type RiskFlag, type SessionState,
} from '../../src/flows/index.js';

export const patientV1: FlowVersion = { flowKey: 'patient-daily', version: 1, definition: defaultFlows.patientDaily };
export const contactV1: FlowVersion = { flowKey: 'contact-daily', version: 1, definition: defaultFlows.contactDaily };

/**
 * The default flows as they were before the symptom group (spec 2, every symptom asked
 * alone): the version 1 that running deployments keep until they publish another, so the
 * engine must keep answering them exactly as before. Read through parseFlowDefinition,
 * i.e. migrated as a stored definition is.
 */
export const patientOneByOne: FlowVersion = storedVersion('patient-daily-one-by-one.json');
export const contactOneByOne: FlowVersion = storedVersion('contact-daily-one-by-one.json');

function storedVersion(file: string): FlowVersion {
  const parsed = parseFlowDefinition(JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8')));
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  return { flowKey: parsed.definition.key, version: 1, definition: parsed.definition };
}

export function ctx(channel: Channel = 'line', over: Partial<FlowContext> = {}): FlowContext {
  return simulationContext(channel, over);
}

export function version(definition: FlowDefinition, v = 1): FlowVersion {
  return { flowKey: definition.key, version: v, definition };
}

/** A one-question flow around the given question node, for node-kind tests. */
export function oneQuestion(question: Record<string, unknown>, rules: unknown[] = []): FlowVersion {
  const def = {
    spec: 2,
    key: 'test',
    name: { ja: 'テスト', en: 'Test' },
    start: 'q',
    nodes: {
      q: { type: 'question', next: 'end', text: { ja: '質問', en: 'Question' }, ...question },
      end: { type: 'end' },
    },
    rules,
  } as unknown as FlowDefinition;
  return version(def);
}

/** Runs start then each input, collecting every effect and the last state. */
export function run(v: FlowVersion, inputs: (Input | string)[], c: FlowContext = ctx()) {
  const first = start(v, c);
  let state: SessionState = first.state;
  const effects: Effect[] = [...first.effects];
  for (const i of inputs) {
    if (state.status !== 'active') break;
    const input: Input = typeof i === 'string' ? { type: 'message', text: i } : i;
    const step = advance(v, state, input, c);
    effects.push(...step.effects);
    state = step.state;
  }
  return {
    state,
    effects,
    sent: effects.flatMap((e) => (e.type === 'send' ? [e.message] : [])),
    observations: effects.flatMap((e) => (e.type === 'record_observation' ? [e.observation] : [])),
    flags: effects.flatMap((e) => (e.type === 'raise_alert' ? [e.flag] : [])),
  };
}

export const flagIds = (flags: RiskFlag[]) => flags.map((f) => `${f.severity}:${f.ruleId}`).sort();

/**
 * Answers for the one-by-one patient flow (patientOneByOne) with everything normal, overridable by question id. The
 * second SpO2 reading is only asked after 94–95: it is sent then (97 unless `spo2_again` says).
 */
export function patientAnswers(over: Record<string, string> = {}): string[] {
  const again = over.spo2_again ?? (['94', '95'].includes(over.spo2 ?? '') ? '97' : undefined);
  const base: [string, string][] = [
    ['temperature', '36.6'], ['spo2', '98'], ...(again ? [['spo2_again', again] as [string, string]] : []),
    ['pulse', '72'], ['face', 'いいえ'], ['cough', 'いいえ'],
    ['sore_throat', 'いいえ'], ['breathless', 'いいえ'], ['fatigue', 'いいえ'], ['nausea', 'いいえ'],
    ['diarrhea', 'いいえ'], ['taste_smell', 'いいえ'], ['consciousness', 'いいえ'], ['cannot_eat', 'いいえ'],
    ['no_urine', 'いいえ'], ['urgent', 'なし'], ['comment', 'なし'],
  ];
  return base.map(([k, v]) => over[k] ?? v);
}
