import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal local stand-in for the LINE Messaging API's send endpoints, enforcing LINE's
 * published limits: multicast 200 requests/s and push 2,000 requests/s per channel (a
 * fixed one-second window; 429 above), at most 500 recipients a multicast, and
 * X-Line-Retry-Key: a key already accepted answers 409 with x-line-accepted-request-id,
 * as LINE does, so a retried request is never delivered twice.
 * `holdMs` delays every answer (to kill a worker while its request is in flight).
 */
export interface LineStandInStats {
  accepted: number;
  recipients: number;
  rejected429: number;
  duplicates: number;
  /** Accepted requests per retry key (more than 1 would be a double send). */
  perRetryKey: Map<string, number>;
  /** How often each recipient was sent a message. */
  perRecipient: Map<string, number>;
  firstAcceptedAt: number | null;
  lastAcceptedAt: number | null;
}

export interface LineStandIn {
  url: string;
  stats: LineStandInStats;
  /** Resolves when the n-th request (accepted or not) arrived. */
  requestArrived(n?: number): Promise<void>;
  close(): Promise<void>;
}

const LIMITS: Record<string, number> = { '/v2/bot/message/multicast': 200, '/v2/bot/message/push': 2000 };

export async function startLineStandIn(opts: { holdMs?: number; multicastPerSecond?: number; pushPerSecond?: number } = {}): Promise<LineStandIn> {
  const limits: Record<string, number | undefined> = { ...LIMITS, ...(opts.multicastPerSecond ? { '/v2/bot/message/multicast': opts.multicastPerSecond } : {}), ...(opts.pushPerSecond ? { '/v2/bot/message/push': opts.pushPerSecond } : {}) };
  const stats: LineStandInStats = { accepted: 0, recipients: 0, rejected429: 0, duplicates: 0, perRetryKey: new Map(), perRecipient: new Map(), firstAcceptedAt: null, lastAcceptedAt: null };
  const windows = new Map<string, { second: number; count: number }>();
  const acceptedKeys = new Map<string, string>();
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

  const handle = (req: IncomingMessage, body: string, res: ServerResponse) => {
    arrived++;
    for (const w of waiters.filter((x) => arrived >= x.n)) w.resolve();
    const path = (req.url ?? '').split('?')[0]!;
    const limit = limits[path];
    if (req.method !== 'POST' || limit === undefined) return answer(res, 404, { message: 'Not found' });
    if (!/^Bearer .+/.test(req.headers.authorization ?? '')) return answer(res, 401, { message: 'Authentication failed' });
    const second = Math.floor(Date.now() / 1000);
    const w = windows.get(path);
    if (!w || w.second !== second) windows.set(path, { second, count: 1 });
    else if (++w.count > limit) {
      stats.rejected429++;
      return answer(res, 429, { message: 'The API rate limit has been exceeded. Try again later.' });
    }
    let parsed: { to?: string | string[]; messages?: unknown[] };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return answer(res, 400, { message: 'The request body has 1 error(s)' });
    }
    const to = Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : [];
    if (to.length === 0 || to.length > 500 || !Array.isArray(parsed.messages) || parsed.messages.length === 0 || parsed.messages.length > 5) {
      return answer(res, 400, { message: 'The request body has 1 error(s)' });
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
    for (const r of to) stats.perRecipient.set(r, (stats.perRecipient.get(r) ?? 0) + 1);
    stats.accepted++;
    stats.recipients += to.length;
    stats.firstAcceptedAt ??= Date.now();
    stats.lastAcceptedAt = Date.now();
    return answer(res, 200, {}, { 'x-line-request-id': requestId });
  };

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
    requestArrived(n = 1) {
      if (arrived >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
