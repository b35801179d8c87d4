import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSmsSegments } from '../../../src/bot/sms/segments';

describe('countSmsSegments', () => {
  it('counts Japanese as UCS-2: 70 in one segment, 67 per part after that', () => {
    expect(countSmsSegments('あ'.repeat(70))).toEqual({ encoding: 'ucs2', units: 70, segments: 1 });
    expect(countSmsSegments('あ'.repeat(71)).segments).toBe(2);
    expect(countSmsSegments('あ'.repeat(134)).segments).toBe(2);
    expect(countSmsSegments('あ'.repeat(135)).segments).toBe(3);
  });
  it('counts plain Latin as GSM-7: 160, then 153 per part; extension characters take two', () => {
    expect(countSmsSegments('a'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(countSmsSegments('a'.repeat(161)).segments).toBe(2);
    expect(countSmsSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSmsSegments('a'.repeat(307)).segments).toBe(3);
    expect(countSmsSegments('[]').units).toBe(4);
    expect(countSmsSegments('€'.repeat(80)).segments).toBe(1);
    expect(countSmsSegments('€'.repeat(81)).segments).toBe(2);
  });
  it('one non-GSM character turns the whole text into UCS-2; an emoji is two units', () => {
    expect(countSmsSegments(`${'a'.repeat(69)}℃`)).toEqual({ encoding: 'ucs2', units: 70, segments: 1 });
    expect(countSmsSegments('😷').units).toBe(2);
  });
  it('never counts fewer segments than the text needs', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        const c = countSmsSegments(s);
        const perPart = c.encoding === 'ucs2' ? 67 : 153;
        expect(c.segments).toBeGreaterThanOrEqual(1);
        if (c.segments > 1) expect(c.segments * perPart).toBeGreaterThanOrEqual(c.units);
      }),
    );
  });
});
