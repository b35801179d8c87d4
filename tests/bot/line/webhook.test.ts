import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inboundEvents, outboundMessages } from '../../../db/schema';
import { claimOutbound, QUEUED_LEASE_MS, SENDING_LEASE_MS } from '../../../src/bot/line/outbox';
import { processLineInbound } from '../../../src/bot/line/process-inbound';
import { senderKeyOf } from '../../../src/bot/line/intake';
import { signLineBody } from '../../../src/bot/line/signature';
import { clock, lineEvent, newUserId, postWebhook, runInbound, setupLine, SECRET, storedEvents, textEvent, textsOf, type LineTest } from './helpers';

let t: LineTest;
beforeAll(async () => {
  t = await setupLine();
});
afterAll(async () => t.close());
beforeEach(() => t.line.reset());

describe('POST /webhooks/line — intake', () => {
  it('stores a correctly signed event with a hashed sender and answers 200', async () => {
    const user = newUserId();
    const ev = lineEvent(user, 'follow');
    const res = await postWebhook(t, [ev]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, stored: 1 });
    const [row] = await storedEvents(t, [ev.webhookEventId]);
    expect(row!.senderKey).toBe(await senderKeyOf(user));
    expect(row!.senderKey).not.toContain(user);
    expect(row!.processedAt).toBeNull();
  });

  it('refuses a wrong or missing signature with 401 and stores nothing', async () => {
    const ev = lineEvent(newUserId(), 'follow');
    const body = JSON.stringify({ events: [ev] });
    const wrong = await postWebhook(t, [], { rawBody: body, signature: await signLineBody('not-the-secret', body) });
    expect(wrong.status).toBe(401);
    const missing = await postWebhook(t, [], { rawBody: body, signature: null });
    expect(missing.status).toBe(401);
    // Signed, then the body changed on the way: refused too.
    const tampered = await postWebhook(t, [], { rawBody: body.replace('follow', 'unfollow'), signature: await signLineBody(SECRET, body) });
    expect(tampered.status).toBe(401);
    expect(await storedEvents(t, [ev.webhookEventId])).toHaveLength(0);
  });

  it('answers malformed JSON with 400 and a webhook verification request (no events) with 200', async () => {
    const bad = await postWebhook(t, [], { rawBody: '{"events": [' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'bad_request', message: expect.stringContaining('JSON') });
    const notLine = await postWebhook(t, [], { rawBody: '{"events":[{"type":"message"}]}' });
    expect(notLine.status).toBe(400);
    const huge = await postWebhook(t, [], { rawBody: `{"events":[],"pad":"${'x'.repeat(1024 * 1024)}"}` });
    expect(huge.status).toBe(413);
    const verify = await postWebhook(t, []);
    expect(verify.status).toBe(200);
  });

  it('processes a duplicate and a redelivered event once', async () => {
    const user = newUserId();
    const ev = textEvent(user, 'こんにちは');
    expect((await postWebhook(t, [ev])).status).toBe(200);
    const dup = await postWebhook(t, [ev]);
    expect(await dup.json()).toEqual({ ok: true, stored: 0 });
    const redelivered = { ...ev, deliveryContext: { isRedelivery: true } };
    expect(await (await postWebhook(t, [redelivered])).json()).toEqual({ ok: true, stored: 0 });
    const rows = await storedEvents(t, [ev.webhookEventId]);
    expect(rows).toHaveLength(1);
    await processLineInbound(t.deps, rows[0]!.id);
    await processLineInbound(t.deps, rows[0]!.id); // the job run again (retry, sweeper): nothing to do
    // (The run may take other senders' waiting events along, INBOUND_BATCH_SIZE: count this user's.)
    const mine = t.line.calls.filter((c) => c.body.replyToken === ev.replyToken || c.body.to === user);
    expect(mine).toHaveLength(1);
    expect(textsOf(mine)).toContain('12桁の連携コード');
    const [after] = await storedEvents(t, [ev.webhookEventId]);
    expect(after!.processedAt).not.toBeNull();
    expect(after!.attempts).toBe(1);
  });

  it("processes one user's events in order, whichever job runs first", async () => {
    const user = newUserId();
    const first = lineEvent(user, 'follow');
    const second = textEvent(user, 'hello');
    await postWebhook(t, [first, second]);
    const rows = await storedEvents(t, [first.webhookEventId, second.webhookEventId]);
    const later = rows.find((r) => r.providerEventId === second.webhookEventId)!;
    // The second event's job runs first: it takes the earlier event along, in order.
    const { processed } = await processLineInbound(t.deps, later.id);
    expect(processed).toBe(2);
    const out = await t.deps.db.select().from(outboundMessages).where(eq(outboundMessages.kind, 'greeting'));
    expect(out.length).toBeGreaterThan(0);
    expect(t.line.calls.map((c) => c.body.messages[0].text.slice(0, 8))).toEqual([expect.stringContaining('友だち追加'), expect.stringContaining('はじめに')]);
    const earlier = rows.find((r) => r.providerEventId === first.webhookEventId)!;
    expect((await processLineInbound(t.deps, earlier.id)).processed).toBe(0);
  });

  it('two jobs of one user running at the same time handle each event once, in order', async () => {
    const user = newUserId();
    const events = [lineEvent(user, 'follow'), textEvent(user, 'one'), textEvent(user, 'two')];
    await postWebhook(t, events);
    const rows = await storedEvents(t, events.map((e) => e.webhookEventId));
    const results = await Promise.all(rows.map((r) => processLineInbound(t.deps, r.id)));
    expect(results.reduce((n, r) => n + r.processed, 0)).toBe(3);
    const after = await storedEvents(t, events.map((e) => e.webhookEventId));
    expect(after.every((r) => r.processedAt && r.attempts === 1)).toBe(true);
    expect(t.line.calls).toHaveLength(3);
    expect(t.line.calls[0]!.body.messages[0].text).toContain('友だち追加');
  });

  it('two overlapping jobs of one sender send each reply once, though LINE is slow and refuses a reused reply token', async () => {
    const user = newUserId();
    const first = lineEvent(user, 'follow');
    const second = textEvent(user, 'hello');
    await postWebhook(t, [first, second]);
    const rows = await storedEvents(t, [first.webhookEventId, second.webhookEventId]);
    const byId = (id: string) => rows.find((r) => r.providerEventId === id)!;
    const slow = t.line.hold('reply'); // LINE takes its time answering the first reply
    // The second event's job takes the first event along and starts sending the greeting …
    const later = processLineInbound(t.deps, byId(second.webhookEventId).id);
    await slow.arrived;
    // … while the first event's own job runs: the greeting is not its to send.
    expect(await processLineInbound(t.deps, byId(first.webhookEventId).id)).toMatchObject({ processed: 0 });
    slow.release();
    await later;
    expect(t.line.calls.map((c) => c.endpoint)).toEqual(['reply', 'reply']);
    expect(new Set(t.line.calls.map((c) => c.body.replyToken)).size).toBe(2);
    expect(textsOf(t.line.calls)).toContain('友だち追加');
    const out = await t.deps.db.select().from(outboundMessages).where(inArray(outboundMessages.retryKey, rows.map((r) => `line:event:${r.id}`)));
    expect(out.map((o) => [o.status, o.attempts, (o.body as { via: string }).via])).toEqual([['sent', 1, 'reply'], ['sent', 1, 'reply']]);
  });

  it('claims a row once: of two senders racing for it, one sends', async () => {
    for (let round = 0; round < 5; round++) {
      const [row] = await t.deps.db
        .insert(outboundMessages)
        .values({ channel: 'line', kind: 'reply', retryKey: `line:test:claim:${randomUUID()}`, body: { to: newUserId(), messages: [{ type: 'text', text: 'x' }], owner: 'event:a' }, status: 'queued', createdAt: clock.at, updatedAt: new Date(clock.at.getTime() - QUEUED_LEASE_MS - 1) })
        .returning();
      // The owner's retry and the sweep (the lease has run out) at the same moment.
      const claims = await Promise.all([claimOutbound(t.deps.db, row!.id, 'event:a', clock.at), claimOutbound(t.deps.db, row!.id, 'sweep:1', clock.at)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await claimOutbound(t.deps.db, row!.id, 'sweep:2', clock.at)).toBeNull(); // being sent: not before its lease
      const late = new Date(clock.at.getTime() + SENDING_LEASE_MS + 1);
      expect(await claimOutbound(t.deps.db, row!.id, 'sweep:2', late)).toMatchObject({ status: 'sending', attempts: 2 }); // its sender died
    }
  });

  it('an event that keeps failing holds the sender\'s later events, then is given up after 5 tries so they go on', async () => {
    const user = newUserId();
    const broken = lineEvent(user, 'message', { message: { type: 'text', id: '1', text: 12345 } }); // not a string: the handler throws
    const next = lineEvent(user, 'follow');
    await postWebhook(t, [broken, next]);
    const rows = await storedEvents(t, [broken.webhookEventId, next.webhookEventId]);
    const laterId = rows.find((r) => r.providerEventId === next.webhookEventId)!.id;
    for (let run = 1; run < 5; run++) {
      await expect(processLineInbound(t.deps, laterId)).rejects.toThrow();
      const now = await storedEvents(t, [broken.webhookEventId, next.webhookEventId]);
      const b = now.find((r) => r.providerEventId === broken.webhookEventId)!;
      expect(b).toMatchObject({ attempts: run, processedAt: null, lastError: expect.any(String) });
      expect(now.find((r) => r.providerEventId === next.webhookEventId)!.processedAt).toBeNull(); // order kept
    }
    expect(await processLineInbound(t.deps, laterId)).toMatchObject({ processed: 1 });
    const done = await storedEvents(t, [broken.webhookEventId, next.webhookEventId]);
    expect(done.every((r) => r.processedAt)).toBe(true);
    expect(t.line.calls).toHaveLength(1); // the greeting for the follow
    expect(t.deps.logs.text).toContain('LINE event failed');
  });

  it('enqueues the inbound job: a worker processes a stored event', async () => {
    const ev = lineEvent(newUserId(), 'follow');
    t.deps.jobs.startWorkers(t.deps);
    await postWebhook(t, [ev]);
    const deadline = Date.now() + 25_000; // generous: the machine may be busy
    let row;
    do {
      await new Promise((r) => setTimeout(r, 100));
      [row] = await t.deps.db.select().from(inboundEvents).where(eq(inboundEvents.providerEventId, ev.webhookEventId));
    } while (!row?.processedAt && Date.now() < deadline);
    expect(row?.processedAt).not.toBeNull();
    // (The worker also drains jobs of earlier tests' events; this event's greeting went out once.)
    let out;
    do {
      [out] = await t.deps.db.select().from(outboundMessages).where(eq(outboundMessages.retryKey, `line:event:${row!.id}`));
      if (out?.status !== 'sent') await new Promise((r) => setTimeout(r, 100));
    } while (out?.status !== 'sent' && Date.now() < deadline);
    expect(out).toMatchObject({ status: 'sent', kind: 'greeting', attempts: 1 });
  });

  it('keeps personal data out of the logs', async () => {
    const user = newUserId();
    await postWebhook(t, [textEvent(user, '３７度８分')]);
    await runInbound(t);
    expect(t.deps.logs.text).not.toContain(user);
  });
});
