import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client';
import { inboundEvents } from '../../../db/schema';
import { MAX_EVENT_ATTEMPTS, processInOrder } from '../../../src/domain/inbox/process-in-order';
import { createTestDeps, type TestDeps } from '../../support/deps';

let deps: TestDeps;
const NOW = new Date('2026-05-01T01:00:00Z');

beforeAll(async () => {
  deps = await createTestDeps();
  await deps.db.execute(sql`create table inbox_effects (event_id uuid not null)`);
});
afterAll(async () => deps.close());

/** Store events of one sender, oldest first (seq follows the insert order). */
async function store(provider: 'twilio_sms' | 'twilio_status' | 'line', sender: string, payloads: unknown[]) {
  const rows = await deps.db
    .insert(inboundEvents)
    .values(payloads.map((payload) => ({ provider, providerEventId: randomUUID(), senderKey: sender, payload, receivedAt: NOW })))
    .returning({ id: inboundEvents.id });
  return rows.map((r) => r.id);
}

/** A handler that records its effect, then throws for events whose payload says so (the effect must not stay). */
async function handler(tx: Parameters<Parameters<typeof processInOrder>[4]>[0], event: { id: string; payload: unknown }) {
  await tx.execute(sql`insert into inbox_effects (event_id) values (${event.id})`);
  if ((event.payload as { broken?: boolean }).broken) throw new Error('cannot handle this event');
  return event.id;
}

const effects = async (ids: string[]) =>
  (await queryRows<{ event_id: string }>(deps.db, sql`select event_id from inbox_effects where event_id = any(${`{${ids.join(',')}}`}::uuid[])`)).map((r) => r.event_id);
const rowsOf = (ids: string[]) => deps.db.select().from(inboundEvents).where(inArray(inboundEvents.id, ids));

describe('the one inbox processor (LINE and Twilio alike)', () => {
  it('keeps an earlier event\'s effects when a later one fails, holds the sender\'s later events, and gives the broken one up after 5 runs', async () => {
    const sender = `+8190${Date.now() % 1e8}`;
    const [first, broken, last] = await store('twilio_sms', sender, [{ n: 1 }, { broken: true }, { n: 3 }]);
    const ids = [first!, broken!, last!];

    const run1 = await processInOrder(deps, last!, ['twilio_sms', 'twilio_status'], NOW, handler);
    expect(run1.results).toEqual([first]);
    expect(run1.failed?.message).toBe('cannot handle this event');
    expect(await effects(ids)).toEqual([first]); // the broken event's own effect rolled back with its savepoint
    let rows = await rowsOf(ids);
    expect(rows.find((r) => r.id === first)).toMatchObject({ attempts: 1, lastError: null, processedAt: NOW });
    expect(rows.find((r) => r.id === broken)).toMatchObject({ attempts: 1, lastError: 'cannot handle this event', processedAt: null });
    expect(rows.find((r) => r.id === last)!.processedAt).toBeNull(); // order kept: it waits for the broken one

    for (let run = 2; run < MAX_EVENT_ATTEMPTS; run++) {
      const again = await processInOrder(deps, last!, ['twilio_sms', 'twilio_status'], NOW, handler);
      expect(again.results).toEqual([]);
      expect(again.failed).not.toBeNull();
    }
    const final = await processInOrder(deps, last!, ['twilio_sms', 'twilio_status'], NOW, handler);
    expect(final).toMatchObject({ results: [last], failed: null });
    rows = await rowsOf(ids);
    expect(rows.find((r) => r.id === broken)).toMatchObject({ attempts: MAX_EVENT_ATTEMPTS, processedAt: NOW, lastError: 'cannot handle this event' });
    expect(rows.every((r) => r.processedAt)).toBe(true);
    expect(deps.logs.text).toContain('Twilio SMS event failed');
    // A second job for the same event finds nothing left to do.
    expect(await processInOrder(deps, last!, ['twilio_sms', 'twilio_status'], NOW, handler)).toMatchObject({ results: [], failed: null });
  });

  it('handles only the providers it is given, and only up to the job\'s own event', async () => {
    const sender = `U${randomUUID().replaceAll('-', '')}`;
    const [a, b] = await store('line', sender, [{ n: 1 }, { n: 2 }]);
    const [other] = await store('twilio_status', sender, [{ n: 3 }]);
    const run = await processInOrder(deps, a!, ['line'], NOW, handler);
    expect(run.results).toEqual([a]);
    expect(run.own).toMatchObject({ senderKey: sender });
    const rows = await rowsOf([a!, b!, other!]);
    expect(rows.filter((r) => r.processedAt).map((r) => r.id)).toEqual([a]);
  });

  it('says nothing happened for an unknown event', async () => {
    expect(await processInOrder(deps, randomUUID(), ['line'], NOW, handler)).toEqual({ results: [], own: null, failed: null });
  });
});
