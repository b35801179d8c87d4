import { createHmac, randomUUID } from 'node:crypto';
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenBucket } from './token-bucket';

/**
 * A local stand-in for the LINE Messaging API's send endpoints, with LINE's published rules
 * (https://developers.line.biz/en/reference/messaging-api/#rate-limits):
 * - a bearer token is required (401 without one),
 * - push and reply 2,000 requests/s, multicast 200 requests/s per channel (token buckets;
 *   429 with Retry-After above them),
 * - at most 500 recipients a multicast and 1–5 messages a request (400 otherwise),
 * - X-Line-Retry-Key: a key already accepted answers 409 with x-line-accepted-request-id,
 *   as LINE does, so a retried request is accepted once and never delivered twice;
 * - a reply token is good once: used again, 400 "Invalid reply token".
 * It records what it accepted and, like a patient's phone, can post signed webhooks back to
 * the app (`sendWebhook`). `holdMs` delays every answer (to kill a worker mid-request).
 */
export interface LineStandInStats {
  accepted: number;
  recipients: number;
  rejected429: number;
  rejected400: number;
  rejected401: number;
  duplicates: number;
  /** Accepted requests per retry key (more than 1 would be a double send). */
  perRetryKey: Map<string, number>;
  /** How often each recipient was sent a message (off with `recordRecipients: false`). */
  perRecipient: Map<string, number>;
  firstAcceptedAt: number | null;
  lastAcceptedAt: number | null;
}

export interface LineDelivery {
  endpoint: 'push' | 'multicast' | 'reply';
  to: string[];
  replyToken?: string;
  messages: unknown[];
  requestId: string;
  at: number;
}

export interface LineStandInOptions {
  holdMs?: number;
  multicastPerSecond?: number;
  pushPerSecond?: number;
  replyPerSecond?: number;
  /** Keep every accepted request in `deliveries` (default true; off for million-person rounds). */
  recordDeliveries?: boolean;
  recordRecipients?: boolean;
  /** For sendWebhook: the channel secret the app verifies with and its webhook URL. */
  channelSecret?: string;
  webhookUrl?: string;
  /** For sendWebhook: how many connections the sender keeps open at most (default 256). */
  webhookConnections?: number;
  /** Called for every accepted request (a scenario's simulated phones read their messages here). */
  onDelivery?: (delivery: LineDelivery) => void;
  /** The buckets' clock in ms (tests freeze it to count the limits exactly). */
  clock?: () => number;
}

export interface LineStandIn {
  url: string;
  stats: LineStandInStats;
  deliveries: LineDelivery[];
  /** Resolves when the n-th request (accepted or not) arrived. */
  requestArrived(n?: number): Promise<void>;
  /** The app's answer to events posted signed, as LINE does; `phases`: where its `ms` went (WebhookPhases). */
  sendWebhook(events: object | object[], opts?: { url?: string; secret?: string; signature?: string }): Promise<{ status: number; ms: number; phases: WebhookPhases }>;
  close(): Promise<void>;
}

export const LINE_LIMITS = { multicast: 200, push: 2000, reply: 2000, multicastRecipients: 500, messagesPerRequest: 5 } as const;

export async function startLineStandIn(opts: LineStandInOptions = {}): Promise<LineStandIn> {
  const buckets = {
    '/v2/bot/message/multicast': new TokenBucket(opts.multicastPerSecond ?? LINE_LIMITS.multicast, opts.clock),
    '/v2/bot/message/push': new TokenBucket(opts.pushPerSecond ?? LINE_LIMITS.push, opts.clock),
    '/v2/bot/message/reply': new TokenBucket(opts.replyPerSecond ?? LINE_LIMITS.reply, opts.clock),
  } as Record<string, TokenBucket | undefined>;
  const stats: LineStandInStats = { accepted: 0, recipients: 0, rejected429: 0, rejected400: 0, rejected401: 0, duplicates: 0, perRetryKey: new Map(), perRecipient: new Map(), firstAcceptedAt: null, lastAcceptedAt: null };
  const deliveries: LineDelivery[] = [];
  const acceptedKeys = new Map<string, string>();
  const usedReplyTokens = new Set<string>();
  let arrived = 0;
  const waiters: { n: number; resolve: () => void }[] = [];

  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const send = () => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-line-request-id': randomUUID(), ...headers });
      res.end(JSON.stringify(body));
    };
    if (opts.holdMs) setTimeout(send, opts.holdMs);
    else send();
  };
  const bad = (res: ServerResponse, message: string) => {
    stats.rejected400++;
    answer(res, 400, { message: 'The request body has 1 error(s)', details: [{ message }] });
  };

  const handle = (req: IncomingMessage, body: string, res: ServerResponse) => {
    arrived++;
    for (const w of waiters.filter((x) => arrived >= x.n)) w.resolve();
    const path = (req.url ?? '').split('?')[0]!;
    const bucket = buckets[path];
    if (req.method !== 'POST' || !bucket) return answer(res, 404, { message: 'Not found' });
    if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) {
      stats.rejected401++;
      return answer(res, 401, { message: 'Authentication failed. Confirm that the access token in the authorization header is valid.' });
    }
    if (!bucket.take()) {
      stats.rejected429++;
      return answer(res, 429, { message: 'The API rate limit has been exceeded. Try again later.' }, { 'retry-after': String(bucket.retryAfterSeconds()) });
    }
    let parsed: { to?: unknown; replyToken?: unknown; messages?: unknown };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return bad(res, 'The request body is not JSON');
    }
    const endpoint = path.slice('/v2/bot/message/'.length) as LineDelivery['endpoint'];
    const to = endpoint === 'multicast' ? (Array.isArray(parsed.to) ? parsed.to : []) : endpoint === 'push' && typeof parsed.to === 'string' ? [parsed.to] : [];
    if (endpoint === 'reply' ? typeof parsed.replyToken !== 'string' : to.length === 0) return bad(res, endpoint === 'reply' ? 'replyToken is required' : 'to is required');
    if (to.length > LINE_LIMITS.multicastRecipients) return bad(res, `Size must be between 1 and ${LINE_LIMITS.multicastRecipients}`);
    const messages = parsed.messages;
    if (!Array.isArray(messages) || messages.length === 0 || messages.length > LINE_LIMITS.messagesPerRequest) return bad(res, `messages: size must be between 1 and ${LINE_LIMITS.messagesPerRequest}`);
    // A reply token works once, as on LINE (a reply retried after a lost answer is refused).
    if (endpoint === 'reply') {
      if (usedReplyTokens.has(parsed.replyToken as string)) {
        stats.rejected400++;
        return answer(res, 400, { message: 'Invalid reply token' });
      }
      usedReplyTokens.add(parsed.replyToken as string);
    }
    const retryKey = req.headers['x-line-retry-key'];
    if (typeof retryKey === 'string') {
      const earlier = acceptedKeys.get(retryKey);
      if (earlier) {
        stats.duplicates++;
        return answer(res, 409, { message: 'The retry key is already accepted' }, { 'x-line-accepted-request-id': earlier });
      }
    }
    const requestId = randomUUID();
    if (typeof retryKey === 'string') {
      acceptedKeys.set(retryKey, requestId);
      stats.perRetryKey.set(retryKey, (stats.perRetryKey.get(retryKey) ?? 0) + 1);
    }
    if (opts.recordRecipients !== false) for (const r of to as string[]) stats.perRecipient.set(r, (stats.perRecipient.get(r) ?? 0) + 1);
    const delivery: LineDelivery = { endpoint, to: to as string[], ...(endpoint === 'reply' ? { replyToken: parsed.replyToken as string } : {}), messages, requestId, at: Date.now() };
    if (opts.recordDeliveries !== false) deliveries.push(delivery);
    stats.accepted++;
    stats.recipients += to.length;
    stats.firstAcceptedAt ??= Date.now();
    stats.lastAcceptedAt = Date.now();
    opts.onDelivery?.(delivery);
    return answer(res, 200, endpoint === 'multicast' ? {} : { sentMessages: messages.map(() => ({ id: randomUUID(), quoteToken: randomUUID() })) }, { 'x-line-request-id': requestId });
  };

  // The phones' posts go through node:http on kept-alive connections: fetch costs the load
  // generator several times the CPU a request, which at 2,000 posts/s is the machine's.
  // At most 256 at once by default (as a sender's pool of connections): thousands of new connections
  // in a second overflow the intake's accept queue, and a connection the kernel dropped
  // there hangs at the client for minutes of TCP retransmission.
  // Every connection kept while idle (Node's agent closes the free ones past 256 by default):
  // a connection opened again mid-burst waits in the app's accept queue (see WebhookPhases).
  const webhookConnections = opts.webhookConnections ?? 256;
  const webhookAgent = new Agent({ keepAlive: true, maxSockets: webhookConnections, maxFreeSockets: webhookConnections });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    deliveries,
    requestArrived(n = 1) {
      if (arrived >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    async sendWebhook(events, o = {}) {
      const url = o.url ?? opts.webhookUrl;
      const secret = o.secret ?? opts.channelSecret;
      if (!url || !secret) throw new Error('sendWebhook needs the app webhook URL and the channel secret');
      const body = JSON.stringify({ destination: 'Ustandin', events: Array.isArray(events) ? events : [events] });
      const signature = o.signature ?? createHmac('sha256', secret).update(body).digest('base64');
      const t0 = performance.now();
      const { status, phases } = await postWebhook(webhookAgent, url, signature, body);
      return { status, ms: performance.now() - t0, phases };
    },
    close: () =>
      new Promise<void>((resolve) => {
        webhookAgent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A post the app has not answered by then is given up (the caller may deliver it again). */
const WEBHOOK_TIMEOUT_MS = 30_000;

/**
 * Where one webhook post's time went, on the sender's clock: waiting for one of the agent's
 * connections, opening a new one (0 on a kept one), writing the request, then the app's answer
 * (from the request written to the response's head: the network, the app's accept queue and
 * socket buffer, its event loop, its handler), and reading the response's body.
 */
export interface WebhookPhases {
  queuedMs: number;
  connectMs: number;
  newConnection: boolean;
  writeMs: number;
  answerMs: number;
  readMs: number;
}

/**
 * One signed webhook POST; resolves with the status once the answer's body is read, and where
 * its time went (WebhookPhases).
 */
function postWebhook(agent: Agent, url: string, signature: string, body: string): Promise<{ status: number; phases: WebhookPhases }> {
  const t0 = performance.now();
  let socketAt = t0;
  let connectedAt = 0;
  let writtenAt = 0;
  let headAt = 0;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, timeout: WEBHOOK_TIMEOUT_MS, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-line-signature': signature } }, (res) => {
      headAt = performance.now();
      res.resume(); // the body is not needed, only read to free the connection
      res.on('end', () => {
        const end = performance.now();
        const readyAt = connectedAt || socketAt;
        resolve({
          status: res.statusCode ?? 0,
          phases: { queuedMs: socketAt - t0, connectMs: readyAt - socketAt, newConnection: connectedAt > 0, writeMs: Math.max(0, (writtenAt || headAt) - readyAt), answerMs: headAt - Math.max(writtenAt, readyAt), readMs: end - headAt },
        });
      });
      res.on('error', reject);
    });
    req.on('socket', (socket) => {
      socketAt = performance.now();
      if (socket.connecting) socket.once('connect', () => (connectedAt = performance.now()));
    });
    req.on('finish', () => (writtenAt = performance.now()));
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${WEBHOOK_TIMEOUT_MS} ms`)));
    req.end(body);
  });
}

/** A LINE message event as a patient's phone sends it (fresh webhookEventId each time). */
export function lineTextEvent(userId: string, text: string, at = Date.now()) {
  return { type: 'message', mode: 'active', timestamp: at, webhookEventId: `01STANDIN${randomUUID().replace(/-/g, '').toUpperCase()}`, deliveryContext: { isRedelivery: false }, source: { type: 'user', userId }, replyToken: randomUUID().replace(/-/g, ''), message: { type: 'text', id: String(at), quoteToken: randomUUID(), text } };
}

/** A postback event (a tapped button). */
export function linePostbackEvent(userId: string, data: string, at = Date.now()) {
  return { type: 'postback', mode: 'active', timestamp: at, webhookEventId: `01STANDIN${randomUUID().replace(/-/g, '').toUpperCase()}`, deliveryContext: { isRedelivery: false }, source: { type: 'user', userId }, replyToken: randomUUID().replace(/-/g, ''), postback: { data } };
}
