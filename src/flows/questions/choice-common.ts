import { issue, type FlowIssue } from '../definition/issues.js';
import type { QuestionNode } from '../definition/schema.js';
import type { ChoiceOption } from '../normalisers/choices.js';
import { LANG_CODES, phrase } from '../languages/index.js';
import { pickText } from '../text.js';
import type { FlowContext } from '../types.js';
import { visibleOn } from './kind.js';

// Built once per question, language and channel: a loaded definition is immutable, and the
// normalisers cache their own work (spot-choices keys) on the array's identity.
const built = new WeakMap<QuestionNode, Map<string, ChoiceOption[]>>();

/**
 * The choices a person sees on this channel, in order, with every other language's label
 * (stored or from the phrasebook) and the value as aliases so 「咳」, "cough" and a postback value all match.
 */
export function optionsFor(node: QuestionNode, ctx: FlowContext): ChoiceOption[] {
  let byView = built.get(node);
  if (!byView) built.set(node, (byView = new Map()));
  const view = `${ctx.lang}|${ctx.channel}`;
  const hit = byView.get(view);
  if (hit) return hit;
  const options = (node.choices ?? [])
    .filter((c) => visibleOn(c.channels, ctx.channel))
    .map((c) => ({
      value: c.value,
      label: pickText(c.label, ctx.lang, ctx.channel),
      aliases: [...LANG_CODES.map((l) => (l === 'ja' ? c.label.ja : (c.label[l] ?? (l === 'ja-easy' || l === 'en' ? '' : (phrase(l, c.label.en) ?? ''))))), ...(c.aliases ?? [])].filter((a) => a !== ''),
    }));
  byView.set(view, options);
  return options;
}

/** Multi questions asked as one yes/no on some channels (a 14-item checklist cannot be keyed in on a phone call). */
export function isCollapsed(node: QuestionNode, ctx: FlowContext): boolean {
  return node.kind === 'multi' && node.collapse !== undefined && node.collapse.channels.includes(ctx.channel);
}

export function validateChoices(node: QuestionNode, path: string): FlowIssue[] {
  const out: FlowIssue[] = [];
  const choices = node.choices ?? [];
  if (choices.length < 2) out.push(issue(`${path}.choices`, 'too_few_choices', '選択肢は2つ以上必要です', 'At least two choices are needed'));
  const seen = new Set<string>();
  choices.forEach((c, i) => {
    if (seen.has(c.value)) out.push(issue(`${path}.choices[${i}].value`, 'duplicate_choice', `選択肢 ${c.value} が重複しています`, `Choice ${c.value} is duplicated`));
    seen.add(c.value);
  });
  const known = (v: string | undefined, field: string) => {
    if (v !== undefined && !seen.has(v)) out.push(issue(`${path}.${field}`, 'unknown_choice', `選択肢 ${v} がありません`, `No choice ${v}`));
  };
  known(node.exclusive, 'exclusive');
  known(node.collapse?.yes, 'collapse.yes');
  known(node.collapse?.no, 'collapse.no');
  return out;
}
