import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineApi, LineSendError } from '../../../src/bot/line/client';

/**
 * A stalled LINE API must not hold an answer job's slot for minutes (the topology bench: a
 * stand-in lagging 19 s stalled every answer slot): each request is given up after its time
 * limit and counts as a network failure — tried again, then left to the job's retry.
 */
const BASE = 'http://line-timeout.test';
let answers: ('stall' | 'ok')[] = [];
let requests = 0;
// Replies as LINE answers them: a token works once (400 "Invalid reply token" after that).
let replyAnswers: ('stall' | 'ok' | '500')[] = [];
const usedTokens = new Set<string>();
const server = setupServer(
  http.post(`${BASE}/v2/bot/message/push`, async () => {
    requests++;
    if (answers.shift() === 'stall') await delay('infinite');
    return HttpResponse.json({ sentMessages: [] }, { headers: { 'x-line-request-id': 'req-1' } });
  }),
  http.post(`${BASE}/v2/bot/message/reply`, async ({ request }) => {
    requests++;
    const { replyToken } = (await request.json()) as { replyToken: string };
    if (usedTokens.has(replyToken)) return HttpResponse.json({ message: 'Invalid reply token' }, { status: 400 });
    const answer = replyAnswers.shift();
    if (answer === '500') return HttpResponse.json({ message: 'Internal server error' }, { status: 500 });
    usedTokens.add(replyToken); // taken (and delivered) even when the answer never arrives
    if (answer === 'stall') await delay('infinite');
    return HttpResponse.json({ sentMessages: [] }, { headers: { 'x-line-request-id': 'req-r' } });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const api = (maxAttempts: number) => createLineApi({ LINE_CHANNEL_ACCESS_TOKEN: 't', LINE_API_BASE_URL: BASE }, { maxAttempts, timeoutMs: 200, sleep: async () => {} });
const push = (a: ReturnType<typeof api>) => a.push('Uuser', [{ type: 'text', text: 'こんにちは' }], '00000000-0000-4000-8000-000000000003');

describe('the LINE client gives up a request LINE does not answer', () => {
  it('a stalled request is a transient failure after its time limit, not a wait of minutes', async () => {
    answers = ['stall'];
    requests = 0;
    const started = Date.now();
    const err = await push(api(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LineSendError);
    expect(err).toMatchObject({ transient: true, status: null, message: 'LINE API did not answer within 0.2 s' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(requests).toBe(1);
  });

  it('a reply that got no answer and whose token is then refused went out: counted as sent, not pushed again', async () => {
    replyAnswers = ['stall'];
    requests = 0;
    expect(await api(3).reply('token-1', [{ type: 'text', text: 'ありがとうございます' }])).toEqual({ requestId: null, duplicate: true });
    expect(requests).toBe(2);
    // A 500 that took nothing: the retry with the same token is delivered.
    replyAnswers = ['500', 'ok'];
    requests = 0;
    expect(await api(3).reply('token-2', [{ type: 'text', text: 'ありがとうございます' }])).toEqual({ requestId: 'req-r', duplicate: false });
    expect(requests).toBe(2);
    // A token refused on the first try (expired, or used before this send): an error, so the send pushes instead.
    usedTokens.add('token-3');
    const err = await api(3).reply('token-3', [{ type: 'text', text: 'ありがとうございます' }]).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, transient: false });
  });

  it('tried again under the same retry key: the next answer is taken', async () => {
    answers = ['stall', 'ok'];
    requests = 0;
    expect(await push(api(3))).toEqual({ requestId: 'req-1', duplicate: false });
    expect(requests).toBe(2);
  });
});
