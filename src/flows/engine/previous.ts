import type { QuestionNode } from '../definition/schema.js';
import { formatNumber } from '../normalisers/number.js';
import { localDateOf } from '../rules/dates.js';
import { fill, pickText } from '../text.js';
import type { FlowContext, Input } from '../types.js';
import { TEXTS } from './texts.js';

/**
 * A measurement's earlier readings (definition `previous`). The hint only says what the
 * last reading was, after the question and as 「参考」, so it informs without suggesting
 * an answer; the 「前回と同じ」 button is offered only for a reading that has been stable
 * — the last `same.days` reports all within `same.within` of each other — on a question
 * where the flow's owner (a centre's nurses) allowed it. Pure.
 */
export const SAME_AS_BEFORE = 'same';

/** The latest earlier reading of this question (earlier rounds of today included), or null. */
export function lastReading(id: string, ctx: FlowContext): { value: number; localDate: string } | null {
  const today = localDateOf(ctx);
  for (const day of [...ctx.history].reverse()) {
    const v = day.values[id];
    if (typeof v === 'number' && day.localDate <= today) return { value: v, localDate: day.localDate };
  }
  return null;
}

/** 「（参考: 昨日は36.8℃でした）」, or '' when the question asks for none or there is no earlier reading. */
export function previousHint(node: QuestionNode, id: string, ctx: FlowContext): string {
  if (node.kind !== 'number' || !node.previous?.hint) return '';
  const last = lastReading(id, ctx);
  if (!last) return '';
  const yesterday = isYesterday(last.localDate, localDateOf(ctx));
  const text = yesterday ? TEXTS.previousYesterday : TEXTS.previousEarlier;
  return fill(pickText(text, ctx.lang, ctx.channel), { value: formatNumber(last.value, node.precision), unit: node.unit ?? '' });
}

/** The value 「前回と同じ」 stands for, when the button may be offered now (LINE and web: a button, never a typed number). */
export function sameAsBefore(node: QuestionNode, id: string, ctx: FlowContext): number | null {
  const rule = node.kind === 'number' ? node.previous?.same : undefined;
  if (!rule || (ctx.channel !== 'line' && ctx.channel !== 'web')) return null;
  const today = localDateOf(ctx);
  const readings = ctx.history.filter((d) => d.localDate <= today && typeof d.values[id] === 'number').map((d) => d.values[id] as number);
  const recent = readings.slice(-rule.days);
  if (recent.length < rule.days) return null;
  if (Math.max(...recent) - Math.min(...recent) > rule.within + 1e-9) return null;
  return recent.at(-1)!;
}

function isYesterday(date: string, today: string): boolean {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10) === date;
}

const SAME_WORDS = /^(前回|昨日|きのう|まえ|前)と(同じ|おなじ)(です)?[。.！!]*$/;

/** The button, or its words typed, while the button is offered: the reading it stands for. */
export function readSameAsBefore(node: QuestionNode, id: string, input: Input, raw: string | null, ctx: FlowContext): number | null {
  const pressed = input.type === 'choice' && input.questionId === id && input.value === SAME_AS_BEFORE;
  if (!pressed && !(raw !== null && SAME_WORDS.test(raw.trim()))) return null;
  return sameAsBefore(node, id, ctx);
}
