import { audit } from './i18n/audit';
import { core } from './i18n/core';
import { flows } from './i18n/flows';
import { imports } from './i18n/imports';
import { registers } from './i18n/registers';
import { reports } from './i18n/reports';
import { persons } from './i18n/persons';
import { staff } from './i18n/staff';
import { triage } from './i18n/triage';
import { onCall } from './i18n/on-call';
import { lifecycle } from './i18n/lifecycle';
import { clinical } from './i18n/clinical';
import { households } from './i18n/households';
import { facilities } from './i18n/facilities';

/** Console languages: Japanese first, English second. */
export const LANGS = ['ja', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export type Dictionary = Record<string, { ja: string; en: string }>;

/**
 * Every area keeps its words in its own file (src/admin/ui/i18n/<area>.ts) and adds one
 * line here. A missing key shows the key itself, so a gap is visible, never blank.
 */
const DICTIONARIES: Dictionary[] = [core, triage, persons, flows, reports, audit, staff, onCall, imports, registers, lifecycle, clinical, households, facilities];

const merged: Dictionary = Object.assign({}, ...DICTIONARIES);

/** Add an area's dictionary at start-up (for areas that prefer registering to editing this file). */
export function registerDictionary(dict: Dictionary): void {
  Object.assign(merged, dict);
}

/** t('ja', 'nav.triage') → 'トリアージ'. `{name}` placeholders are filled from vars. */
export function t(lang: Lang, key: string, vars?: Record<string, string | number>): string {
  const entry = merged[key];
  let text = entry ? entry[lang] : key;
  if (vars) for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}

/** The label of a code (an audit action, a record kind …), or the code itself when the dictionary has none. */
export function labelOr(lang: Lang, prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return key in merged ? t(lang, key) : code;
}

/** A send's error code in words (the code itself stays in data-error-code for support); unknown ones as 「その他のエラー」. */
export function contactErrorLabel(lang: Lang, code: string): string {
  const label = labelOr(lang, 'contact.error', code);
  return label === code ? t(lang, 'contact.error.other') : label;
}

export function parseLang(value: string | null | undefined): Lang | null {
  return value === 'ja' || value === 'en' ? value : null;
}
