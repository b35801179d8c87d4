import { LANGUAGES, phrase, type Lang } from '../languages/index.js';
import type { Channel } from '../types.js';
import { issue, type FlowIssue } from './issues.js';
import type { FlowDefinition, Text } from './schema.js';

/** Every patient-facing text of a definition with its path, in node order (rule reasons are for staff: not listed). */
export function textsOf(def: FlowDefinition): { path: string; text: Text }[] {
  const out: { path: string; text: Text }[] = [{ path: 'name', text: def.name }];
  for (const [id, node] of Object.entries(def.nodes)) {
    const base = `nodes.${id}`;
    if (node.type === 'question' || node.type === 'message') out.push({ path: `${base}.text`, text: node.text });
    if (node.type === 'end' && node.text) out.push({ path: `${base}.text`, text: node.text });
    if (node.type !== 'question') continue;
    if (node.hint) out.push({ path: `${base}.hint`, text: node.hint });
    if (node.pick) out.push({ path: `${base}.pick`, text: node.pick });
    if (node.confirm?.text) out.push({ path: `${base}.confirm.text`, text: node.confirm.text });
    node.choices?.forEach((c, i) => out.push({ path: `${base}.choices[${i}].label`, text: c.label }));
  }
  def.rules.forEach((r, i) => {
    if (r.advice) out.push({ path: `rules[${i}].advice`, text: r.advice });
  });
  return out;
}

/**
 * Every user-facing text needs Japanese and English, in the base text and in each
 * per-channel wording (やさしい日本語 and the other languages are checked against the
 * people who use them: missingTranslations). Reported per field.
 */
export function translationIssues(def: FlowDefinition): FlowIssue[] {
  const out: FlowIssue[] = [];
  for (const { path, text } of textsOf(def)) if (!path.endsWith('.pick')) check(text, path, out); // pick: optional, as before
  def.rules.forEach((r, i) => {
    if (!r.reason.ja.trim() || !r.reason.en.trim()) out.push(missing(`rules[${i}].reason`));
  });
  return out;
}

/**
 * The wording a person in `lang` would get for this text (base or one channel's), from the
 * definition itself or from the phrasebook; undefined when they would fall back to another
 * language. やさしい日本語 counts Japanese as its own (it is the fallback by design).
 */
export function wordingIn(text: Text, lang: Lang, channel?: Channel): string | undefined {
  const w = channel ? text.channels?.[channel] : text;
  if (!w) return undefined;
  const own = w[lang]?.trim();
  if (own) return own;
  if (lang === 'ja-easy') return w.ja.trim() || undefined;
  return phrase(lang, w.en);
}

export interface MissingTranslation {
  path: string; // e.g. nodes.temperature.text.channels.sms
  lang: Lang;
}

/**
 * The texts a person in one of `langs` would see in another language. A channel wording is
 * checked for the channels the language can use (no voice wording for a language Twilio
 * cannot speak). Publishing refuses a version with any of these for a language in use.
 */
export function missingTranslations(def: FlowDefinition, langs: readonly Lang[]): MissingTranslation[] {
  const out: MissingTranslation[] = [];
  const wanted = [...new Set(langs)].filter((l) => l !== 'ja');
  for (const { path, text } of textsOf(def)) {
    for (const lang of wanted) {
      if (!wordingIn(text, lang)) out.push({ path, lang });
      for (const channel of Object.keys(text.channels ?? {}) as Channel[]) {
        if (channel === 'voice' && !LANGUAGES.find((l) => l.code === lang)?.voice) continue;
        if (!wordingIn(text, lang, channel)) out.push({ path: `${path}.channels.${channel}`, lang });
      }
    }
  }
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
