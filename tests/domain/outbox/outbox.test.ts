import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordOutboundRows, sendOutboxRow, type NewOutbound, type SendOutcome } from '../../../src/domain/outbox/outbox';
import { inboundEvents, outboundMessages } from '../../../db/schema';
import { claimLeased, unsentRepliesOfSender } from '../../../src/domain/outbox/outbound-messages';
import { createTestDeps, type TestDeps } from '../../support/deps';

let deps: TestDeps;
const NOW = new Date('2026-05-01T01:00:00Z');
const clock = { deps: () => ({ db: deps.db, now: () => NOW }) };

beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(async () => deps.close());

const msg = (n: number, key: string = randomUUID()): NewOutbound => ({ personId: null, sessionId: null, channel: 'sms', kind: 'reply', retryKey: `test:${key}:${n}`, body: { text: `part ${n}` } });

describe('the one outbox', () => {
  it('records many rows in one go, once per retry key, and returns them in the order given', async () => {
    const key = randomUUID();
    const rows = [msg(2, key), msg(0, key), msg(1, key)];
    const first = await recordOutboundRows(deps.db, rows, NOW);
    expect(first.map((r) => r.retryKey)).toEqual(rows.map((r) => r.retryKey));
    expect(first.every((r) => r.status === 'queued' && r.attempts === 0)).toBe(true);
    // A retried job records the same rows again: nothing new, the same rows back.
    const again = await recordOutboundRows(deps.db, [rows[1]!, { ...rows[0]!, body: { text: 'changed' } }], NOW);
    expect(again.map((r) => r.id)).toEqual([first[1]!.id, first[0]!.id]);
    expect(again[1]!.body).toEqual({ text: 'part 2' });
    expect(await recordOutboundRows(deps.db, [], NOW)).toEqual([]);
  });

  it('claims, sends and settles a row once; a second send finds it taken', async () => {
    const [row] = await recordOutboundRows(deps.db, [msg(0)], NOW);
    const sends: string[] = [];
    const send = async (r: { id: string; attempts: number }): Promise<SendOutcome> => {
      sends.push(r.id);
      expect(r.attempts).toBe(1); // the claim counts the try
      return { accepted: true, status: 'sent', providerMessageId: 'P-1', merge: { via: 'push' } };
    };
    const done = await sendOutboxRow(clock.deps(), row!.id, { kind: 'queued' }, send);
    expect(done?.outcome.accepted).toBe(true);
    expect(await sendOutboxRow(clock.deps(), row!.id, { kind: 'queued' }, send)).toBeNull();
    expect(sends).toEqual([row!.id]);
    const [settled] = await recordOutboundRows(deps.db, [{ ...msg(0), retryKey: row!.retryKey }], NOW);
    expect(settled).toMatchObject({ status: 'sent', providerMessageId: 'P-1', attempts: 1, errorCode: null, body: { text: 'part 0', via: 'push' } });
  });

  it('puts a row back in the queue on a transient refusal and fails it on a permanent one', async () => {
    const [a, b] = await recordOutboundRows(deps.db, [msg(0), msg(1)], NOW);
    await sendOutboxRow(clock.deps(), a!.id, { kind: 'queued' }, async () => ({ accepted: false, transient: true, errorCode: '429', errorMessage: 'slow down' }));
    await sendOutboxRow(clock.deps(), b!.id, { kind: 'queued' }, async () => ({ accepted: false, transient: false, errorCode: '21211', errorMessage: 'x'.repeat(800) }));
    const [ra, rb] = await recordOutboundRows(deps.db, [{ ...msg(1), retryKey: a!.retryKey }, { ...msg(2), retryKey: b!.retryKey }], NOW);
    expect(ra).toMatchObject({ status: 'queued', errorCode: '429', errorMessage: 'slow down', attempts: 1 });
    expect(rb).toMatchObject({ status: 'failed', errorCode: '21211', attempts: 1 });
    expect(rb!.errorMessage).toHaveLength(500);
    // Queued again: the job's retry takes it once more; the failed one is never sent again.
    expect(await sendOutboxRow(clock.deps(), a!.id, { kind: 'queued' }, async () => ({ accepted: true, status: 'sending', providerMessageId: 'SM1' }))).not.toBeNull();
    expect(await sendOutboxRow(clock.deps(), b!.id, { kind: 'queued' }, async () => ({ accepted: true, status: 'sending', providerMessageId: 'SM2' }))).toBeNull();
    const [sending] = await recordOutboundRows(deps.db, [{ ...msg(0), retryKey: a!.retryKey }], NOW);
    expect(sending).toMatchObject({ status: 'sending', providerMessageId: 'SM1', attempts: 2, errorCode: null, errorMessage: null });
  });

  it('a LINE job looks up only the replies it may claim: its own, nobody\'s, or another run\'s past the lease', async () => {
    const sender = `U${randomUUID().replaceAll('-', '')}`;
    const events = await deps.db
      .insert(inboundEvents)
      .values([0, 1, 2, 3].map(() => ({ provider: 'line' as const, providerEventId: randomUUID(), senderKey: sender, payload: {}, receivedAt: NOW })))
      .returning({ id: inboundEvents.id, seq: inboundEvents.seq });
    const lease = { queuedMs: 2 * 60_000, sendingMs: 10 * 60_000 };
    const longAgo = new Date(NOW.getTime() - 11 * 60_000);
    const owners = ['event:mine', 'event:other', 'event:other', null];
    const rows = await deps.db
      .insert(outboundMessages)
      .values(events.map((e, i) => ({ channel: 'line' as const, kind: 'reply', retryKey: `line:event:${e.id}`, status: i === 2 ? ('sending' as const) : ('queued' as const), body: owners[i] ? { owner: owners[i] } : {}, createdAt: NOW, updatedAt: i === 2 ? longAgo : NOW })))
      .returning({ id: outboundMessages.id });
    const opts = { provider: 'line' as const, senderKey: sender, seq: Number(events.at(-1)!.seq), retryKeyPrefix: 'line:event:', recent: 50 };
    // Without a claimant: every unsent row, as before.
    expect(await unsentRepliesOfSender(deps.db, opts)).toEqual(rows.map((r) => r.id));
    // As 'event:mine': not the fresh row another run is sending (row 1) — its claim would fail too.
    const mine = await unsentRepliesOfSender(deps.db, { ...opts, claimableBy: { claimant: 'event:mine', now: NOW, lease } });
    expect(mine).toEqual([rows[0]!.id, rows[2]!.id, rows[3]!.id]);
    expect(await claimLeased(deps.db, rows[1]!.id, 'event:mine', NOW, lease)).toBeNull();
    for (const id of mine) expect(await claimLeased(deps.db, id, 'event:mine', NOW, lease)).not.toBeNull();
  });
});
