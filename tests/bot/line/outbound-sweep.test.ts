import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alerts, inboundEvents, outboundMessages } from '../../../db/schema';
import { lineOutboundJob } from '../../../src/jobs/line-outbound';
import { OUTBOUND_GIVE_UP_MS } from '../../../src/bot/line/outbound-sweep';
import { sweepLineOutbound } from '../../../src/jobs/line-outbound-sweep';
import { QUEUED_LEASE_MS, SENDING_LEASE_MS } from '../../../src/bot/line/outbox';
import { eventRetryKey, processLineInbound } from '../../../src/bot/line/process-inbound';
import { lineRetryUuid } from '../../../src/bot/line/retry-key';
import { runTick } from '../../../src/jobs/tick';
import { clock, endMonitoringOf, linkedPatient, postWebhook, setupLine, textEvent, textsOf, type LineTest } from './helpers';

let t: LineTest;
beforeAll(async () => {
  t = await setupLine();
});
afterAll(async () => t.close());
beforeEach(async () => {
  t.line.reset();
  await t.deps.jobs.queue('outbound').drain(true);
  // Each test counts the rows it leaves unsent; earlier tests' rows are out of the way.
  await t.deps.db.update(outboundMessages).set({ status: 'failed' }).where(inArray(outboundMessages.status, ['queued', 'sending']));
});

const DOWN = { status: 503, headers: { 'retry-after': '0' } }; // LINE down; no in-process wait

/** A message from the user while LINE is down: its job cannot send the reply (and, after its retries, gives up). */
async function answerWhileDown(user: string, text: string) {
  clock.at = new Date(clock.at.getTime() + 1000);
  const ev = textEvent(user, text);
  expect((await postWebhook(t, [ev])).status).toBe(200);
  const [row] = await t.deps.db.select().from(inboundEvents).where(eq(inboundEvents.providerEventId, ev.webhookEventId));
  await expect(processLineInbound(t.deps, row!.id)).rejects.toThrow(/503/);
  const [out] = await t.deps.db.select().from(outboundMessages).where(eq(outboundMessages.retryKey, eventRetryKey(row!.id)));
  expect(out).toMatchObject({ status: 'queued', attempts: 1 });
  return out!;
}

/** What a worker on the outbound queue would do: run every waiting line.outbound job. */
async function runOutboundJobs() {
  const jobs = await t.deps.jobs.queue('outbound').getJobs(['waiting']);
  for (const job of jobs) {
    await lineOutboundJob.handler(job.data, t.deps, job);
    await job.remove();
  }
  return jobs.length;
}

const rowOf = async (id: string) => (await t.deps.db.select().from(outboundMessages).where(eq(outboundMessages.id, id)))[0]!;
const later = (ms: number) => (clock.at = new Date(clock.at.getTime() + ms));

describe('LINE outbound sweep (the database is the truth)', () => {
  it('sends a reply again by push, with the same retry key, once LINE is back after an outage longer than the job retries', async () => {
    const { user } = await linkedPatient(t);
    t.line.reset();
    t.line.setOutage(DOWN);
    const row = await answerWhileDown(user, '今すぐ報告');
    expect(t.line.calls.map((c) => c.endpoint)).toEqual(['reply', 'reply', 'reply']);

    later(QUEUED_LEASE_MS / 2); // its job may still be retrying: not the sweep's yet
    expect(await sweepLineOutbound(t.deps, { now: clock.at, limit: 100 })).toEqual({ resent: 0, gaveUp: 0, enqueueFailed: false });

    later(QUEUED_LEASE_MS);
    const tick = await runTick(t.deps, clock.at);
    expect(tick.lineOutboundResent).toBe(1);
    await sweepLineOutbound(t.deps, { now: clock.at, limit: 100 }); // a second sweep meanwhile adds no second job
    expect(await runOutboundJobs()).toBe(1);
    expect(await rowOf(row.id)).toMatchObject({ status: 'queued', attempts: 2, errorCode: '503' }); // still down

    t.line.setOutage(null);
    later(QUEUED_LEASE_MS); // the wait doubles after each try: not yet
    expect((await sweepLineOutbound(t.deps, { now: clock.at, limit: 100 })).resent).toBe(0);
    later(QUEUED_LEASE_MS + 1000);
    expect((await sweepLineOutbound(t.deps, { now: clock.at, limit: 100 })).resent).toBe(1);
    await runOutboundJobs();

    const pushes = t.line.of('push');
    expect(pushes.length).toBeGreaterThanOrEqual(2);
    expect(new Set(pushes.map((p) => p.retryKey))).toEqual(new Set([lineRetryUuid(row.retryKey)]));
    expect(pushes.at(-1)!.body.to).toBe(user);
    expect(textsOf([pushes.at(-1)!])).toContain('体温');
    expect(await rowOf(row.id)).toMatchObject({ status: 'sent', attempts: 3, body: expect.objectContaining({ via: 'push' }) });
    expect((await sweepLineOutbound(t.deps, { now: later(OUTBOUND_GIVE_UP_MS), limit: 100 })).resent).toBe(0); // done
  });

  it('takes over a row whose sender died mid-send, after the lease', async () => {
    const { user } = await linkedPatient(t);
    t.line.setOutage(DOWN);
    const row = await answerWhileDown(user, 'こんにちは');
    t.line.reset();
    await t.deps.db.update(outboundMessages).set({ status: 'sending', updatedAt: clock.at }).where(eq(outboundMessages.id, row.id)); // claimed, then the worker died
    later(QUEUED_LEASE_MS * 4);
    expect((await sweepLineOutbound(t.deps, { now: clock.at, limit: 100 })).resent).toBe(0); // it may still be sending
    later(SENDING_LEASE_MS);
    expect((await sweepLineOutbound(t.deps, { now: clock.at, limit: 100 })).resent).toBe(1);
    await runOutboundJobs();
    expect(await rowOf(row.id)).toMatchObject({ status: 'sent' });
    expect(t.line.of('push')).toHaveLength(1);
  });

  it('gives up after the bound: failed, and a channel_lost alert only for a person under monitoring', async () => {
    const watched = await linkedPatient(t);
    const ended = await linkedPatient(t);
    await endMonitoringOf(t.deps, ended.personId);
    t.line.setOutage(DOWN);
    const a = await answerWhileDown(watched.user, 'こんにちは');
    const b = await answerWhileDown(ended.user, 'こんにちは');
    later(OUTBOUND_GIVE_UP_MS + 60_000);
    const swept = await sweepLineOutbound(t.deps, { now: clock.at, limit: 100 });
    expect(swept).toMatchObject({ gaveUp: 2, resent: 0 });
    for (const id of [a.id, b.id]) expect(await rowOf(id)).toMatchObject({ status: 'failed', errorCode: 'undelivered' });
    const lost = await t.deps.db.select().from(alerts).where(eq(alerts.reason, 'channel_lost'));
    expect(lost.map((l) => l.personId)).toEqual([watched.personId]);
    expect(JSON.stringify(lost[0]!.details)).toContain('undelivered');
    expect(await runOutboundJobs()).toBe(0);
  });

  it('a push LINE refuses for good when sent again is recorded as failed, with an alert for a monitored person', async () => {
    const { user, personId } = await linkedPatient(t);
    t.line.setOutage(DOWN);
    const row = await answerWhileDown(user, 'こんにちは');
    t.line.reset();
    t.line.setOutage({ status: 400, body: { message: 'The user is not a friend' } });
    later(QUEUED_LEASE_MS + 1);
    await sweepLineOutbound(t.deps, { now: clock.at, limit: 100 });
    await runOutboundJobs();
    expect(t.line.of('push')).toHaveLength(1); // never retried
    expect(await rowOf(row.id)).toMatchObject({ status: 'failed', errorCode: '400' });
    const lost = await t.deps.db.select().from(alerts).where(and(eq(alerts.personId, personId), eq(alerts.reason, 'channel_lost')));
    expect(lost).toHaveLength(1);
  });
});
