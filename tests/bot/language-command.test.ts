import { describe, expect, it } from 'vitest';
import { languageChosenText, languageListText, parseLanguageCommand } from '../../src/bot/language-command';
import { countSmsSegments } from '../../src/bot/sms/segments';

describe('the language command (LINE and SMS)', () => {
  it('lists the languages for the word alone, in any of the languages', () => {
    for (const w of ['言語', 'LANGUAGE', 'language.', '语言', '언어', 'Ngôn ngữ', 'idioma', 'WIKA', 'भाषा', 'bahasa', 'ภาษา']) {
      expect(parseLanguageCommand(w), w).toEqual({ kind: 'list' });
    }
  });

  it('sets a language by number, code or name', () => {
    expect(parseLanguageCommand('言語 6')).toEqual({ kind: 'set', lang: 'vi' });
    expect(parseLanguageCommand('言語６')).toEqual({ kind: 'set', lang: 'vi' });
    expect(parseLanguageCommand('LANGUAGE 7')).toEqual({ kind: 'set', lang: 'pt-BR' });
    expect(parseLanguageCommand('idioma português')).toEqual({ kind: 'set', lang: 'pt-BR' });
    expect(parseLanguageCommand('ngôn ngữ tiếng việt')).toEqual({ kind: 'set', lang: 'vi' });
    expect(parseLanguageCommand('bahasa indonesia')).toEqual({ kind: 'set', lang: 'id' });
    expect(parseLanguageCommand('LANGUAGE 99')).toEqual({ kind: 'list' });
  });

  it('leaves answers alone', () => {
    for (const w of ['37,8', 'có', 'langsung sembuh', '言語障害はありません', 'sim']) expect(parseLanguageCommand(w), w).toBeNull();
  });

  it('lists every language by its own name in three SMS segments at most, and confirms in the new one', () => {
    const list = languageListText('en');
    for (const name of ['日本語', 'Tiếng Việt', 'नेपाली', 'ไทย', 'Português (Brasil)']) expect(list).toContain(name);
    expect(countSmsSegments(list).segments).toBeLessThanOrEqual(3);
    expect(languageChosenText('vi')).toContain('Tiếng Việt');
    expect(languageChosenText('ja')).toBe('言語を日本語にしました。');
  });
});
