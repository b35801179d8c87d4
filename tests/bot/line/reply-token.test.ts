import { describe, expect, it } from 'vitest';
import { LineSendError, type LineApi } from '../../../src/bot/line/client';
import { lineSend, type OutboundBody } from '../../../src/bot/line/outbox';
import { lineRetryUuid } from '../../../src/bot/line/retry-key';
import type { OutboundRow } from '../../../src/domain/outbox/outbound-messages';
import { createLogger } from '../../../src/platform/logger';

/**
 * The reply API has no retry key and a reply token works once. A try whose reply got a 5xx or
 * no answer may have been delivered: the next try of the row uses the token again (while it
 * is fresh) and takes LINE's refusal of a used token as "the earlier try went out" — a push
 * would send the same message twice. An expired token, or a first-try refusal, pushes.
 */
const now = new Date('2026-12-06T09:00:00Z');
const deps = { logger: createLogger({ level: 'silent' }), now: () => now };
const USED = new LineSendError('LINE API 400: Invalid reply token', 400, false);

function fakeLine(reply: () => Promise<{ requestId: string | null; duplicate: boolean }>) {
  const calls: string[] = [];
  const api: LineApi = {
    reply: async () => (calls.push('reply'), reply()),
    push: async (_to, _m, key) => (calls.push(`push ${key}`), { requestId: 'req-push', duplicate: false }),
    multicast: async () => ({ requestId: null, duplicate: false }),
  };
  return { api, calls };
}

function row(attempts: number, body: Partial<OutboundBody>): OutboundRow {
  const full: OutboundBody = { to: 'Uuser', messages: [{ type: 'text', text: 'ありがとうございます' }], replyToken: 'token-1', replyBy: new Date(now.getTime() + 30_000).toISOString(), ...body };
  return { id: '00000000-0000-4000-8000-00000000000a', retryKey: 'line:event:x', attempts, body: full, kind: 'reply' } as unknown as OutboundRow;
}

describe('a LINE reply whose earlier try may have gone out', () => {
  it('is tried again with its token, and a used token counts as sent: nothing is pushed', async () => {
    const line = fakeLine(async () => Promise.reject(USED));
    const outcome = await lineSend(deps, line.api)(row(2, { via: 'reply' }));
    expect(outcome).toMatchObject({ accepted: true, status: 'sent', errorCode: 'reply_token_used', merge: { via: 'reply' } });
    expect(line.calls).toEqual(['reply']);
  });

  it('is delivered by that reply when the earlier try took nothing (a 429, a 5xx LINE dropped)', async () => {
    const line = fakeLine(async () => ({ requestId: 'req-reply', duplicate: false }));
    expect(await lineSend(deps, line.api)(row(2, { via: 'reply' }))).toMatchObject({ accepted: true, providerMessageId: 'req-reply', errorCode: null });
    expect(line.calls).toEqual(['reply']);
  });

  it('is pushed under its retry key once the token has expired, or when the earlier try was a push', async () => {
    for (const r of [row(2, { via: 'reply', replyBy: new Date(now.getTime() - 1).toISOString() }), row(2, { via: 'push' })]) {
      const line = fakeLine(async () => ({ requestId: 'req-reply', duplicate: false }));
      expect(await lineSend(deps, line.api)(r)).toMatchObject({ accepted: true, merge: { via: 'push' } });
      expect(line.calls).toEqual([`push ${lineRetryUuid('line:event:x')}`]);
    }
  });

  it('a token refused on the first try (expired early, used elsewhere) still falls back to a push', async () => {
    const line = fakeLine(async () => Promise.reject(USED));
    expect(await lineSend(deps, line.api)(row(1, {}))).toMatchObject({ accepted: true, errorCode: null, merge: { via: 'push' } });
    expect(line.calls).toEqual(['reply', `push ${lineRetryUuid('line:event:x')}`]);
  });
});
