import type { Channel, Effect, FlowContext, Input, ObservationRecord, RiskFlag, SessionState, Transcript } from '../types.js';
import { advance, start, type FlowVersion } from './engine.js';

/** The context the simulator uses when the caller gives none: a fixed clock, so transcripts are stable. */
export function simulationContext(channel: Channel, over: Partial<FlowContext> = {}): FlowContext {
  return {
    now: '2026-04-01T00:00:00.000Z',
    lang: 'ja',
    subject: { riskFactors: [], hasOximeter: true, classification: 'confirmed', monitoringDay: 1 },
    healthCentre: { name: '見守り保健所', phone: '03-0000-0000', isOpen: true },
    history: [],
    ...over,
    channel,
  };
}

/**
 * Plain strings become the input a person on that channel would send: on voice, keys
 * (digits, * and #) are keypad input and anything else is speech; elsewhere a typed
 * message. 「<timeout>」 is silence.
 */
export function inputFromString(s: string, channel: Channel): Input {
  if (s === '<timeout>') return { type: 'timeout' };
  if (channel === 'voice') return /^[\d*#]+$/.test(s) ? { type: 'digits', digits: s } : { type: 'speech', text: s };
  return { type: 'message', text: s };
}

/**
 * Runs a flow over a list of inputs and returns a readable transcript — the console's
 * simulator and the golden tests use it. Inputs left over after the flow ends are ignored.
 *
 * Example: simulate(v, ['36.8', 'いいえ', …], 'sms').text
 *   bot: 今日の体温は？（例: 36.8）
 *   patient: 36.8
 */
export function simulate(version: FlowVersion, inputs: Input[] | string[], channel: Channel, ctx?: Partial<FlowContext>): Transcript {
  const context = simulationContext(channel, ctx);
  const lines: Transcript['lines'] = [];
  const observations: ObservationRecord[] = [];
  const flags: RiskFlag[] = [];
  const collect = (effects: Effect[]) => {
    for (const e of effects) {
      if (e.type === 'send') lines.push({ from: 'bot', text: render(e.message.text, e.message.choices, e.message.unit) });
      else if (e.type === 'record_observation') observations.push(e.observation);
      else if (e.type === 'raise_alert') flags.push(e.flag);
      else if (e.type === 'error') lines.push({ from: 'bot', text: `[error ${e.code}] ${e.message}` });
    }
  };
  let step = start(version, context);
  collect(step.effects);
  let state: SessionState = step.state;
  for (const raw of inputs) {
    if (state.status !== 'active') break;
    const input = typeof raw === 'string' ? inputFromString(raw, channel) : raw;
    lines.push({ from: 'patient', text: describe(input) });
    step = advance(version, state, input, context);
    collect(step.effects);
    state = step.state;
  }
  const text = [
    ...lines.map((l) => `${l.from}: ${l.text}`),
    ...observations.map((o) => `= ${o.questionId}: ${JSON.stringify(o.value)}${o.status === 'unanswered' ? ' (unanswered)' : ''}`),
    ...flags.map((f) => `! ${f.severity} ${f.ruleId}: ${f.reason.ja}`),
  ].join('\n');
  return { lines, observations, flags, text, state };
}

function render(text: string, choices?: { value: string; label: string }[], unit?: string): string {
  const list = choices ? ` [${choices.map((c, i) => `${i + 1}:${c.label}`).join(' ')}]` : '';
  return `${text}${list}${unit && !choices ? ` (${unit})` : ''}`;
}

function describe(input: Input): string {
  switch (input.type) {
    case 'message':
    case 'speech':
      return input.type === 'speech' ? `(話) ${input.text}` : input.text;
    case 'digits':
      return `(押) ${input.digits}`;
    case 'choice':
      return `(選) ${Array.isArray(input.value) ? input.value.join(',') : input.value}`;
    default:
      return '(無応答)';
  }
}
