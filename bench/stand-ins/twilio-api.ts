import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenBucket } from './token-bucket';

/**
 * A local stand-in for Twilio's REST API: Messages.json and Calls.json under
 * /2010-04-01/Accounts/:sid/, HTTP Basic auth with the account SID and auth token, rate
 * limits as token buckets (calls: Twilio's default 1 call/s per account; messages: 1
 * message/s per sending number × `senders`, or `messagesPerSecond`), 429 with Twilio's
 * error 20429 and Retry-After above them. Accepted requests answer `queued` and, when a
 * StatusCallback was given, post sent → delivered (SMS) or initiated → completed (calls)
 * back, signed with X-Twilio-Signature like Twilio signs them. `sendWebhook` posts an
 * inbound form (an SMS reply, a gathered digit) to the app the same way.
 */
export interface TwilioStandInOptions {
  accountSid: string;
  authToken: string;
  senders?: number;
  messagesPerSecond?: number;
  callsPerSecond?: number;
  /** Post status callbacks (default true). */
  statusCallbacks?: boolean;
}

export interface TwilioRecord {
  kind: 'message' | 'call';
  sid: string;
  to: string;
  from: string;
  body?: string;
  at: number;
}

export interface TwilioStandIn {
  url: string;
  stats: { messages: number; calls: number; rejected429: number; rejected401: number; rejected400: number; callbacksSent: number; callbackFailures: number };
  records: TwilioRecord[];
  /** Resolves once every status callback posted so far has had its answer. */
  callbacksSettled(): Promise<void>;
  sendWebhook(url: string, params: Record<string, string>): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** Twilio's signature: base64(HMAC-SHA1(auth token, URL + each name+value, names sorted)). */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  let data = url;
  for (const name of Object.keys(params).sort()) data += name + params[name];
  return createHmac('sha1', authToken).update(data).digest('base64');
}

export async function startTwilioStandIn(opts: TwilioStandInOptions): Promise<TwilioStandIn> {
  const messageBucket = new TokenBucket(opts.messagesPerSecond ?? opts.senders ?? 1);
  const callBucket = new TokenBucket(opts.callsPerSecond ?? 1);
  const stats = { messages: 0, calls: 0, rejected429: 0, rejected401: 0, rejected400: 0, callbacksSent: 0, callbackFailures: 0 };
  const records: TwilioRecord[] = [];
  const pending = new Set<Promise<unknown>>();
  const expectedAuth = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}) =>
    json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, headers);

  const sendWebhook = async (url: string, params: Record<string, string>) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(opts.authToken, url, params) }, body: new URLSearchParams(params).toString() });
    return { status: res.status, body: await res.text() };
  };
  const callback = (url: string, statuses: Record<string, string>[]) => {
    if (opts.statusCallbacks === false) return;
    const run = (async () => {
      for (const params of statuses) {
        const r = await sendWebhook(url, params).catch(() => ({ status: 0 }));
        stats.callbacksSent++;
        if (r.status < 200 || r.status >= 300) stats.callbackFailures++;
      }
    })();
    pending.add(run);
    void run.finally(() => pending.delete(run));
  };

  const handle = (req: IncomingMessage, raw: string, res: ServerResponse) => {
    const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/(Messages|Calls)\.json$/.exec((req.url ?? '').split('?')[0]!);
    if (req.method !== 'POST' || !m) return error(res, 404, 20404, 'The requested resource was not found');
    if (req.headers.authorization !== expectedAuth || m[1] !== opts.accountSid) {
      stats.rejected401++;
      return error(res, 401, 20003, 'Authenticate');
    }
    const kind = m[2] === 'Messages' ? 'message' : 'call';
    const bucket = kind === 'message' ? messageBucket : callBucket;
    if (!bucket.take()) {
      stats.rejected429++;
      return error(res, 429, 20429, 'Too Many Requests', { 'retry-after': String(bucket.retryAfterSeconds()) });
    }
    const form = Object.fromEntries(new URLSearchParams(raw));
    if (!/^\+[1-9]\d{6,14}$/.test(form.To ?? '')) {
      stats.rejected400++;
      return error(res, 400, 21211, "The 'To' number is not a valid phone number.");
    }
    if (kind === 'message' ? !form.Body : !form.Url && !form.Twiml) {
      stats.rejected400++;
      return error(res, 400, kind === 'message' ? 21602 : 21205, kind === 'message' ? 'Message body is required.' : 'Url parameter is required.');
    }
    const sid = `${kind === 'message' ? 'SM' : 'CA'}${randomBytes(16).toString('hex')}`;
    records.push({ kind, sid, to: form.To!, from: form.From ?? '', ...(form.Body ? { body: form.Body } : {}), at: Date.now() });
    if (kind === 'message') stats.messages++;
    else stats.calls++;
    const base = { AccountSid: opts.accountSid, To: form.To!, From: form.From ?? '' };
    if (form.StatusCallback) {
      callback(form.StatusCallback, kind === 'message'
        ? ['sent', 'delivered'].map((s) => ({ ...base, MessageSid: sid, SmsSid: sid, MessageStatus: s, SmsStatus: s }))
        : ['initiated', 'completed'].map((s) => ({ ...base, CallSid: sid, CallStatus: s, ...(s === 'completed' ? { CallDuration: '42' } : {}) })));
    }
    const now = new Date().toUTCString();
    return json(res, 201, { sid, account_sid: opts.accountSid, to: form.To, from: form.From ?? null, status: 'queued', date_created: now, date_updated: now, api_version: '2010-04-01', uri: `/2010-04-01/Accounts/${opts.accountSid}/${m[2]}/${sid}.json`, ...(kind === 'message' ? { body: form.Body, num_segments: '1', direction: 'outbound-api' } : { direction: 'outbound-api' }) });
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
    records,
    async callbacksSettled() {
      while (pending.size) await Promise.all([...pending]);
    },
    sendWebhook,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
