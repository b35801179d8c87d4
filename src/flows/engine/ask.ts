import type { Channel } from '../types.js';
import type { QuestionNode } from '../definition/schema.js';
import { formatNumber } from '../normalisers/number.js';
import { QUESTION_KIND_REGISTRY } from '../questions/registry.js';
import type { ReadResult } from '../questions/kind.js';
import type { OutMessage } from '../types.js';
import { say, type RunEnv } from './env.js';
import { gateChoices, gatedMessage, isGated, isPickingStep } from './gate.js';
import { previousHint, SAME_AS_BEFORE, sameAsBefore } from './previous.js';
import { TEXTS } from './texts.js';

/** The channel-neutral question message; `prefix` carries a re-ask hint in front of the question. */
export function questionMessage(env: RunEnv, id: string, node: QuestionNode, kind: 'question' | 'reask', prefix = ''): OutMessage {
  if (isGated(node, env.ctx.channel)) return gatedMessage(env, id, node, kind, prefix);
  const spec = QUESTION_KIND_REGISTRY[node.kind];
  const earlier = previousHint(node, id, env.ctx);
  const body = `${say(env, node.text, { min: node.min, max: node.max, unit: node.unit })}${earlier}`;
  const msg: OutMessage = { kind, questionId: id, text: prefix ? `${prefix}${body}` : body, expects: spec.expects(node, env.ctx) };
  if (prefix.trim()) msg.hint = prefix.trim();
  const choices = spec.choices(node, env.ctx);
  if (choices) msg.choices = choices;
  const same = sameAsBefore(node, id, env.ctx);
  if (same !== null) msg.choices = [{ value: SAME_AS_BEFORE, label: say(env, TEXTS.sameAsBefore, { value: formatNumber(same, node.precision), unit: node.unit ?? '' }) }];
  if (node.unit) msg.unit = node.unit;
  if (node.kind === 'number' || node.kind === 'scale') {
    msg.min = node.min ?? 0;
    msg.max = node.max ?? 10;
  }
  return msg;
}

export function ask(env: RunEnv, id: string, node: QuestionNode): void {
  env.state.nodeId = id;
  env.state.attempts = 0;
  delete env.state.pendingConfirmation;
  delete env.state.picking;
  env.effects.push({ type: 'send', message: questionMessage(env, id, node, 'question') });
}

/** Re-ask with a short hint saying what went wrong (「35〜42の数字で」, 「測り間違いかも」). */
export function reask(env: RunEnv, id: string, node: QuestionNode, failed: ReadResult, timedOut: boolean): void {
  const spec = QUESTION_KIND_REGISTRY[node.kind];
  // A two-step question at its first step names its own two answers (「『どれもない』か『ある』で」).
  const gateStep = isGated(node, env.ctx.channel) && !isPickingStep(node, env);
  const [first, second] = gateStep ? gateChoices(node, env) : [];
  const vars = {
    min: node.min ?? 0,
    max: node.max ?? 10,
    unit: node.unit ?? '',
    value: !failed.ok && failed.value !== undefined ? formatNumber(failed.value, node.precision) : '',
    none: [first, second].find((c) => c && c.value === node.exclusive)?.label ?? '',
    some: say(env, TEXTS.some),
  };
  const hintText = gateStep ? (node.hint ?? TEXTS.hintGate) : spec.hint(node, env.ctx, failed);
  const hint = timedOut ? say(env, TEXTS.hintTimeout) : say(env, hintText, vars);
  env.effects.push({ type: 'send', message: questionMessage(env, id, node, 'reask', `${hint} `) });
}

/** Reads back a borderline critical value (SpO2 ≤ 93) before it is recorded. */
export function askConfirm(env: RunEnv, id: string, node: QuestionNode, value: number): void {
  const text = say(env, node.confirm?.text ?? TEXTS.confirm, { value: formatNumber(value, node.precision), unit: node.unit ?? '' });
  env.effects.push({
    type: 'send',
    message: {
      kind: 'confirm',
      questionId: id,
      text,
      expects: 'confirm',
      choices: [
        { value: 'yes', label: say(env, TEXTS.yes) },
        { value: 'no', label: say(env, TEXTS.no) },
      ],
    },
  });
}

/** A value inside the confirm range is read back, on every channel or only on those the definition names. */
export function needsConfirm(node: QuestionNode, value: unknown, channel: Channel): value is number {
  const c = node.confirm;
  if (!c || typeof value !== 'number') return false;
  if (c.channels && !c.channels.includes(channel)) return false;
  return (c.lte !== undefined && value <= c.lte) || (c.gte !== undefined && value >= c.gte);
}
