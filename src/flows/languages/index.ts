/**
 * The one list of the languages a person can be followed in. Everything that speaks to a
 * patient (the flows, the engine's own wording, the LINE / SMS / voice / web doors, the
 * notices of the jobs) reads this list; adding a language means one entry here and one
 * phrasebook file (phrasebook/<code>.ts), and tests/flows/languages.test.ts then names
 * every text still missing in it.
 *
 * Japanese, やさしい日本語 and English are written in the texts themselves ({ ja, en,
 * 'ja-easy' }); the other languages come from the phrasebooks, keyed by the English
 * wording, so a text whose English changes is reported as untranslated rather than
 * silently keeping a translation of the old meaning.
 */
import { PHRASES } from './phrasebook/index.js';

export interface LanguageInfo {
  code: string;
  /** The name in the language itself: what the patient picks from. */
  label: string;
  /** The name in Japanese and English: what staff read. */
  ja: string;
  en: string;
  /** BCP 47 tag for `<html lang>` and `Intl`. */
  htmlLang: string;
  /** Twilio `<Say>` voice and `<Gather>` language; null where Twilio has no voice (offer SMS or web). */
  voice: { voice: string; language: string } | null;
  /** Words a patient may send to pick this language (folded: lower case, no spaces). */
  names: string[];
}

export const LANGUAGES = [
  { code: 'ja', label: '日本語', ja: '日本語', en: 'Japanese', htmlLang: 'ja', voice: { voice: 'Polly.Mizuki', language: 'ja-JP' }, names: ['日本語', 'にほんご', 'japanese', 'ja'] },
  { code: 'ja-easy', label: 'やさしい にほんご', ja: 'やさしい日本語', en: 'Easy Japanese', htmlLang: 'ja', voice: { voice: 'Polly.Mizuki', language: 'ja-JP' }, names: ['やさしい日本語', 'やさしいにほんご', 'easyjapanese', 'ja-easy', 'jaeasy'] },
  { code: 'en', label: 'English', ja: '英語', en: 'English', htmlLang: 'en', voice: { voice: 'Polly.Joanna', language: 'en-US' }, names: ['english', '英語', 'えいご', 'en'] },
  { code: 'zh-Hans', label: '简体中文', ja: '中国語（簡体字）', en: 'Chinese (Simplified)', htmlLang: 'zh-Hans', voice: { voice: 'Polly.Zhiyu', language: 'cmn-CN' }, names: ['简体中文', '中文', '汉语', '中国語', 'chinese', 'zh', 'zh-hans'] },
  { code: 'ko', label: '한국어', ja: '韓国語', en: 'Korean', htmlLang: 'ko', voice: { voice: 'Polly.Seoyeon', language: 'ko-KR' }, names: ['한국어', '조선말', '韓国語', 'korean', 'ko'] },
  { code: 'vi', label: 'Tiếng Việt', ja: 'ベトナム語', en: 'Vietnamese', htmlLang: 'vi', voice: { voice: 'Google.vi-VN-Standard-A', language: 'vi-VN' }, names: ['tiếngviệt', 'tiengviet', 'việt', 'viet', 'vietnamese', 'ベトナム語', 'vi'] },
  { code: 'pt-BR', label: 'Português (Brasil)', ja: 'ポルトガル語（ブラジル）', en: 'Portuguese (Brazil)', htmlLang: 'pt-BR', voice: { voice: 'Polly.Camila', language: 'pt-BR' }, names: ['português', 'portugues', 'portuguese', 'ポルトガル語', 'pt', 'pt-br'] },
  { code: 'es', label: 'Español', ja: 'スペイン語', en: 'Spanish', htmlLang: 'es', voice: { voice: 'Polly.Lupe', language: 'es-US' }, names: ['español', 'espanol', 'spanish', 'スペイン語', 'es'] },
  { code: 'tl', label: 'Tagalog / Filipino', ja: 'タガログ語（フィリピノ語）', en: 'Tagalog / Filipino', htmlLang: 'fil', voice: { voice: 'Google.fil-PH-Standard-A', language: 'fil-PH' }, names: ['tagalog', 'filipino', 'pilipino', 'タガログ語', 'フィリピノ語', 'tl', 'fil'] },
  { code: 'ne', label: 'नेपाली', ja: 'ネパール語', en: 'Nepali', htmlLang: 'ne', voice: null, names: ['नेपाली', 'nepali', 'ネパール語', 'ne'] },
  { code: 'id', label: 'Bahasa Indonesia', ja: 'インドネシア語', en: 'Indonesian', htmlLang: 'id', voice: { voice: 'Google.id-ID-Standard-A', language: 'id-ID' }, names: ['bahasaindonesia', 'indonesia', 'indonesian', 'インドネシア語', 'id'] },
  { code: 'th', label: 'ไทย', ja: 'タイ語', en: 'Thai', htmlLang: 'th', voice: { voice: 'Google.th-TH-Standard-A', language: 'th-TH' }, names: ['ไทย', 'ภาษาไทย', 'thai', 'タイ語', 'th'] },
] as const satisfies readonly LanguageInfo[];

export type Lang = (typeof LANGUAGES)[number]['code'];
export const LANG_CODES = LANGUAGES.map((l) => l.code) as [Lang, ...Lang[]];
/** The languages written in the texts themselves; the rest come from the phrasebooks. */
export const WRITTEN_LANGS = ['ja', 'en', 'ja-easy'] as const;
export type PhrasebookLang = Exclude<Lang, (typeof WRITTEN_LANGS)[number]>;
export const PHRASEBOOK_LANGS = LANG_CODES.filter((c): c is PhrasebookLang => !(WRITTEN_LANGS as readonly string[]).includes(c));

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANG_CODES as string[]).includes(v);
}

export function languageOf(code: Lang): LanguageInfo {
  return LANGUAGES.find((l) => l.code === code) ?? LANGUAGES[0];
}

/** The Twilio voice for a language, or null when there is none (the person is offered SMS or web). */
export function voiceFor(code: Lang): { voice: string; language: string } | null {
  return languageOf(code).voice;
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/[\s　]+/g, '');

/** 「ベトナム語」「tiếng việt」「VI」「3」 (its number in the list) → 'vi'; null when it names no language. */
export function langFromWord(raw: string): Lang | null {
  const s = fold(String(raw ?? ''));
  if (s === '') return null;
  if (/^\d{1,2}$/.test(s)) return LANGUAGES[Number(s) - 1]?.code ?? null;
  for (const l of LANGUAGES) if ((l.names as readonly string[]).some((n) => fold(n) === s) || fold(l.label) === s) return l.code;
  return null;
}

/** The phrasebook's translation of an English wording, or undefined. */
export function phrase(lang: Lang, en: string | undefined): string | undefined {
  if (en === undefined || en === '') return undefined;
  if (!Object.hasOwn(PHRASES, en)) return undefined; // user text must never reach Object.prototype
  return (PHRASES[en] as Partial<Record<Lang, string>>)[lang] || undefined;
}

/** A wording written in Japanese and English (やさしい日本語 optional), maybe with other languages. */
export type Localized = { ja: string; en: string; 'ja-easy'?: string } & Partial<Record<Lang, string>>;

/**
 * A door's own wording in a language: the text's own, then the phrasebook's translation of
 * its English, then English (never Japanese for a foreign reader), then Japanese.
 * やさしい日本語 falls back to Japanese.
 */
export function localize(t: Localized, lang: Lang): string {
  const own = t[lang];
  if (own) return own;
  if (lang === 'ja' || lang === 'ja-easy') return t.ja;
  return phrase(lang, t.en) ?? t.en ?? t.ja;
}

/** Fill {name} placeholders; unknown names are left visible. */
export function fillVars(template: string, vars: Record<string, string | number | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (all, k: string) => (vars[k] === undefined ? all : String(vars[k])));
}

/** Japanese and やさしい日本語 readers get the Japanese names of places; everyone else the English ones. */
export function isJapanese(lang: Lang): boolean {
  return lang === 'ja' || lang === 'ja-easy';
}
