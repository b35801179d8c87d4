import { LANGUAGES, langFromWord, localize, type Lang } from '../flows';

/**
 * The patient's own language choice on LINE and SMS: 「言語」 / LANGUAGE (or the word in any
 * of the languages: 语言, 언어, ngôn ngữ, idioma, wika, भाषा, bahasa, ภาษา) lists the choices;
 * the word followed by a choice (「言語 6」, "LANGUAGE vi", "idioma português") sets it.
 * Matched on the whole message only, so an answer that mentions a language is still an answer.
 */
export type LanguageCommand = { kind: 'list' } | { kind: 'set'; lang: Lang };

const WORDS = ['言語', 'げんご', 'ことば', 'language', 'languages', 'lang', '语言', '語言', '언어', 'ngônngữ', 'ngonngu', 'idioma', 'língua', 'lingua', 'wika', 'भाषा', 'bahasa', 'ภาษา'];
const fold = (s: string) => s.normalize('NFKC').toLowerCase().trim();
const squash = (s: string) => fold(s).replace(/[\s　。.!！]+/g, '');

export function parseLanguageCommand(text: string): LanguageCommand | null {
  const s = fold(String(text ?? '')).replace(/[。.!！]+$/, '');
  if (WORDS.includes(squash(s))) return { kind: 'list' };
  const glued = s.replace(/\s+/g, ' ');
  for (const w of [...WORDS, 'ngôn ngữ', 'ngon ngu']) {
    if (!glued.startsWith(w)) continue;
    const after = glued.slice(w.length);
    // 「言語 6」「言語6」「LANGUAGE vi」 — but not a longer word that merely begins the same ("langsung").
    if (!/^(\s|\d)/.test(after)) continue;
    const lang = langFromWord(after.trim());
    return lang ? { kind: 'set', lang } : { kind: 'list' };
  }
  return null;
}

/** The numbered list (SMS) — each language by its own name. */
export function languageListText(lang: Lang): string {
  const head = localize({ ja: '言語を選ぶには「言語」と番号を送ってください（例: 言語 6）', en: 'To choose, send LANGUAGE and a number (e.g. LANGUAGE 6)' }, lang);
  return `${head}\n${LANGUAGES.map((l, i) => `${i + 1} ${l.label}`).join('\n')}`;
}

/** The confirmation, in the newly chosen language. */
export function languageChosenText(lang: Lang): string {
  const name = LANGUAGES.find((l) => l.code === lang)?.label ?? lang;
  return localize({ ja: '言語を{language}にしました。', en: 'Your language is now {language}.', 'ja-easy': 'ことばを {language} に しました。' }, lang).replace('{language}', name);
}

/** What a LINE quick-reply button sends back as text: the command with the language's number. */
export function languageButtonText(index: number): string {
  return `LANGUAGE ${index + 1}`;
}
