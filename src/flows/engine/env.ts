import type { FlowDefinition, Text } from '../definition/schema.js';
import { fill, pickText } from '../text.js';
import type { Effect, FlowContext, OutMessage, SessionState } from '../types.js';

/** What one start/advance works on: a private copy of the state and the effects so far. */
export interface RunEnv {
  def: FlowDefinition;
  ctx: FlowContext;
  state: SessionState;
  effects: Effect[];
}

/** An answer it cannot understand is re-asked at most this many times, then recorded as unanswered. */
export const MAX_REASKS = 2;
/** On voice a silent caller is re-asked once only: a long silent call helps nobody. */
export const MAX_VOICE_TIMEOUTS = 1;

/** Speech transcribed below this confidence (Twilio's 0–1 score) is read back before a number is recorded. */
export const LOW_SPEECH_CONFIDENCE = 0.5;

export function say(env: RunEnv, text: Text | undefined, vars: Record<string, string | number | undefined> = {}): string {
  return fill(pickText(text, env.ctx.lang, env.ctx.channel), vars);
}

export function send(env: RunEnv, message: OutMessage): void {
  env.effects.push({ type: 'send', message });
}

export function cloneState(s: SessionState): SessionState {
  return {
    ...s,
    answers: { ...s.answers },
    ...(s.raised ? { raised: [...s.raised] } : {}),
    ...(s.pendingConfirmation ? { pendingConfirmation: { ...s.pendingConfirmation } } : {}),
  };
}
