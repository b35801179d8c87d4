import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

export const LINE_TEST_BASE_URL = 'https://line-api.test';

export interface LineApiCall {
  endpoint: 'reply' | 'push' | 'multicast' | 'richmenu' | 'richmenu-image' | 'richmenu-default' | 'other';
  path: string;
  retryKey: string | null;
  authorization: string | null;
  body: any;
}

type Scripted = { status: number; headers?: Record<string, string>; body?: unknown };

const ENDPOINTS: [RegExp, LineApiCall['endpoint']][] = [
  [/^\/v2\/bot\/message\/reply$/, 'reply'],
  [/^\/v2\/bot\/message\/push$/, 'push'],
  [/^\/v2\/bot\/message\/multicast$/, 'multicast'],
  [/^\/v2\/bot\/richmenu$/, 'richmenu'],
  [/^\/v2\/bot\/richmenu\/[^/]+\/content$/, 'richmenu-image'],
  [/^\/v2\/bot\/user\/all\/richmenu\/[^/]+$/, 'richmenu-default'],
];

/** A call held back until the test releases it: LINE answering slowly. */
export interface HeldCall {
  /** Resolves when the call has reached the stand-in (and is being held). */
  arrived: Promise<void>;
  release(): void;
}

/**
 * A stand-in for the LINE Messaging API (msw, Node): records every call and behaves like
 * LINE where it matters — a retry key seen before answers 409 with the accepted request
 * id; a reply token used before answers 400 "Invalid reply token"; scripted failures
 * (429 with Retry-After, 5xx, 400) can be queued per endpoint, and a call can be held to
 * make LINE slow. Point the app at it with LINE_API_BASE_URL=https://line-api.test.
 * @example const line = createLineApiMock(); line.server.listen(); line.failNext('push', { status: 429, headers: { 'retry-after': '1' } });
 */
export function createLineApiMock(baseUrl = LINE_TEST_BASE_URL) {
  const calls: LineApiCall[] = [];
  const scripted = new Map<LineApiCall['endpoint'], Scripted[]>();
  const accepted = new Map<string, string>(); // retry key → request id
  const usedReplyTokens = new Set<string>();
  let outage: Scripted | null = null;
  const holds = new Map<LineApiCall['endpoint'], { arrive: () => void; released: Promise<void> }[]>();
  let n = 0;

  const handler = http.all(`${baseUrl}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const endpoint = ENDPOINTS.find(([re]) => re.test(url.pathname))?.[1] ?? 'other';
    const type = request.headers.get('content-type') ?? '';
    const body: any = type.includes('json') ? await request.json().catch(() => null) : request.method === 'POST' ? await request.arrayBuffer().then((b) => b.byteLength) : null;
    const retryKey = request.headers.get('x-line-retry-key');
    calls.push({ endpoint, path: url.pathname, retryKey, authorization: request.headers.get('authorization'), body });
    // LINE takes a reply token once, when the request arrives, however long it then takes to answer.
    const replyToken = endpoint === 'reply' ? (body?.replyToken as string | undefined) : undefined;
    const reusedToken = replyToken !== undefined && usedReplyTokens.has(replyToken);
    if (replyToken !== undefined) usedReplyTokens.add(replyToken);
    const hold = holds.get(endpoint)?.shift();
    if (hold) {
      hold.arrive();
      await hold.released;
    }
    const next = scripted.get(endpoint)?.shift() ?? outage;
    if (next) return HttpResponse.json((next.body ?? { message: `scripted ${next.status}` }) as Record<string, unknown>, { status: next.status, headers: next.headers });
    if (reusedToken) return HttpResponse.json({ message: 'Invalid reply token' }, { status: 400, headers: { 'x-line-request-id': `req-${++n}` } });
    if (retryKey && accepted.has(retryKey)) {
      return HttpResponse.json({ message: 'The retry key is already accepted' }, { status: 409, headers: { 'x-line-request-id': `req-${++n}`, 'x-line-accepted-request-id': accepted.get(retryKey)! } });
    }
    const requestId = `req-${++n}`;
    if (retryKey) accepted.set(retryKey, requestId);
    const headers = { 'x-line-request-id': requestId };
    if (endpoint === 'richmenu') return HttpResponse.json({ richMenuId: `richmenu-${n}` }, { headers });
    if (endpoint === 'reply' || endpoint === 'push') return HttpResponse.json({ sentMessages: (body?.messages ?? []).map((_: unknown, i: number) => ({ id: `${n}${i}` })) }, { headers });
    return HttpResponse.json({}, { headers });
  });

  const server = setupServer(handler);
  return {
    server,
    calls,
    /** Answer the next call to `endpoint` with this status (e.g. 429 + retry-after) instead of success. */
    failNext(endpoint: LineApiCall['endpoint'], response: Scripted) {
      scripted.set(endpoint, [...(scripted.get(endpoint) ?? []), response]);
    },
    /** LINE down: every call answers this (e.g. 503) until `setOutage(null)`. */
    setOutage(response: Scripted | null) {
      outage = response;
    },
    /** Hold the next call to `endpoint` until released (the token or key is taken on arrival, as LINE does). */
    hold(endpoint: LineApiCall['endpoint']): HeldCall {
      let arrive!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((r) => (arrive = r));
      const released = new Promise<void>((r) => (release = r));
      holds.set(endpoint, [...(holds.get(endpoint) ?? []), { arrive, released }]);
      return { arrived, release };
    },
    /** Pretend LINE already accepted this retry key (a send that succeeded but whose answer was lost). */
    markAccepted(retryKey: string) {
      accepted.set(retryKey, `req-earlier-${++n}`);
    },
    reset() {
      calls.length = 0;
      scripted.clear();
      holds.clear();
      outage = null;
    },
    of(endpoint: LineApiCall['endpoint']) {
      return calls.filter((c) => c.endpoint === endpoint);
    },
  };
}
export type LineApiMock = ReturnType<typeof createLineApiMock>;
