import { advance, start, type Channel, type FlowContext, type FlowVersion, type Input, type OutMessage } from '../../src/flows/index.js';
import { hintsFor } from '../../src/bot/voice/hints.js';
import { askLines } from '../../src/bot/voice/twiml.js';
import { ctx } from './helpers.js';

/**
 * What a daily check costs the person answering it, counted by driving the engine the way
 * a patient on each channel answers: measurements typed (keyed on a call), everything else
 * by button (LINE, web), by a number or word typed (SMS) or by one key (voice).
 *
 * - prompts: questions put to the person (re-asks included);
 * - touches: buttons tapped or keys pressed to answer (a typed measurement is not a touch);
 * - typed: answers typed as text, and `chars` their characters;
 * - speech: characters the call speaks (questions with the voice adapter's keypad guides),
 *   and `seconds` at SPEECH_CHARS_PER_SECOND.
 */
export interface Burden {
  prompts: number;
  touches: number;
  typed: number;
  chars: number;
  speech: number;
  seconds: number;
}

/** Polly's Japanese voice at the slow rate the voice adapter asks for reads about 5 characters a second (measured on sample prompts: 30 characters ≈ 6 s). */
export const SPEECH_CHARS_PER_SECOND = 5;

export interface DayAnswers {
  temperature: string;
  spo2: string;
  pulse: string;
  /** Symptom question ids answered yes (everything else no). */
  symptoms: string[];
}

export const NORMAL_DAY: DayAnswers = { temperature: '36.6', spo2: '98', pulse: '72', symptoms: [] };
export const ONE_SYMPTOM_DAY: DayAnswers = { ...NORMAL_DAY, symptoms: ['cough'] };

type Answer = { input: Input; touch: boolean };

/** The answer a person gives to one message on a channel. */
function answer(msg: OutMessage, day: DayAnswers, channel: Channel): Answer {
  const q = msg.questionId ?? '';
  const typed = (text: string): Answer => (channel === 'voice' ? { input: { type: 'digits', digits: text }, touch: true } : { input: { type: 'message', text }, touch: false });
  const measured: Record<string, string> = { temperature: day.temperature, spo2: day.spo2, spo2_again: day.spo2, pulse: day.pulse };
  if (q in measured) {
    const v = measured[q]!;
    return channel === 'voice' ? { input: { type: 'digits', digits: q === 'temperature' ? v.replace('.', '') : `${v}#` }, touch: true } : typed(v);
  }
  if (msg.kind === 'confirm') return choose(msg, 'yes', channel);
  if (msg.expects === 'text') return channel === 'voice' ? typed('#') : msg.choices?.length ? choose(msg, msg.choices[0]!.value, channel) : typed('なし');
  const values = (msg.choices ?? []).map((c) => c.value);
  const wanted = values.filter((v) => day.symptoms.includes(v));
  if (msg.expects === 'multi' && q !== 'urgent') return wanted.length > 0 ? choose(msg, wanted, channel) : choose(msg, 'none', channel);
  const urgent = day.symptoms.filter((s) => s.startsWith('urgent:')).map((s) => s.slice('urgent:'.length));
  const hasAny = q === 'urgent' ? urgent.length > 0 : day.symptoms.some(inGroup);
  if (values.includes('__any')) return choose(msg, hasAny ? '__any' : values.find((v) => v !== '__any')!, channel);
  if (q === 'urgent' && msg.expects === 'multi') return choose(msg, urgent.length ? urgent : 'none', channel);
  if (q === 'urgent') return choose(msg, hasAny ? 'yes' : 'no', channel);
  return choose(msg, day.symptoms.includes(q) ? 'yes' : 'no', channel);
}

// A symptom of the group (everything but the red flags asked alone and the urgent signs).
const inGroup = (symptom: string) => !['face', 'breathless', 'consciousness'].includes(symptom) && !symptom.startsWith('urgent:');

/** A button (LINE, web), the choice's number typed (SMS) or its key (voice). */
function choose(msg: OutMessage, value: string | string[], channel: Channel): Answer {
  const values = Array.isArray(value) ? value : [value];
  const numbers = values.map((v) => (msg.choices ?? []).findIndex((c) => c.value === v) + 1);
  if (channel === 'line' || channel === 'web') {
    if (msg.choices?.length && numbers.every((n) => n > 0)) return { input: { type: 'choice', questionId: msg.questionId!, value: Array.isArray(value) && channel === 'web' ? values : values[0]! }, touch: true };
  }
  const keys = numbers.join(channel === 'voice' ? '' : ' ');
  if (channel === 'voice') return { input: { type: 'digits', digits: numbers.length > 1 ? `${keys}#` : keys }, touch: true };
  return { input: { type: 'message', text: keys }, touch: false };
}

export function measureBurden(v: FlowVersion, channel: Channel, day: DayAnswers, over: Partial<FlowContext> = {}): Burden {
  const c = ctx(channel, over);
  let step = start(v, c);
  let state = step.state;
  const out: Burden = { prompts: 0, touches: 0, typed: 0, chars: 0, speech: 0, seconds: 0 };
  let previous: OutMessage | null = null;
  // On a call: the question with the guides the voice adapter says with it (src/bot/voice/hints.ts).
  const hear = (msgs: OutMessage[]) => {
    for (const m of msgs) {
      if (m.expects) out.prompts += 1;
      if (channel !== 'voice') continue;
      const hints = m.expects ? hintsFor(m, 'ja', { opening: previous === null, again: false, previous }) : null;
      out.speech += (hints ? askLines(m, 'ja', hints) : [m.text]).join('').length;
      if (m.expects) previous = m;
    }
  };
  hear(step.effects.flatMap((e) => (e.type === 'send' ? [e.message] : [])));
  for (let i = 0; i < 80 && state.status === 'active'; i++) {
    const asked = step.effects.flatMap((e) => (e.type === 'send' && e.message.expects ? [e.message] : [])).at(-1)!;
    const a = answer(asked, day, channel);
    if (a.touch) out.touches += a.input.type === 'digits' ? a.input.digits.replace('#', '').length || 1 : 1;
    else if (a.input.type === 'message') {
      out.typed += 1;
      out.chars += a.input.text.length;
    }
    step = advance(v, state, a.input, c);
    state = step.state;
    hear(step.effects.flatMap((e) => (e.type === 'send' ? [e.message] : [])));
  }
  if (state.status !== 'completed') throw new Error(`${v.flowKey} on ${channel} did not complete`);
  out.seconds = Math.round(out.speech / SPEECH_CHARS_PER_SECOND);
  return out;
}
