import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINE_LIMITS, lineTextEvent, startLineStandIn, type LineStandIn } from '../../bench/stand-ins/line-api';
import { TokenBucket } from '../../bench/stand-ins/token-bucket';
import { startTwilioStandIn, type TwilioStandIn } from '../../bench/stand-ins/twilio-api';
import { verifyLineSignature } from '../../src/bot/line/signature';
import { twilioClient } from '../../src/bot/twilio/client';
import { verifyTwilioSignature } from '../../src/bot/twilio/signature';

/** A stand-in for the app's webhook: records each request's raw body and headers. */
async function recorder() {
  const got: { url: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { got, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const auth = { authorization: 'Bearer test-token', 'content-type': 'application/json' };
const text = { type: 'text', text: '体温を教えてください' };

describe('token bucket', () => {
  it('allows one second of requests at once, then refills at the rate', () => {
    let t = 0;
    const bucket = new TokenBucket(200, () => t);
    expect(Array.from({ length: 250 }, () => bucket.take()).filter(Boolean)).toHaveLength(200);
    expect(bucket.retryAfterSeconds()).toBe(1);
    t = 100; // 0.1 s later: 20 more
    expect(Array.from({ length: 50 }, () => bucket.take()).filter(Boolean)).toHaveLength(20);
  });
});

describe('LINE Messaging API stand-in', () => {
  let line: LineStandIn;
  const post = (path: string, body: unknown, headers: Record<string, string> = auth) => fetch(`${line.url}/v2/bot/message/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  beforeAll(async () => {
    line = await startLineStandIn({ channelSecret: 'channel-secret' });
  });
  afterAll(() => line.close());

  it('requires a bearer token', async () => {
    const res = await post('push', { to: 'U1', messages: [text] }, { 'content-type': 'application/json' });
    expect(res.status).toBe(401);
    expect(line.stats.accepted).toBe(0);
  });

  it('refuses more than 500 recipients or more than 5 messages with 400', async () => {
    const to = Array.from({ length: 501 }, (_, i) => `U${i}`);
    expect((await post('multicast', { to, messages: [text] })).status).toBe(400);
    expect((await post('push', { to: 'U1', messages: Array(6).fill(text) })).status).toBe(400);
    expect((await post('push', { to: 'U1', messages: [] })).status).toBe(400);
    expect((await post('multicast', { to: to.slice(0, 500), messages: Array(5).fill(text) })).status).toBe(200);
    expect(line.stats.rejected400).toBe(3);
    expect(line.deliveries.at(-1)?.to).toHaveLength(500);
  });

  it('accepts a retried X-Line-Retry-Key once and never delivers it twice', async () => {
    const headers = { ...auth, 'x-line-retry-key': '123e4567-e89b-12d3-a456-426614174000' };
    const first = await post('push', { to: 'Uretry', messages: [text] }, headers);
    const again = await post('push', { to: 'Uretry', messages: [text] }, headers);
    expect(first.status).toBe(200);
    expect(again.status).toBe(409);
    expect(again.headers.get('x-line-accepted-request-id')).toBe(first.headers.get('x-line-request-id'));
    expect(line.stats.perRecipient.get('Uretry')).toBe(1);
  });

  it('answers 429 with Retry-After above 200 multicasts and 2,000 pushes a second', async () => {
    // A frozen clock: exactly one second's allowance, whatever the machine's speed.
    let t = 0;
    const frozen = await startLineStandIn({ clock: () => t });
    try {
      const send = (path: string, body: unknown) => fetch(`${frozen.url}/v2/bot/message/${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
      // The clock is frozen, so the requests need not be simultaneous: 32 at a time (2,000
      // sockets opened at once time out on a loaded machine).
      const inLanes = async (n: number, each: (i: number) => Promise<Response>) => {
        const out: Response[] = [];
        let next = 0;
        const lane = async () => {
          while (next < n) {
            const i = next++;
            const res = await each(i);
            await res.arrayBuffer();
            out[i] = res;
          }
        };
        await Promise.all(Array.from({ length: 32 }, lane));
        return out;
      };
      const multicasts = await inLanes(LINE_LIMITS.multicast + 20, () => send('multicast', { to: ['Ua', 'Ub'], messages: [text] }));
      expect(multicasts.filter((r) => r.status === 200)).toHaveLength(LINE_LIMITS.multicast);
      const limited = multicasts.filter((r) => r.status === 429);
      expect(limited).toHaveLength(20);
      expect(limited[0]!.headers.get('retry-after')).toBe('1');
      // Push has its own, larger bucket: 2,000 more go through, the next is refused.
      const pushes = await inLanes(LINE_LIMITS.push + 5, (i) => send('push', { to: `U${i}`, messages: [text] }));
      expect(pushes.filter((r) => r.status === 200)).toHaveLength(LINE_LIMITS.push);
      expect(pushes.filter((r) => r.status === 429)).toHaveLength(5);
      t = 1000; // a second later the multicast bucket is full again
      expect((await send('multicast', { to: ['Ua'], messages: [text] })).status).toBe(200);
      expect(frozen.stats.rejected429).toBe(25);
    } finally {
      await frozen.close();
    }
  });

  it('posts webhooks signed with the channel secret, which the app verifies', async () => {
    const app = await recorder();
    try {
      const r = await line.sendWebhook(lineTextEvent('Upatient', '36.8'), { url: `${app.url}/webhooks/line` });
      expect(r.status).toBe(200);
      const [req] = app.got;
      const body = new TextEncoder().encode(req!.body);
      expect(await verifyLineSignature('channel-secret', body, req!.headers['x-line-signature'] as string)).toBe(true);
      expect(await verifyLineSignature('another-secret', body, req!.headers['x-line-signature'] as string)).toBe(false);
      expect(JSON.parse(req!.body).events[0].message.text).toBe('36.8');
    } finally {
      await app.close();
    }
  });
});

describe('Twilio REST API stand-in', () => {
  const accountSid = `AC${'1'.repeat(32)}`;
  const authToken = 'twilio-auth-token';
  let twilio: TwilioStandIn;
  let app: Awaited<ReturnType<typeof recorder>>;
  beforeAll(async () => {
    twilio = await startTwilioStandIn({ accountSid, authToken, senders: 3 });
    app = await recorder();
  });
  afterAll(async () => {
    await twilio.close();
    await app.close();
  });
  const client = () => twilioClient({ accountSid, authToken, fromNumber: '+815000000000', apiBaseUrl: twilio.url, publicBaseUrl: app.url });

  it('takes a message from the twilio package, answers queued and posts signed status callbacks', async () => {
    const msg = await client().messages.create({ to: '+819012345678', from: '+815000000000', body: '体温を', statusCallback: `${app.url}/webhooks/twilio/status` });
    expect(msg.status).toBe('queued');
    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    await twilio.callbacksSettled();
    const statuses = app.got.map((r) => Object.fromEntries(new URLSearchParams(r.body)));
    expect(statuses.map((s) => s.MessageStatus)).toEqual(['sent', 'delivered']);
    for (const r of app.got) {
      const params = Object.fromEntries(new URLSearchParams(r.body));
      expect(await verifyTwilioSignature(authToken, `${app.url}${r.url}`, params, r.headers['x-twilio-signature'] as string)).toBe(true);
    }
  });

  it('refuses a wrong auth token with 401', async () => {
    const res = await fetch(`${twilio.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${accountSid}:wrong`).toString('base64')}` }, body: 'To=%2B819012345678&Body=x' });
    expect(res.status).toBe(401);
  });

  it('allows 1 call/s per account and one message/s per sending number; 429 (20429) above', async () => {
    const form = (body: Record<string, string>) => ({ method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
    const calls = await Promise.all([1, 2, 3].map(() => fetch(`${twilio.url}/2010-04-01/Accounts/${accountSid}/Calls.json`, form({ To: '+819012345678', From: '+815000000000', Url: `${app.url}/voice` }))));
    expect(calls.map((r) => r.status).sort()).toEqual([201, 429, 429]);
    expect((await calls.find((r) => r.status === 429)!.json()).code).toBe(20429);
    // 3 senders: 3 a second; one was spent by the first test, less than a second ago or refilled.
    const messages = await Promise.all(Array.from({ length: 6 }, () => fetch(`${twilio.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, form({ To: '+819012345678', Body: 'x' }))));
    expect(messages.filter((r) => r.status === 201).length).toBeLessThanOrEqual(3);
    expect(messages.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(3);
  });

  it('signs an inbound SMS like Twilio does', async () => {
    const before = app.got.length;
    const r = await twilio.sendWebhook(`${app.url}/webhooks/twilio/sms`, { From: '+819012345678', Body: '36.5', MessageSid: 'SMx' });
    expect(r.status).toBe(200);
    const req = app.got[before]!;
    expect(await verifyTwilioSignature(authToken, `${app.url}${req.url}`, Object.fromEntries(new URLSearchParams(req.body)), req.headers['x-twilio-signature'] as string)).toBe(true);
  });
});
