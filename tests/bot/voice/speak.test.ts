import { describe, expect, it } from 'vitest';
import { commandOf } from '../../../src/bot/voice/handle-call';
import { confirmText, keypadGuide, spokenValue } from '../../../src/bot/voice/speak';
import fc from 'fast-check';
import { inQuietHours, quietHoursDeferral, quietHoursEnd } from '../../../src/bot/twilio/quiet-hours';
import { localTimeOf } from '../../../src/domain/time';
import { gatherOptions, renderTurn } from '../../../src/bot/voice/twiml';
import { hintsFor } from '../../../src/bot/voice/hints';
import type { OutMessage } from '../../../src/flows';
import { parseTwiml, spoken } from '../twilio/helpers';

describe('spoken values', () => {
  it('reads numbers the way a listener expects', () => {
    expect(spokenValue(37.8, '℃', 'ja')).toBe('37度8分');
    expect(spokenValue(38, '℃', 'ja')).toBe('38度');
    expect(spokenValue(93, '%', 'ja')).toBe('93パーセント');
    expect(spokenValue(80, '回/分', 'ja')).toBe('1分間に80回');
    expect(confirmText(37.8, '℃', 'ja')).toBe('37度8分ですね。正しければ1を、違う場合は2を押してください。');
    expect(confirmText(92, '%', 'en')).toContain('92 percent');
  });
  it('adds the keypad guide for choices only', () => {
    const q = { kind: 'question' as const, text: '咳や鼻水はありますか？', choices: [{ value: 'yes', label: 'はい' }, { value: 'no', label: 'いいえ' }] };
    expect(keypadGuide(q, 'ja')).toBe('はいは1、いいえは2を押してください。');
    expect(keypadGuide({ kind: 'question', text: '体温' }, 'ja')).toBeNull();
  });
});

describe('keypad commands', () => {
  const yesNo = { kind: 'question' as const, text: 'x', expects: 'yes_no' as const };
  it('9 repeats and 0 asks for a call-back, by key or by voice', () => {
    expect(commandOf('9', undefined, yesNo)).toBe('repeat');
    expect(commandOf('0', undefined, yesNo)).toBe('callback');
    expect(commandOf(undefined, 'もう一度お願いします', yesNo)).toBe('repeat');
    expect(commandOf(undefined, '看護師さんと話したい', yesNo)).toBe('callback');
    expect(commandOf('1', undefined, yesNo)).toBeNull();
  });
  it('are answers where 9 or 0 is a valid answer (a 0–10 scale)', () => {
    expect(commandOf('9', undefined, { kind: 'question', text: 'x', expects: 'scale', min: 0, max: 10 })).toBeNull();
    expect(commandOf('0', undefined, { kind: 'question', text: 'x', expects: 'scale', min: 0, max: 10 })).toBeNull();
    expect(commandOf('9', undefined, { kind: 'question', text: 'x', expects: 'number', min: 34, max: 42 })).toBe('repeat');
  });
});

describe('TwiML', () => {
  it('escapes what it says and gathers one key for yes/no', () => {
    const ask = { kind: 'question' as const, text: '<b>&咳</b>', expects: 'yes_no' as const, choices: [{ value: 'yes', label: 'はい' }, { value: 'no', label: 'いいえ' }] };
    const xml = renderTurn({ lang: 'ja', say: ['A & B'], ask, actionUrl: 'https://mimamori.test/webhooks/twilio/voice?s=1&n=2' });
    expect(xml).toContain('&lt;b&gt;&amp;咳');
    const t = parseTwiml(xml);
    expect(t.Response.Gather!.numDigits).toBe('1');
    expect(t.Response.Gather!.action).toBe('https://mimamori.test/webhooks/twilio/voice?s=1&n=2');
    expect(spoken(t)).toEqual(['A & B', '<b>&咳</b>', 'はいは1、いいえは2を押してください。', 'もう一度聞くには、9を押してください。']);
    expect(gatherOptions({ kind: 'question', text: 'x', expects: 'number' }, 'ja', 'u')).toMatchObject({ finishOnKey: '#', timeout: 8 });
  });
});

describe('the guides said with a question', () => {
  const choices = [{ value: 'yes', label: 'はい' }, { value: 'no', label: 'いいえ' }, { value: 'unknown', label: 'わからない' }];
  const yesNo = (text: string, kind: OutMessage['kind'] = 'question'): OutMessage => ({ kind, text, expects: 'yes_no_unknown', choices });
  const temperature: OutMessage = { kind: 'question', text: '体温を3桁で押してください。', expects: 'number' };
  const plain = { opening: false, again: false };

  it('says 「9でもう一度」 at the start and after a silence or an answer not understood, the keys when they are new', () => {
    expect(hintsFor(temperature, 'ja', { ...plain, opening: true, previous: null })).toEqual({ repeat: true, keypad: false });
    expect(hintsFor(yesNo('咳は？'), 'ja', { ...plain, previous: temperature })).toEqual({ repeat: false, keypad: true });
    expect(hintsFor(yesNo('熱は？'), 'ja', { ...plain, previous: yesNo('咳は？') })).toEqual({ repeat: false, keypad: false });
    expect(hintsFor(yesNo('お返事が聞き取れませんでした。 熱は？', 'reask'), 'ja', { ...plain, previous: yesNo('熱は？') })).toEqual({ repeat: true, keypad: true });
    expect(hintsFor({ ...yesNo('はい？'), choices: choices.slice(0, 2) }, 'ja', { ...plain, previous: yesNo('熱は？') })).toEqual({ repeat: false, keypad: true });
  });

  it('on 9 or 0 says the keys but not the 9 just pressed, and never the keys twice', () => {
    expect(hintsFor(yesNo('熱は？'), 'ja', { opening: false, again: true, previous: yesNo('熱は？') })).toEqual({ repeat: false, keypad: true });
    const namesKeys = yesNo('はいは1、いいえは2、わからないは3を押してください。 熱は？', 'reask');
    expect(hintsFor(namesKeys, 'ja', { ...plain, previous: yesNo('熱は？') })).toEqual({ repeat: true, keypad: false });
    // The whole TwiML of a plain question in a run: just the question.
    const t = parseTwiml(renderTurn({ lang: 'ja', say: [], ask: yesNo('熱は？'), actionUrl: 'u', hints: { repeat: false, keypad: false } }));
    expect(spoken(t)).toEqual(['熱は？']);
  });
});

describe('quiet hours', () => {
  it('wrap midnight in the local zone', () => {
    const tz = 'Asia/Tokyo';
    expect(inQuietHours(new Date('2026-03-10T11:59:00Z'), tz, '21:00-08:00')).toBe(false); // 20:59
    expect(inQuietHours(new Date('2026-03-10T12:00:00Z'), tz, '21:00-08:00')).toBe(true); // 21:00
    expect(inQuietHours(new Date('2026-03-10T22:59:00Z'), tz, '21:00-08:00')).toBe(true); // 07:59
    expect(inQuietHours(new Date('2026-03-10T23:00:00Z'), tz, '21:00-08:00')).toBe(false); // 08:00
    expect(quietHoursEnd(new Date('2026-03-10T13:00:00Z'), tz, '21:00-08:00')).toEqual(new Date('2026-03-10T23:00:00Z'));
    expect(quietHoursEnd(new Date('2026-03-10T20:00:00Z'), tz, '21:00-08:00')).toEqual(new Date('2026-03-10T23:00:00Z'));
  });

  it('defer every SMS and call sent inside them to their end (08:00 local), and nothing outside them', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }), fc.constantFrom('Asia/Tokyo', 'America/New_York'), (at, tz) => {
        const d = quietHoursDeferral(at, tz, '21:00-08:00', 'SMS');
        expect(d === null).toBe(!inQuietHours(at, tz, '21:00-08:00'));
        if (!d) return;
        expect(d.until.getTime()).toBe(at.getTime() + d.retryAfterMs!);
        expect(localTimeOf(d.until, tz)).toBe('08:00');
        expect(inQuietHours(d.until, tz, '21:00-08:00')).toBe(false);
        expect(d.retryAfterMs!).toBeGreaterThan(0);
        expect(d.retryAfterMs!).toBeLessThanOrEqual(12 * 3600_000); // 11 h, 12 across a DST change
      }),
    );
  });
});
