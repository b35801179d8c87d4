import { describe, expect, it } from 'vitest';
import { countSmsSegments, MAX_PROMPT_SEGMENTS } from '../../src/bot/sms/segments';
import { MAX_LABEL } from '../../src/bot/line/render';
import {
  defaultFlows, LANG_CODES, LANGUAGES, langFromWord, pickText, type FlowDefinition, type Lang,
} from '../../src/flows/index.js';
import { missingTranslations, textsOf } from '../../src/flows/definition/translations.js';
import { TEXTS } from '../../src/flows/engine/texts.js';
import { PHRASES } from '../../src/flows/languages/phrasebook/index.js';
import { persons } from '../../db/schema';

/**
 * Every default text exists in every language and fits each channel's limits. A new default
 * flow (e.g. the children's flow) is checked by adding it to FLOWS: the failure lists each
 * text and language still missing, and the phrasebook entry to add (by its English).
 */
const FLOWS: Record<string, FlowDefinition> = { ...defaultFlows };
const FOREIGN = LANG_CODES.filter((l) => l !== 'ja' && l !== 'ja-easy' && l !== 'en');

describe('the language list', () => {
  it('has the twelve languages of issue 20, each named in itself', () => {
    expect(LANG_CODES).toEqual(['ja', 'ja-easy', 'en', 'zh-Hans', 'ko', 'vi', 'pt-BR', 'es', 'tl', 'ne', 'id', 'th']);
    for (const l of LANGUAGES) expect(langFromWord(l.label)).toBe(l.code);
    expect(langFromWord('ベトナム語')).toBe('vi');
    expect(langFromWord('Português')).toBe('pt-BR');
    expect(langFromWord('6')).toBe('vi'); // its number in the list the LANGUAGE command shows
    expect(langFromWord('klingon')).toBeNull();
  });

  it('is the list the persons table accepts', () => {
    expect(persons.preferredLanguage.enumValues).toEqual(LANG_CODES);
  });

  it('gives a Twilio voice to every language that has one, and none to Nepali', () => {
    const voiceless = LANGUAGES.filter((l) => !l.voice).map((l) => l.code);
    expect(voiceless).toEqual(['ne']);
    expect(LANGUAGES.find((l) => l.code === 'pt-BR')?.voice).toEqual({ voice: 'Polly.Camila', language: 'pt-BR' });
  });

  it('has no phrasebook entry in a language outside the list, nor an empty one', () => {
    for (const [en, t] of Object.entries(PHRASES)) {
      for (const [lang, s] of Object.entries(t)) {
        expect(FOREIGN as string[], `${en} → ${lang}`).toContain(lang);
        expect(s!.trim(), `${en} → ${lang}`).not.toBe('');
      }
    }
  });

  it('keeps every {placeholder} of the English in each translation', () => {
    for (const [en, t] of Object.entries(PHRASES)) {
      const want = (en.match(/\{\w+\}/g) ?? []).sort();
      for (const [lang, s] of Object.entries(t)) expect((s!.match(/\{\w+\}/g) ?? []).sort(), `${en} → ${lang}`).toEqual(want);
    }
  });
});

describe.each(Object.entries(FLOWS))('default flow %s', (_key, def) => {
  it('has every text in every language (voice wordings only where Twilio has a voice)', () => {
    expect(missingTranslations(def, LANG_CODES).map((m) => `${m.lang}: ${m.path}`)).toEqual([]);
  });

  it('stores the translations in the definition itself (what the editor shows)', () => {
    for (const { path, text } of textsOf(def)) for (const lang of FOREIGN) expect(text[lang], `${path} ${lang}`).toBeTruthy();
  });

  it.each(LANG_CODES)('in %s: each SMS wording fits the prompt segments', (lang) => {
    for (const { path, text } of textsOf(def)) {
      const s = pickText(text, lang, 'sms');
      const c = countSmsSegments(s);
      expect(c.segments, `${path} (${c.encoding}, ${c.units}): ${s}`).toBeLessThanOrEqual(MAX_PROMPT_SEGMENTS);
    }
  });

  it.each(LANG_CODES)('in %s: each choice shown as a LINE quick reply in Japanese fits 20 characters', (lang) => {
    for (const node of Object.values(def.nodes)) {
      if (node.type !== 'question') continue;
      // A choice the definition shows only on other channels is never a LINE button (the engine
      // offers it nowhere else): facility-daily's symptom columns are `channels: ['web']`, the
      // facility's page being the only door that flow is answered through.
      const choices = (node.choices ?? []).filter((c) => !c.channels || c.channels.includes('line'));
      // The urgent checklist is a numbered list on LINE (14 items > 13 buttons); its labels are read, not tapped.
      if (choices.length > 13 || !choices.every((c) => [...c.label.ja].length <= MAX_LABEL)) continue;
      for (const c of choices) {
        const label = pickText(c.label, lang, 'line');
        expect([...label].length, `${c.value} (${lang}): ${label}`).toBeLessThanOrEqual(MAX_LABEL);
      }
    }
  });
});

describe('the engine’s own wording', () => {
  it.each(FOREIGN)('exists in %s for every text and channel wording', (lang: Lang) => {
    const voiceless = !LANGUAGES.find((l) => l.code === lang)?.voice;
    for (const [key, t] of Object.entries(TEXTS)) {
      expect(PHRASES[t.en]?.[lang as keyof (typeof PHRASES)[string]], `${key}`).toBeTruthy();
      for (const [channel, w] of Object.entries(('channels' in t ? t.channels : {}) as Record<string, { en: string }>)) {
        if (channel === 'voice' && voiceless) continue;
        expect(PHRASES[w.en]?.[lang as keyof (typeof PHRASES)[string]], `${key}.channels.${channel}`).toBeTruthy();
      }
    }
  });

  it.each(LANG_CODES)('button words fit a LINE quick reply in %s', (lang) => {
    for (const key of ['yes', 'no', 'unknown', 'some', 'none'] as const) {
      expect([...pickText(TEXTS[key], lang, 'line')].length, key).toBeLessThanOrEqual(MAX_LABEL);
    }
  });

  it('tells a Vietnamese reader to call 119 in Vietnamese, with the number kept', () => {
    const s = pickText(TEXTS.urgentClosed, 'vi', 'sms');
    expect(s).toContain('119');
    expect(s).toContain('{name}');
    expect(s).toMatch(/khẩn cấp/);
  });
});

describe('the import’s language column', () => {
  it('reads a code or any name of each language, and refuses one outside the list', async () => {
    const { parseLanguageCell } = await import('../../src/domain/imports/person-values');
    const cases: [string, Lang][] = [['vi', 'vi'], ['ベトナム語', 'vi'], ['Tiếng Việt', 'vi'], ['Vietnamese', 'vi'], ['pt-BR', 'pt-BR'], ['ポルトガル語（ブラジル）', 'pt-BR'], ['नेपाली', 'ne'], ['タガログ語', 'tl'], ['やさしい日本語', 'ja-easy'], ['中国語', 'zh-Hans'], ['ไทย', 'th']];
    for (const [cell, want] of cases) expect(parseLanguageCell(cell), cell).toMatchObject({ ok: true, value: want });
    expect(parseLanguageCell('フランス語')).toMatchObject({ ok: false });
  });
});

describe('a household reporter’s wording', () => {
  it.each(FOREIGN)('exists in %s for every text (between members, the reminder, the web check’s way on)', async (lang) => {
    const { HOUSEHOLD_TEXTS } = await import('../../src/flows/index.js');
    for (const [key, t] of Object.entries(HOUSEHOLD_TEXTS)) expect(PHRASES[t.en]?.[lang as keyof (typeof PHRASES)[string]], key).toBeTruthy();
  });

  it('names only the members given, in the reporter’s language', async () => {
    const { membersOpenLine } = await import('../../src/flows/index.js');
    expect(membersOpenLine(['見守 花子', '見守 太郎'], 'ja', 'sms')).toBe('花子さん、太郎さんの健康観察がまだです。');
    expect(membersOpenLine(['見守 花子'], 'en', 'line')).toBe('Still to answer: the health check of 花子.');
    expect(membersOpenLine(['Nguyen Lan', 'Nguyen Minh'], 'vi', 'line')).toBe('Chưa trả lời: phiếu sức khỏe của Lan, Minh.');
    expect(membersOpenLine([], 'ja', 'line')).toBe('');
  });
});
