import { describe, expect, it } from 'vitest';
import { simulate, type Channel, type FlowVersion } from '../../src/flows/index.js';
import { contactV1, patientV1 } from './helpers.js';

/**
 * The daily check must stay short enough to answer in about two minutes. On a normal day
 * (everything fine, answered at once) this counts, per channel, the prompts (questions
 * asked), the messages the bot sends, and the characters of the flow's own wording — what
 * a person reads, or hears on a call before the voice adapter adds its keypad guide and
 * 「9でもう一度」 to each question. A question or a long sentence added to a default flow
 * fails here, so the cost is seen and decided on.
 */
const NORMAL = {
  // Three red flags one by one, the group of eight in one answer, the urgent checklist, the comment.
  typed: ['36.6', '98', '72', 'いいえ', 'いいえ', 'いいえ', 'どれもない', 'なし', 'なし'],
  keys: ['366', '98#', '72#', '2', '2', '2', '2', '2', '#'],
  contactTyped: ['36.6', 'いいえ', 'どれもない'],
  contactKeys: ['366', '2', '2'],
};

function measure(v: FlowVersion, channel: Channel, inputs: string[]) {
  const t = simulate(v, inputs, channel);
  const bot = t.lines.filter((l) => l.from === 'bot');
  // The simulator appends the choices and unit it was given; only the wording itself is counted.
  const wording = bot.map((l) => l.text.replace(/ \[[^\]]*\]$/, '').replace(/ \([^)]*\)$/, ''));
  return {
    status: t.state?.status,
    prompts: t.lines.filter((l) => l.from === 'patient').length,
    messages: bot.length,
    chars: wording.reduce((n, w) => n + w.length, 0),
    longest: Math.max(...wording.map((w) => w.length)),
  };
}

describe('the default flows stay short (normal day)', () => {
  it.each([
    // channel, prompts, bot messages, at most chars in all, at most chars in one message
    // LINE shows the 13 urgent signs in the checklist's text (its buttons are 「なし」「ある」): 164 characters.
    ['line', 9, 11, 480, 170],
    ['web', 9, 11, 340, 75],
    ['sms', 9, 11, 220, 50],
    ['voice', 9, 11, 480, 180], // the urgent question reads all 13 signs out: 176 characters
  ] as const)('patient-daily on %s: %i prompts, %i messages', (channel, prompts, messages, maxChars, maxOne) => {
    const m = measure(patientV1, channel, channel === 'voice' ? NORMAL.keys : NORMAL.typed);
    expect(m.status).toBe('completed');
    expect(m.prompts).toBe(prompts);
    expect(m.messages).toBe(messages);
    expect(m.chars).toBeLessThanOrEqual(maxChars);
    expect(m.longest).toBeLessThanOrEqual(maxOne);
  });

  it.each([
    ['line', 3, 5, 110],
    ['sms', 3, 5, 90],
    ['voice', 3, 5, 130],
  ] as const)('contact-daily on %s: %i prompts, %i messages', (channel, prompts, messages, maxChars) => {
    const m = measure(contactV1, channel, channel === 'voice' ? NORMAL.contactKeys : NORMAL.contactTyped);
    expect(m.status).toBe('completed');
    expect(m.prompts).toBe(prompts);
    expect(m.messages).toBe(messages);
    expect(m.chars).toBeLessThanOrEqual(maxChars);
  });

  it('a borderline SpO2 adds exactly one prompt (the second reading)', () => {
    const m = measure(patientV1, 'line', ['36.6', '95', '97', ...NORMAL.typed.slice(2)]);
    expect(m.prompts).toBe(10);
  });
});
