import { describe, expect, it } from 'vitest';
import type { Channel, FlowVersion } from '../../src/flows/index.js';
import { measureBurden, NORMAL_DAY, ONE_SYMPTOM_DAY, type Burden } from './burden.js';
import { contactOneByOne, contactV1, patientOneByOne, patientV1 } from './helpers.js';

/**
 * The patient's burden per channel and default flow, on a normal day and on a day with
 * one symptom (咳), before (every symptom asked alone) and now (the symptom group and the
 * two-step checklist). README "The daily check in under a minute" shows this same table:
 * a change to a default flow that adds a touch or a prompt fails here and is decided on.
 *
 * Columns: prompts, touches (buttons / keys), typed answers, typed characters, seconds of
 * speech on a call (tests/flows/burden.ts says how each is counted).
 */
const TABLE: [string, Channel, string, Burden, Burden][] = [
  // flow, channel, day, before, now
  ['patient-daily', 'line', 'normal', b(16, 13, 3, 8), b(9, 6, 3, 8)],
  ['patient-daily', 'line', 'one symptom', b(16, 13, 3, 8), b(10, 7, 3, 8)],
  ['patient-daily', 'web', 'normal', b(16, 12, 4, 10), b(9, 5, 4, 10)],
  ['patient-daily', 'sms', 'normal', b(16, 0, 16, 23), b(9, 0, 9, 16)],
  ['patient-daily', 'sms', 'one symptom', b(16, 0, 16, 23), b(10, 0, 10, 17)],
  ['patient-daily', 'voice', 'normal', b(16, 20, 0, 0, 607), b(9, 13, 0, 0, 444)],
  ['patient-daily', 'voice', 'one symptom', b(16, 20, 0, 0, 607), b(10, 14, 0, 0, 562)],
  ['contact-daily', 'line', 'normal', b(6, 5, 1, 4), b(3, 2, 1, 4)],
  ['contact-daily', 'sms', 'normal', b(6, 0, 6, 9), b(3, 0, 3, 6)],
  ['contact-daily', 'voice', 'normal', b(6, 8, 0, 0, 174), b(3, 5, 0, 0, 181)],
];

function b(prompts: number, touches: number, typed: number, chars: number, speech = 0): Burden {
  return { prompts, touches, typed, chars, speech, seconds: Math.round(speech / 5) };
}

const FLOWS: Record<string, [FlowVersion, FlowVersion]> = {
  'patient-daily': [patientOneByOne, patientV1],
  'contact-daily': [contactOneByOne, contactV1],
};

describe('the burden of the daily check, per channel (README table)', () => {
  it.each(TABLE)('%s on %s, %s day', (flow, channel, day, before, now) => {
    const [old, current] = FLOWS[flow]!;
    const answers = day === 'normal' ? NORMAL_DAY : ONE_SYMPTOM_DAY;
    expect(measureBurden(old, channel, answers)).toEqual(before);
    expect(measureBurden(current, channel, answers)).toEqual(now);
  });

  it('a normal day on a call: under 90 seconds of speech', () => {
    expect(measureBurden(patientV1, 'voice', NORMAL_DAY).seconds).toBeLessThan(90);
  });

  it('a normal day on LINE: at most 6 touches and nothing typed but the three measurements', () => {
    const m = measureBurden(patientV1, 'line', NORMAL_DAY);
    expect(m.touches).toBeLessThanOrEqual(6);
    expect(m.typed).toBe(3);
  });
});
