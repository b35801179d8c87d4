import type { QuestionNode } from '../definition/schema.js';
import { deniesChoice, parseChoices, type ChoiceOption } from '../normalisers/choices.js';
import { toHalfWidth } from '../normalisers/half-width.js';
import { parseYesNo } from '../normalisers/yes-no.js';
import { optionsFor } from '../questions/choice-common.js';
import type { Channel, FlowContext, Input, OutMessage, SessionState } from '../types.js';
import { say, type RunEnv } from './env.js';
import { TEXTS } from './texts.js';

/**
 * Two-step questions: a symptom group (kind `group`) on every channel, and a checklist
 * (`multi` with `gate`) on the channels its gate names. Step one is 「{なし} / ある」, so a
 * normal day is one touch; only 「ある」 shows the list (step two, `state.picking`).
 * A person who names a symptom at step one (「咳があります」) has answered both steps.
 */
export const GATE_ANY = '__any';

export type GateAnswer = { ok: true; value: 'none' | 'any' | 'unknown' | string[] } | { ok: false; reason: 'empty' | 'not_understood' };
export type PickAnswer = { ok: true; value: 'none' | 'unknown' | string[] } | { ok: false; reason: 'empty' | 'not_understood' };

export function isGated(node: QuestionNode, channel: Channel): boolean {
  return node.kind === 'group' || (node.kind === 'multi' && node.gate?.channels.includes(channel) === true);
}

/**
 * On the web page a group is one step: checkboxes with 「どれもない」 last, so a normal day
 * is still one touch and the page needs no second screen.
 */
export function picksAtOnce(node: QuestionNode, channel: Channel): boolean {
  return node.kind === 'group' && channel === 'web';
}

/** At step two: after 「ある」, or from the start where the list is shown at once. */
export function isPickingStep(node: QuestionNode, env: RunEnv): boolean {
  return env.state.picking === true || picksAtOnce(node, env.ctx.channel);
}

/** The items of step two: every choice but the 「なし」 one (a group's items are its member questions). */
export function pickOptions(node: QuestionNode, ctx: FlowContext): ChoiceOption[] {
  return optionsFor(node, ctx).filter((o) => o.value !== node.exclusive);
}

/** Step one's two answers. On voice 「ある」 is key 1 and 「ない」 key 2, as for every yes/no on a call. */
export function gateChoices(node: QuestionNode, env: Pick<RunEnv, 'ctx'>): { value: string; label: string }[] {
  const none = optionsFor(node, env.ctx).find((o) => o.value === node.exclusive);
  const noneChoice = { value: node.exclusive ?? 'none', label: none?.label ?? say(env as RunEnv, TEXTS.no) };
  const anyChoice = { value: GATE_ANY, label: say(env as RunEnv, TEXTS.some) };
  return env.ctx.channel === 'voice' ? [anyChoice, noneChoice] : [noneChoice, anyChoice];
}

/** The message of whichever step the question is at; a re-ask is the hint alone except on a call. */
export function gatedMessage(env: RunEnv, id: string, node: QuestionNode, kind: 'question' | 'reask', hint = ''): OutMessage {
  const atOnce = picksAtOnce(node, env.ctx.channel);
  const picking = env.state.picking === true || atOnce;
  const listed = atOnce ? optionsFor(node, env.ctx) : pickOptions(node, env.ctx);
  const choices = picking ? listed.map(({ value, label }) => ({ value, label })) : gateChoices(node, env);
  const body = picking && !atOnce ? say(env, node.pick ?? TEXTS.pickWhich) : say(env, node.text);
  const expects = picking ? 'multi' : env.ctx.channel === 'voice' ? 'yes_no' : 'single';
  const short = kind === 'reask' && hint !== '' && env.ctx.channel !== 'voice';
  const text = short ? hint.trim() : hint ? `${hint}${body}` : body;
  return { kind, questionId: id, text, expects, choices, ...(hint ? { hint: hint.trim() } : {}) };
}

/** Step one: 「なし」, 「ある」, 「わからない」, or the items named straight away. */
export function readGate(node: QuestionNode, raw: string, input: Input, env: RunEnv): GateAnswer {
  const shown = gateChoices(node, env);
  if (input.type === 'choice') {
    const v = Array.isArray(input.value) ? input.value : [input.value];
    if (v.length === 1 && v[0] === GATE_ANY) return { ok: true, value: 'any' };
    if (v.length === 1 && v[0] === node.exclusive) return { ok: true, value: 'none' };
  }
  const text = toHalfWidth(raw).trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (/^\d$/.test(text)) {
    const picked = shown[Number(text) - 1];
    if (!picked) return { ok: false, reason: 'not_understood' };
    return { ok: true, value: picked.value === GATE_ANY ? 'any' : 'none' };
  }
  const options = pickOptions(node, env.ctx);
  const named = /\d/.test(text) ? null : itemsNamed(node, raw, env);
  if (named) return { ok: true, value: named };
  if (namesNone(node, raw, env)) return { ok: true, value: 'none' };
  const yn = parseYesNo(raw, true);
  if (yn === 'no' && !deniesChoice(raw, options)) return { ok: true, value: 'none' };
  if (yn === 'yes') return { ok: true, value: 'any' };
  if (yn === 'unknown') return { ok: true, value: 'unknown' };
  return { ok: false, reason: 'not_understood' };
}

/** Step two: the items by number (as listed), label or button; 「なし」 after all; 「わからない」. */
export function readPick(node: QuestionNode, raw: string, input: Input, env: RunEnv): PickAnswer {
  if (input.type === 'choice') {
    const v = (Array.isArray(input.value) ? input.value : [input.value]).filter((x) => typeof x === 'string');
    if (v.length === 1 && v[0] === node.exclusive) return { ok: true, value: 'none' };
  }
  const options = pickOptions(node, env.ctx);
  if (/\d/.test(toHalfWidth(raw))) {
    // Numbers follow the list as shown (the 「なし」 choice is last where it is shown at all).
    // Keys pressed in a row on a call (「3」「8」「#」 → "38#") are one item each while the list has at most 9.
    const shown = picksAtOnce(node, env.ctx.channel) ? optionsFor(node, env.ctx) : options;
    const keys = input.type === 'digits' && shown.length <= 9 ? raw.replace(/[#*]/g, '').split('').join(' ') : raw;
    const byNumber = parseChoices(keys, shown, true);
    if (!byNumber) return { ok: false, reason: 'not_understood' };
    const items = byNumber.filter((v) => v !== node.exclusive);
    return { ok: true, value: items.length > 0 ? items : 'none' };
  }
  const named = itemsNamed(node, raw, env);
  if (named) return { ok: true, value: named };
  if (namesNone(node, raw, env)) return { ok: true, value: 'none' };
  const yn = parseYesNo(raw, true);
  if (yn === 'no' && !deniesChoice(raw, options)) return { ok: true, value: 'none' };
  if (yn === 'unknown') return { ok: true, value: 'unknown' };
  return { ok: false, reason: raw.trim() === '' ? 'empty' : 'not_understood' };
}

/**
 * Items named in words (「咳と下痢」), read against every choice including 「なし」 so that a
 * word close to both ("no" and "runny nose") is not taken for a symptom. Null: no item.
 */
function itemsNamed(node: QuestionNode, raw: string, env: RunEnv): string[] | null {
  const named = parseChoices(raw, optionsFor(node, env.ctx), true)?.filter((v) => v !== node.exclusive);
  return named && named.length > 0 ? named : null;
}

/** The 「なし」 choice by its words (「どれもない」「特になし」); numbers are read against the list shown, not here. */
function namesNone(node: QuestionNode, raw: string, env: RunEnv): boolean {
  const none = optionsFor(node, env.ctx).find((o) => o.value === node.exclusive);
  return !!none && !/\d/.test(toHalfWidth(raw)) && parseChoices(raw, [none], false) !== null;
}

/** Whether the waiting question is at step two (for hosts that show the current prompt). */
export function isPicking(state: SessionState): boolean {
  return state.picking === true;
}
