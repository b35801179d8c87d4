import { describe, expect, it } from 'vitest';
import { T as LINE } from '../../src/bot/line/texts';
import { countSmsSegments } from '../../src/bot/sms/segments';
import { SMS_TEXTS, smsText } from '../../src/bot/sms/texts';
import { VOICE_TEXTS } from '../../src/bot/voice/speak';
import { WEB_TEXTS } from '../../src/bot/web/texts';
import { linkMessageText } from '../../src/domain/web/link-message';
import { LANGUAGES, PHRASEBOOK_LANGS, phrase } from '../../src/flows/index.js';

/**
 * The doors' own wording in every language of the list (the phrasebook, by the English).
 * Texts for someone whose language is not known yet (an unregistered number or caller, a
 * LINE account not linked) stay Japanese + English and are not listed here.
 */
const UNKNOWN_PERSON = new Set(['unknownNumber', 'unknownNumberGeneric', 'greeting', 'askCode', 'unknownCaller', 'unknownContact', 'unknownGeneric', 'notConfigured']);
const tables = { sms: SMS_TEXTS, line: LINE, voice: VOICE_TEXTS, web: WEB_TEXTS } as Record<string, Record<string, { en: string }>>;

describe('every door text in every language', () => {
  for (const [door, table] of Object.entries(tables)) {
    it.each(PHRASEBOOK_LANGS)(`${door} in %s`, (lang) => {
      if (door === 'voice' && !LANGUAGES.find((l) => l.code === lang)?.voice) return; // no calls in Nepali
      const missing = Object.entries(table).filter(([key, t]) => !UNKNOWN_PERSON.has(key) && !phrase(lang, t.en)).map(([key]) => key);
      expect(missing).toEqual([]);
    });
  }

  it.each(PHRASEBOOK_LANGS)('SMS texts fit two segments in %s with a long centre name', (lang) => {
    const vars = { name: 'Tokyo Metropolitan Tama-Fuchu Public Health Center', phone: '042-362-2334' };
    for (const key of Object.keys(SMS_TEXTS) as (keyof typeof SMS_TEXTS)[]) {
      if (UNKNOWN_PERSON.has(key)) continue;
      const text = smsText(key, lang, vars);
      expect(countSmsSegments(text).segments, `${key}: ${text}`).toBeLessThanOrEqual(2);
    }
    const link = linkMessageText('reminder', lang, `https://mimamori.example.jp/c/${'x'.repeat(43)}`, new Date('2026-03-10T06:00:00Z'), 'Asia/Tokyo');
    expect(countSmsSegments(link).segments, link).toBeLessThanOrEqual(2);
  });
});
