import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { constantTimeEqual, signLineBody, verifyLineSignature } from '../../../src/bot/line/signature';
import { encodePostback, isUrgentAnswer, parsePostback, POSTBACK_MAX } from '../../../src/platform/line/postback';
import { fitRequest, renderMessages, renderOne, textMessages } from '../../../src/bot/line/render';
import { lineRetryUuid } from '../../../src/bot/line/retry-key';
import { retryAfterMs } from '../../../src/bot/line/client';
import { keywordOf } from '../../../src/bot/line/linked-input';
import { normaliseLinkCode } from '../../../src/domain/persons/link-channel';
import { createLineWebhookRoutes } from '../../../src/bot/line/webhook-routes';
import { parseEnv } from '../../../src/config/env';

const enc = (s: string) => new TextEncoder().encode(s);
const SID = '0b7f5d7e-1c2a-4b3c-9d4e-5f6a7b8c9d0e';

describe('LINE signature (Web Crypto)', () => {
  it('accepts the HMAC-SHA256 of the raw body and rejects any change, a wrong secret or no header', async () => {
    const body = '{"events":[]}';
    const sig = await signLineBody('s3cret', body);
    expect(await verifyLineSignature('s3cret', enc(body), sig)).toBe(true);
    expect(await verifyLineSignature('s3cret', enc(body + ' '), sig)).toBe(false);
    expect(await verifyLineSignature('other', enc(body), sig)).toBe(false);
    expect(await verifyLineSignature('s3cret', enc(body), null)).toBe(false);
    expect(await verifyLineSignature('s3cret', enc(body), 'not base64 !!')).toBe(false);
  });
  it('compares in constant time whatever the lengths', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([]))).toBe(false);
  });
});

describe('postback data', () => {
  it('round-trips session, round and menu buttons and names ids only', () => {
    const s = encodePostback({ kind: 'session', sessionId: SID, questionId: 'cough', value: 'yes' });
    expect(s).toBe(`s=${SID}&q=cough&v=yes`);
    expect(parsePostback(s)).toEqual({ kind: 'session', sessionId: SID, questionId: 'cough', value: 'yes' });
    const r = encodePostback({ kind: 'round', round: '09:00', localDate: '2026-03-10', questionId: 'temperature', value: '36.5' });
    expect(parsePostback(r)).toEqual({ kind: 'round', round: '09:00', localDate: '2026-03-10', questionId: 'temperature', value: '36.5' });
    expect(parsePostback('a=report')).toEqual({ kind: 'menu', action: 'report' });
  });
  it('marks a red answer\'s button with u=1, read back as urgent (the intake\'s urgent lane)', () => {
    const s = encodePostback({ kind: 'session', sessionId: SID, questionId: 'breathless', value: 'yes', urgent: true });
    expect(s).toBe(`s=${SID}&q=breathless&v=yes&u=1`);
    expect(parsePostback(s)).toEqual({ kind: 'session', sessionId: SID, questionId: 'breathless', value: 'yes', urgent: true });
    const r = encodePostback({ kind: 'round', round: '09:00', localDate: '2026-03-10', questionId: 'breathless', value: 'yes', urgent: true });
    expect(parsePostback(r)).toMatchObject({ kind: 'round', urgent: true });
    expect(parsePostback(`s=${SID}&q=breathless&v=yes&u=0`)).not.toHaveProperty('urgent');
    const tap = (data: unknown) => ({ type: 'postback', postback: { data } });
    expect(isUrgentAnswer(tap(s))).toBe(true);
    expect(isUrgentAnswer(tap(`s=${SID}&q=breathless&v=no`))).toBe(false);
    for (const other of [tap('a=report&u=1'), tap(42), { type: 'message', message: { type: 'text', text: s } }, null, 'x']) expect(isUrgentAnswer(other)).toBe(false);
  });
  it('refuses forged or malformed data instead of guessing', () => {
    for (const bad of ['', 'a=drop', 's=not-a-uuid&q=x&v=1', `s=${SID}&q=x`, 'r=25:00&d=2026-03-10&q=x&v=1', 'r=09:00&d=yesterday&q=x&v=1', 'x'.repeat(301)]) {
      expect(parsePostback(bad)).toBeNull();
    }
  });
});

describe('rendering engine messages for LINE', () => {
  const target = { sessionId: SID };
  it('offers choices as postback quick replies naming the session and question', () => {
    const m = renderOne({ kind: 'question', questionId: 'cough', text: '咳は？', expects: 'yes_no_unknown', choices: [{ value: 'yes', label: 'はい' }, { value: 'no', label: 'いいえ' }, { value: 'unknown', label: 'わからない' }] }, target, 'ja');
    expect(m.text).toBe('咳は？');
    expect(m.quickReply?.items).toHaveLength(3);
    expect(m.quickReply?.items?.[0]?.action).toEqual({ type: 'postback', label: 'はい', data: `s=${SID}&q=cough&v=yes`, displayText: 'はい' });
  });
  it('a choice the engine says raises red is a button marked urgent; the others are not', () => {
    const m = renderOne({ kind: 'question', questionId: 'breathless', text: '息苦しさは？', expects: 'yes_no_unknown', choices: [{ value: 'yes', label: 'はい', raisesRed: true }, { value: 'no', label: 'いいえ' }] }, target, 'ja');
    expect(m.quickReply?.items?.map((i) => (i.action as { data: string }).data)).toEqual([`s=${SID}&q=breathless&v=yes&u=1`, `s=${SID}&q=breathless&v=no`]);
  });
  it('falls back to a numbered list for more than 13 choices or labels over 20 characters', () => {
    const many = Array.from({ length: 14 }, (_, i) => ({ value: `c${i}`, label: `症状${i + 1}` }));
    const m = renderOne({ kind: 'question', questionId: 'urgent', text: '当てはまるものは？', expects: 'multi', choices: many }, target, 'ja');
    expect(m.quickReply).toBeUndefined();
    expect(m.text).toContain('14. 症状14');
    expect(m.text).toContain('番号で答えてください');
    const long = renderOne({ kind: 'question', questionId: 'q', text: 'どれ？', expects: 'single', choices: [{ value: 'a', label: 'あ'.repeat(21) }, { value: 'b', label: 'い' }] }, target, 'en');
    expect(long.quickReply).toBeUndefined();
    expect(long.text).toContain('2. い');
    expect(long.text).toContain('Answer with a number');
  });
  it('keeps postback data within LINE\'s 300 characters: a long choice value is offered as a numbered list', () => {
    const m = renderOne({ kind: 'question', questionId: 'q', text: 'どれ？', expects: 'single', choices: [{ value: 'v'.repeat(300), label: '長い' }, { value: 'b', label: '短い' }] }, target, 'ja');
    expect(m.quickReply).toBeUndefined();
    expect(m.text).toContain('1. 長い');
  });
  it('every button it renders carries data LINE accepts and the server reads back (any question id and values)', () => {
    const choice = fc.record({ value: fc.string({ minLength: 1, maxLength: 320, size: 'max' }), label: fc.string({ minLength: 1, maxLength: 20 }) });
    const targets = fc.constantFrom<{ sessionId: string } | { round: string; localDate: string }>(target, { round: '09:00', localDate: '2026-03-10' });
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), fc.array(choice, { minLength: 1, maxLength: 13 }), targets, (questionId, choices, to) => {
        const m = renderOne({ kind: 'question', questionId, text: 'Q', expects: 'single', choices }, to, 'ja');
        for (const [i, item] of (m.quickReply?.items ?? []).entries()) {
          const data = (item.action as { data: string }).data;
          expect(data.length).toBeLessThanOrEqual(POSTBACK_MAX);
          expect(parsePostback(data)).toMatchObject({ questionId, value: choices[i]!.value });
        }
      }),
    );
  });
  it('multiple choice that fits shows buttons and the numbers (a button picks one)', () => {
    const m = renderOne({ kind: 'question', questionId: 's', text: '症状は？', expects: 'multi', choices: [{ value: 'a', label: '咳' }, { value: 'b', label: '鼻水' }] }, { round: '09:00', localDate: '2026-03-10' }, 'ja');
    expect(m.quickReply?.items?.[1]?.action).toMatchObject({ data: 'r=09%3A00&d=2026-03-10&q=s&v=b' });
    expect(m.text).toContain('1. 咳');
  });
  it('never puts more than 5 messages in a request, keeping the buttons on the last', () => {
    const msgs = Array.from({ length: 7 }, (_, i) => ({ kind: 'info' as const, text: `m${i}` }));
    const out = renderMessages([...msgs, { kind: 'question', questionId: 'q', text: 'Q', expects: 'yes_no' as const, choices: [{ value: 'yes', label: 'はい' }, { value: 'no', label: 'いいえ' }] }], target, 'ja');
    expect(out).toHaveLength(5);
    expect(out[0]!.text).toBe('m0\n\nm1\n\nm2\n\nm3');
    expect(out[4]!.quickReply?.items).toHaveLength(2);
    expect(fitRequest(textMessages(['a', 'b']))).toHaveLength(2);
  });
});

describe('small parts', () => {
  it('derives a stable RFC 4122 v5 UUID per retry key', () => {
    const a = lineRetryUuid('line:event:1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lineRetryUuid('line:event:1')).toBe(a);
    expect(lineRetryUuid('line:event:2')).not.toBe(a);
  });
  it('reads link codes typed with full-width digits, spaces or hyphens', () => {
    expect(normaliseLinkCode('１２３４５６７８９０１２')).toBe('123456789012');
    expect(normaliseLinkCode(' 1234-5678－9012 ')).toBe('123456789012');
    expect(normaliseLinkCode('1234 5678 9012')).toBe('123456789012');
    expect(normaliseLinkCode('123456')).toBeNull(); // the old six-digit codes are no link codes any more
    expect(normaliseLinkCode('12345')).toBeNull();
    expect(normaliseLinkCode('３７度８分')).toBeNull();
  });
  it('recognises the menu words, typed or from the rich menu', () => {
    expect(keywordOf('今すぐ報告')).toBe('report');
    expect(keywordOf(' 記録を見る ')).toBe('records');
    expect(keywordOf('保健所に連絡')).toBe('contact');
    expect(keywordOf('37.5')).toBeNull();
  });
  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(50_000);
  });
  it('answers 503 with a clear message when LINE is not configured, and the rest of the app runs', async () => {
    const env = parseEnv({ NODE_ENV: 'test' });
    const app = new Hono().route('/webhooks/line', createLineWebhookRoutes({ env, db: null as never, jobs: null as never, logger: null as never, now: () => new Date() }));
    const res = await app.request('/webhooks/line', { method: 'POST', body: '{}' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'line_not_configured' });
  });
});
