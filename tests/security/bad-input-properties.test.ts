import fc from 'fast-check';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observations } from '../../db/schema';
import { parseWebhookBody } from '../../src/bot/line/intake';
import { parseSmsKeyword } from '../../src/bot/sms/keywords';
import { parseForm } from '../../src/bot/twilio/middleware';
import { answerCheck } from '../../src/domain/checks/answer-check';
import { startCheck } from '../../src/domain/checks/start-check';
import { systemActor, withTransaction } from '../../src/domain/context';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makePerson } from '../admin/fixtures';
import { ensureCentre } from '../admin/support';

// Arbitrary Unicode, emoji (whole graphemes and lone surrogates), control characters, huge numbers, empty strings.
const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\u202e38.5', '\uD83E', '🤨🤨🤨', '1e309', '-1e309', 'NaN', 'Infinity', '9'.repeat(400), '３８．５', '三十八度五分', '38.5\r\n', '<script>alert(1)</script>'),
  fc.double().map(String),
  fc.bigInt().map(String),
);
const encoder = new TextEncoder();
/** No lone surrogate (String.prototype.isWellFormed is ES2024, beyond the project's lib). */
const wellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('webhook parsers never crash and answer clearly', () => {
  it('LINE: any bytes give either a typed body or a message naming the problem', () => {
    fc.assert(
      fc.property(fc.oneof(hostile.map((s) => encoder.encode(s)), fc.uint8Array({ maxLength: 200 }), fc.json().map((j) => encoder.encode(j))), (raw) => {
        const r = parseWebhookBody(raw);
        if (r.ok) expect(Array.isArray(r.body.events)).toBe(true);
        else expect(r.message).toMatch(/JSON|LINE webhook body/);
      }),
      { numRuns: 400, seed: 1101 },
    );
  });

  it('LINE: any text inside a well-formed message event parses and keeps the text as sent', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const body = { destination: 'U', events: [{ type: 'message', mode: 'active', timestamp: 1, webhookEventId: '01H', deliveryContext: { isRedelivery: false }, source: { type: 'user', userId: 'U1' }, replyToken: 'r', message: { type: 'text', id: '1', text } }] };
        const r = parseWebhookBody(encoder.encode(JSON.stringify(body)));
        expect(r.ok).toBe(true);
        if (r.ok) expect(JSON.stringify(r.body)).toContain(JSON.stringify(text).slice(1, -1));
      }),
      { numRuns: 200, seed: 1102 },
    );
  });

  it('Twilio forms: any body parses into string parameters; SMS keywords only match a whole control word', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        const params = parseForm(new URLSearchParams({ Body: a, From: b }).toString());
        // A lone surrogate cannot be sent in a form; every well-formed text arrives exactly as typed.
        if (wellFormed(a)) expect(params.Body).toBe(a);
        else expect(typeof params.Body).toBe('string');
        expect(typeof params.From).toBe('string');
        const kw = parseSmsKeyword(a);
        expect([null, 'stop', 'start', 'help']).toContain(kw);
        // Something before the word ("please STOP") is never an opt-out.
        expect(parseSmsKeyword(`please ${a}`)).not.toBe('stop');
      }),
      { numRuns: 300, seed: 1103 },
    );
  });
});

describe('the shared answer verb with arbitrary answers', () => {
  let deps: TestDeps;
  let personId: string;
  beforeAll(async () => {
    deps = await createTestDeps();
    await ensureCentre(deps, '13-993');
    personId = await makePerson(deps, '13-993');
  });
  afterAll(async () => deps?.close());

  it('never throws, always answers the patient, and stores only valid observations', async () => {
    const sys = () => ({ actor: systemActor('test'), now: deps.now() });
    const { sessionId } = await withTransaction(deps.db, sys(), (ctx) => startCheck({ ctx, input: { personId, channel: 'line', source: 'patient' } }));
    await fc.assert(
      fc.asyncProperty(hostile, async (text) => {
        const r = await withTransaction(deps.db, sys(), (ctx) => answerCheck({ ctx, input: { sessionId, channel: 'line', input: { type: 'message', text } } }));
        if (!r.closed) expect(r.messages.length).toBeGreaterThan(0);
      }),
      { numRuns: 60, seed: 1104 },
    );
    const rows = await deps.db.select().from(observations).where(eq(observations.sessionId, sessionId));
    expect(rows.length).toBeGreaterThan(0);
    // Valid means: unanswered (null, after the retries the flow allows) or a value of the question's kind.
    for (const o of rows) {
      if (o.kind === 'number' && o.valueNumber !== null) {
        expect(Number.isFinite(o.valueNumber)).toBe(true);
        if (o.questionId === 'temperature') expect(o.valueNumber >= 34 && o.valueNumber <= 42).toBe(true);
      }
      if (o.kind === 'number') expect(o.value === null || typeof o.value === 'number').toBe(true);
      if (o.kind === 'yes_no') expect([null, true, false, 'unknown']).toContain(o.value);
      if (o.kind === 'multi') expect(o.value === null || Array.isArray(o.value)).toBe(true);
      if (o.valueText !== null) expect(wellFormed(o.valueText) && !o.valueText.includes('\u0000')).toBe(true);
    }
  });
});
