import type { Env } from '../../config/env';
import type { LineMessage } from './render';
import { countLineResult } from '../../platform/metrics/record';
import { inSpan } from '../../platform/tracing/spans';
import { LineRequestTimeout, postLineJson, type LineHttpAnswer } from './http';

/** What became of a send LINE accepted: its request id (409 on a retry key = accepted earlier). */
export interface LineAccepted {
  requestId: string | null;
  duplicate: boolean;
}

/** A send LINE refused or that did not get through; `transient` = 429/5xx/network, worth retrying later. */
export class LineSendError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly transient: boolean,
    readonly retryAfterMs?: number,
    readonly requestId?: string | null,
  ) {
    super(message);
    this.name = 'LineSendError';
  }
}

export interface LineApi {
  reply(replyToken: string, messages: LineMessage[]): Promise<LineAccepted>;
  push(to: string, messages: LineMessage[], retryKey: string): Promise<LineAccepted>;
  multicast(to: string[], messages: LineMessage[], retryKey: string): Promise<LineAccepted>;
}

export interface LineApiOptions {
  /** Tries per send within one job run (the job retries later with the same key). */
  maxAttempts?: number;
  /** Longest Retry-After waited for in-process; a longer one is left to the job's retry. */
  maxWaitMs?: number;
  /** Longest wait for one request's answer (default LINE_REQUEST_TIMEOUT_MS); past it the try counts as a network failure. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * LINE answers in well under a second; a request not answered in 10 s is given up (and tried
 * again, as a network failure is), so a stalled LINE cannot hold an answer job's slot for the
 * minutes the HTTP client would wait — the topology bench saw a slow stand-in stall every slot.
 */
export const LINE_REQUEST_TIMEOUT_MS = 10_000;

/**
 * The LINE Messaging API client for the sends (reply, push, multicast: POSTs to
 * LINE_API_BASE_URL over node:http, src/bot/line/http.ts; @line/bot-sdk's types for the
 * messages). 429 and 5xx are retried with backoff, honouring Retry-After; any other 4xx is
 * final. Pushes and multicasts carry X-Line-Retry-Key.
 */
export function createLineApi(env: Pick<Env, 'LINE_CHANNEL_ACCESS_TOKEN' | 'LINE_API_BASE_URL'>, opts: LineApiOptions = {}): LineApi {
  const token = env.LINE_CHANNEL_ACCESS_TOKEN;
  if (!token) throw new Error('LINE_CHANNEL_ACCESS_TOKEN is not set');
  const base = env.LINE_API_BASE_URL.replace(/\/+$/, '');
  const maxAttempts = opts.maxAttempts ?? 3;
  const maxWaitMs = opts.maxWaitMs ?? 10_000;
  const timeoutMs = opts.timeoutMs ?? LINE_REQUEST_TIMEOUT_MS;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const post = (path: string, body: unknown, retryKey?: string) => postLineJson(`${base}${path}`, token, body, retryKey ? { 'x-line-retry-key': retryKey } : {}, timeoutMs);

  async function withRetry(call: () => Promise<LineHttpAnswer>, hasRetryKey: boolean): Promise<LineAccepted> {
    // A try that got no answer (timeout, network) or a 5xx may have been delivered all the same.
    let mayHaveGone = false;
    for (let attempt = 1; ; attempt++) {
      let e: LineSendError;
      try {
        const answer = await call();
        countLineResult(answer.status);
        if (answer.status >= 200 && answer.status < 300) return { requestId: answer.header('x-line-request-id'), duplicate: false };
        // The same retry key was accepted before: the message went out once, count it as sent.
        if (hasRetryKey && answer.status === 409) return { requestId: answer.header('x-line-accepted-request-id') ?? answer.header('x-line-request-id'), duplicate: true };
        e = refusal(answer);
      } catch (err) {
        e = toSendError(err);
        countLineResult(e.status);
      }
      // The reply API has no retry key, but a reply token works once: refused on the try after
      // one that may have gone out, it was that one that used it. Falling back to a push (as
      // for an expired token) would send the same message twice.
      if (!hasRetryKey && mayHaveGone && isUsedReplyToken(e)) return { requestId: null, duplicate: true };
      mayHaveGone ||= e.status === null || e.status >= 500;
      const wait = e.retryAfterMs ?? 500 * 2 ** (attempt - 1);
      if (!e.transient || attempt >= maxAttempts || wait > maxWaitMs) throw e;
      await sleep(wait);
    }
  }

  return {
    reply: (replyToken, messages) => inSpan('line.reply', {}, () => withRetry(() => post('/v2/bot/message/reply', { replyToken, messages }), false)),
    push: (to, messages, retryKey) => inSpan('line.push', {}, () => withRetry(() => post('/v2/bot/message/push', { to, messages }, retryKey), true)),
    multicast: (to, messages, retryKey) => inSpan('line.multicast', { 'mimamori.recipients': to.length }, () => withRetry(() => post('/v2/bot/message/multicast', { to, messages }, retryKey), true)),
  };
}

/** A non-2xx answer as the send's error: 429 and 5xx are worth trying again. */
function refusal(answer: LineHttpAnswer): LineSendError {
  const transient = answer.status === 429 || answer.status >= 500;
  return new LineSendError(`LINE API ${answer.status}: ${lineErrorMessage(answer.body)}`, answer.status, transient, retryAfterMs(answer.header('retry-after')), answer.header('x-line-request-id'));
}

/** LINE's refusal of a reply token that is used up (or expired: only the caller's clock tells them apart). */
export function isUsedReplyToken(e: LineSendError): boolean {
  return e.status === 400 && /reply token/i.test(e.message);
}

function toSendError(err: unknown): LineSendError {
  if (err instanceof LineSendError) return err;
  if (err instanceof LineRequestTimeout) return new LineSendError(err.message, null, true);
  // Network errors and timeouts: the request may not have arrived; the retry key makes a retry safe.
  return new LineSendError(`LINE API unreachable: ${(err as Error)?.message ?? String(err)}`, null, true);
}

function lineErrorMessage(body: string): string {
  try {
    return String((JSON.parse(body) as { message?: string }).message ?? body).slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}

/** Retry-After is seconds or an HTTP date. */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
