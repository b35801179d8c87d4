import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSmsSegments } from '../../../src/bot/sms/segments';
import { bilingual, SMS_TEXTS, smsText } from '../../../src/bot/sms/texts';

// What the SMS channel says itself stays within two segments with real names and numbers
// filled in (src/bot/sms/texts.ts).
const LONG = { name: '東京都多摩府中保健所', nameEn: 'Tokyo Metropolitan Tama-Fuchu Public Health Center', phone: '042-362-2334' };
const keys = Object.keys(SMS_TEXTS) as (keyof typeof SMS_TEXTS)[];

describe('the SMS channel texts', () => {
  it.each(keys)('%s fits two segments in Japanese and in English', (key) => {
    expect(countSmsSegments(smsText(key, 'ja', { name: LONG.name, phone: LONG.phone })).segments).toBeLessThanOrEqual(2);
    expect(countSmsSegments(smsText(key, 'en', { name: LONG.nameEn, phone: LONG.phone })).segments).toBeLessThanOrEqual(2);
  });

  it('fills in every placeholder', () => {
    for (const key of keys) for (const lang of ['ja', 'en'] as const) expect(smsText(key, lang, { name: 'X', phone: '0' })).not.toMatch(/\{\w+\}/);
  });

  it('sends Japanese and English together only when both fit two segments', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.stringMatching(/^0\d{1,4}-\d{2,4}-\d{4}$/), (name, phone) => {
        const text = bilingual('unknownNumber', { name, phone });
        expect(countSmsSegments(text).segments).toBeLessThanOrEqual(2);
        expect(text.startsWith(smsText('unknownNumber', 'ja', { name, phone }))).toBe(true);
      }),
    );
    expect(bilingual('unknownNumberGeneric')).toContain('This number is not registered');
  });
});
