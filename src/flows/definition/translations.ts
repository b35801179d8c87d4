import { issue, type FlowIssue } from './issues.js';
import type { FlowDefinition, Text } from './schema.js';

/**
 * Every user-facing text needs Japanese and English, in the base text and in each
 * per-channel wording (やさしい日本語 stays optional). Reported per field.
 */
export function translationIssues(def: FlowDefinition): FlowIssue[] {
  const out: FlowIssue[] = [];
  check(def.name, 'name', out);
  for (const [id, node] of Object.entries(def.nodes)) {
    const base = `nodes.${id}`;
    if (node.type === 'question' || node.type === 'message') check(node.text, `${base}.text`, out);
    if (node.type === 'end' && node.text) check(node.text, `${base}.text`, out);
    if (node.type !== 'question') continue;
    if (node.hint) check(node.hint, `${base}.hint`, out);
    if (node.confirm?.text) check(node.confirm.text, `${base}.confirm.text`, out);
    node.choices?.forEach((c, i) => check(c.label, `${base}.choices[${i}].label`, out));
  }
  def.rules.forEach((r, i) => {
    if (!r.reason.ja.trim() || !r.reason.en.trim()) out.push(missing(`rules[${i}].reason`));
    if (r.advice) check(r.advice, `rules[${i}].advice`, out);
  });
  return out;
}

function check(t: Text, path: string, out: FlowIssue[]): void {
  if (!t.ja.trim()) out.push(missing(`${path}.ja`));
  if (!t.en?.trim()) out.push(missing(`${path}.en`));
  for (const [channel, w] of Object.entries(t.channels ?? {})) {
    if (!w) continue;
    if (!w.ja.trim()) out.push(missing(`${path}.channels.${channel}.ja`));
    if (!w.en?.trim()) out.push(missing(`${path}.channels.${channel}.en`));
  }
}

const missing = (path: string) => issue(path, 'missing_translation', `${path} の翻訳がありません`, `Missing translation at ${path}`);
