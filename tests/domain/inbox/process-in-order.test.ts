import { randomUUID } from 'node:crypto';
import { markUrgentEvents } from '../../../src/domain/inbox/store-events';
import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, queryRows } from '../../../db/client';
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

/** Another run holding a sender's lock (as processInOrder does) until the returned function releases it. */
async function holdSender(sender: string): Promise<() => Promise<void>> {
  let release!: () => void;
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const holder = deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`inbound:${sender}`}, 0))`);
    locked();
    await new Promise<void>((r) => (release = r));
  });
  await isLocked;
  return async () => {
    release();
    await holder;
  };
}

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
    expect(await processInOrder(deps, randomUUID(), ['line'], NOW, handler)).toEqual({ results: [], handledIds: [], own: null, senders: [], failed: null });
  });
});

describe('answers batched across senders (INBOUND_BATCH_SIZE)', () => {
  const LINE = ['line'] as const;
  const newSender = () => `U${randomUUID().replaceAll('-', '')}`;
  beforeAll(async () => {
    // Events the tests above left waiting are not this block's subject.
    await deps.db.update(inboundEvents).set({ processedAt: NOW }).where(sql`processed_at is null`);
  });

  it('one run takes other senders\' waiting events, each sender\'s in order, and marks them all processed', async () => {
    const [a, b, c] = [newSender(), newSender(), newSender()];
    const [a1] = await store('line', a, [{ n: 1 }]);
    const [b1, b2] = await store('line', b, [{ n: 1 }, { n: 2 }]);
    const [c1] = await store('line', c, [{ n: 1 }]);
    const [a2] = await store('line', a, [{ n: 2 }]);
    const run = await processInOrder(deps, a2!, [...LINE], NOW, handler, { batchSize: 10 });
    expect(run.failed).toBeNull();
    expect(run.results).toEqual([a1, b1, b2, c1, a2]); // seq order: every sender's events in their order
    expect(new Set(run.senders)).toEqual(new Set([a, b, c]));
    expect(run.senders[0]).toBe(a);
    const rows = await rowsOf([a1!, a2!, b1!, b2!, c1!]);
    expect(rows.every((r) => r.processedAt?.getTime() === NOW.getTime() && r.attempts === 1)).toBe(true);
    // The other senders' own jobs find nothing left.
    expect((await processInOrder(deps, b2!, [...LINE], NOW, handler, { batchSize: 10 })).results).toEqual([]);
  });

  it('leaves another sender\'s tapped red answer to its own job (the urgent lane), even when an earlier event of that sender waits too', async () => {
    const [a, red, both, calm] = [newSender(), newSender(), newSender(), newSender()];
    const tap = (data: string) => ({ type: 'postback', postback: { data } });
    const [a1] = await store('line', a, [{ n: 1 }]);
    const [r1] = await store('line', red, [tap('s=00000000-0000-4000-8000-000000000000&q=breath&v=yes&u=1')]);
    const [b1, b2] = await store('line', both, [tap('q=cough&v=no'), tap('q=breath&v=yes&u=1')]);
    const [c1] = await store('line', calm, [tap('q=cough&v=no')]);
    await markUrgentEvents(deps.db, [r1!, b2!]); // as the intake's insert marks a red tap (urgent)
    const run = await processInOrder(deps, a1!, [...LINE], NOW, handler, { batchSize: 10 });
    // Neither red sender is taken (nor locked): not at the batch's pace.
    expect(run.results).toEqual([a1, c1]);
    expect(run.senders).not.toContain(both);
    expect((await rowsOf([r1!, b1!, b2!])).map((r) => r.processedAt)).toEqual([null, null, null]);
    // Their own jobs (batch size 1 in the urgent lane) take them at once — the earlier event first.
    expect((await processInOrder(deps, r1!, [...LINE], NOW, handler, { batchSize: 1 })).results).toEqual([r1]);
    expect((await processInOrder(deps, b2!, [...LINE], NOW, handler, { batchSize: 1 })).results).toEqual([b1, b2]);
  });

  it('takes its own sender alone when that sender has a red answer waiting: the red is never handled at a batch\'s pace', async () => {
    const [a, b, c] = [newSender(), newSender(), newSender()];
    const tap = (data: string) => ({ type: 'postback', postback: { data } });
    // a's earlier answer, then b's, then a's red tap: a1's ordinary job starts before the red's urgent job took a.
    const [a1] = await store('line', a, [tap('q=cough&v=no')]);
    const [b1] = await store('line', b, [tap('q=cough&v=no')]);
    const [a2] = await store('line', a, [tap('q=breath&v=yes&u=1')]);
    await markUrgentEvents(deps.db, [a2!]);
    const run = await processInOrder(deps, a1!, [...LINE], NOW, handler, { batchSize: 10 });
    // No other sender in this run; its own event only (the red is later: its urgent job's, at once).
    expect(run.results).toEqual([a1]);
    expect(run.senders).toEqual([a]);
    expect((await processInOrder(deps, a2!, [...LINE], NOW, handler, { batchSize: 1 })).results).toEqual([a2]);
    // A red earlier than the job's own event is handled in the run, still with nobody else.
    const [c1] = await store('line', c, [tap('q=breath&v=yes&u=1')]);
    await markUrgentEvents(deps.db, [c1!]);
    const [c2] = await store('line', c, [tap('q=cough&v=no')]);
    const late = await processInOrder(deps, c2!, [...LINE], NOW, handler, { batchSize: 10 });
    expect(late.results).toEqual([c1, c2]);
    expect(late.senders).toEqual([c]);
    // b's answer is taken by the next ordinary run as usual.
    expect((await processInOrder(deps, b1!, [...LINE], NOW, handler, { batchSize: 10 })).results).toEqual([b1]);
  });

  it('leaves a typed red answer the intake marked urgent to its own job too', async () => {
    const [a, typed] = [newSender(), newSender()];
    const [a1] = await store('line', a, [{ n: 1 }]);
    const [t1] = await store('line', typed, [{ type: 'message', message: { type: 'text', text: '92' } }]);
    await markUrgentEvents(deps.db, [t1!]);
    const run = await processInOrder(deps, a1!, [...LINE], NOW, handler, { batchSize: 10 });
    expect(run.results).toEqual([a1]);
    expect((await rowsOf([t1!]))[0]!.processedAt).toBeNull();
    expect((await processInOrder(deps, t1!, [...LINE], NOW, handler, { batchSize: 1 })).results).toEqual([t1]);
  });

  it('a failing event of another sender loses nothing and holds back only that sender', async () => {
    const [a, b, c] = [newSender(), newSender(), newSender()];
    const [b1, b2] = await store('line', b, [{ broken: true }, { n: 2 }]);
    const [c1] = await store('line', c, [{ n: 1 }]);
    const [a1] = await store('line', a, [{ n: 1 }]);
    const run = await processInOrder(deps, a1!, [...LINE], NOW, handler, { batchSize: 10 });
    expect(run.failed).toBeNull(); // the own sender's events went through: this job is done
    expect(run.results).toEqual([c1, a1]);
    expect(await effects([a1!, b1!, b2!, c1!])).toEqual(expect.arrayContaining([a1, c1]));
    expect(await effects([b1!, b2!])).toEqual([]); // the broken event's effect rolled back, b2 not run
    const rows = await rowsOf([b1!, b2!]);
    expect(rows.find((r) => r.id === b1)).toMatchObject({ attempts: 1, lastError: 'cannot handle this event', processedAt: null });
    expect(rows.find((r) => r.id === b2)).toMatchObject({ attempts: 0, processedAt: null });
    // b's own job meets the failure itself and is retried (order kept).
    const own = await processInOrder(deps, b2!, [...LINE], NOW, handler, { batchSize: 1 });
    expect(own.failed?.message).toBe('cannot handle this event');
    await deps.db.update(inboundEvents).set({ processedAt: NOW }).where(inArray(inboundEvents.id, [b1!, b2!]));
  });

  it('passes over a sender another run holds for the next free one, up to the batch size', async () => {
    const [held, free1, free2, own] = [newSender(), newSender(), newSender(), newSender()];
    // Oldest first: the held sender's event, then the two free ones (older than anything else waiting).
    const at = (s: number) => new Date(NOW.getTime() - 60_000 + s * 1000);
    const rows = await deps.db
      .insert(inboundEvents)
      .values([held, free1, free2, own].map((sender, i) => ({ provider: 'line' as const, providerEventId: randomUUID(), senderKey: sender, payload: { n: i }, receivedAt: at(i) })))
      .returning({ id: inboundEvents.id });
    const [h1, f1, f2, o1] = rows.map((r) => r.id);
    const release = await holdSender(held);
    try {
      // Room for one other sender: the held one is passed over, the first free one taken, the second left.
      const run = await processInOrder(deps, o1!, [...LINE], NOW, handler, { batchSize: 2 });
      expect(run.senders).toEqual([own, free1]);
      expect(run.results).toEqual([f1, o1]);
      const after = await rowsOf([h1!, f2!]);
      expect(after.every((r) => r.processedAt === null)).toBe(true);
    } finally {
      await release();
    }
    await deps.db.update(inboundEvents).set({ processedAt: NOW }).where(inArray(inboundEvents.id, [h1!, f2!]));
  });

  it('never takes a sender another run holds, and takes no other sender at batch size 1', async () => {
    const [a, b] = [newSender(), newSender()];
    const [b1] = await store('line', b, [{ n: 1 }]);
    const [a1] = await store('line', a, [{ n: 1 }]);
    const release = await holdSender(b);
    try {
      const run = await processInOrder(deps, a1!, [...LINE], NOW, handler, { batchSize: 10 });
      expect(run.results).toEqual([a1]);
      expect(run.senders).toEqual([a]);
      expect((await rowsOf([b1!]))[0]!.processedAt).toBeNull();
    } finally {
      await release();
    }
    const [a2] = await store('line', a, [{ n: 2 }]);
    const single = await processInOrder(deps, a2!, [...LINE], NOW, handler, { batchSize: 1 });
    expect(single.results).toEqual([a2]);
    expect((await rowsOf([b1!]))[0]!.processedAt).toBeNull();
    expect((await processInOrder(deps, a2!, [...LINE], NOW, handler, { batchSize: 10 })).results).toEqual([b1]);
  });

  it('a batch whose events all go through has no savepoint; one failing event reruns the batch with savepoints, counted once, effects once', async () => {
    const statements: string[] = [];
    const handle = await createDb({ url: deps.testDb.url, max: 1, onStatement: (q) => statements.push(q.trim().toLowerCase()) });
    const counted = { ...deps, db: handle.db };
    try {
      const [a, b, c] = [newSender(), newSender(), newSender()];
      const [a1, a2] = await store('line', a, [{ n: 1 }, { n: 2 }]);
      const [b1] = await store('line', b, [{ n: 1 }]);
      const ok = await processInOrder(counted, b1!, [...LINE], NOW, handler, { batchSize: 10 });
      expect(ok.results).toEqual([a1, a2, b1]); // two events of one sender in one batch: in order
      expect(statements.filter((q) => q.startsWith('savepoint') || q.startsWith('rollback'))).toEqual([]);

      statements.length = 0;
      const [c1, c2] = await store('line', c, [{ broken: true }, { n: 2 }]);
      const [a3] = await store('line', a, [{ n: 3 }]);
      const run = await processInOrder(counted, a3!, [...LINE], NOW, handler, { batchSize: 10 });
      expect(run.results).toEqual([a3]); // c is held back; a goes on
      expect(run.failed).toBeNull();
      expect(statements.filter((q) => q === 'rollback')).toHaveLength(1); // the pass without savepoints, undone whole
      expect(statements.some((q) => q.startsWith('savepoint'))).toBe(true);
      expect(await effects([a3!, c1!, c2!])).toEqual([a3]); // a3 once: the first pass's effect did not stay
      const rows = await rowsOf([c1!, c2!]);
      expect(rows.find((r) => r.id === c1)).toMatchObject({ attempts: 1, processedAt: null, lastError: 'cannot handle this event' });
      expect(rows.find((r) => r.id === c2)).toMatchObject({ attempts: 0, processedAt: null });
      await deps.db.update(inboundEvents).set({ processedAt: NOW }).where(inArray(inboundEvents.id, [c1!, c2!]));
    } finally {
      await handle.close();
    }
  });

  it('hands a run without savepoints its events before the first (beforeHandling) and its results before the commit (beforeCommit); a failing batch write reruns with savepoints, where handlers write their own', async () => {
    const [a, b] = [newSender(), newSender()];
    const [a1] = await store('line', a, [{ n: 1 }]);
    const [b1] = await store('line', b, [{ n: 1 }]);
    const seen: { before: string[][]; commit: string[][]; modes: boolean[] } = { before: [], commit: [], modes: [] };
    let failWrite = true;
    const run = await processInOrder(deps, b1!, [...LINE], NOW, async (tx, event, { savepoints }) => {
      seen.modes.push(savepoints);
      // With savepoints the handler writes its own effect; without, the batch writes them in beforeCommit.
      if (savepoints) await tx.execute(sql`insert into inbox_effects (event_id) values (${event.id})`);
      return event.id;
    }, {
      batchSize: 10,
      beforeHandling: async (_tx, events, { savepoints }) => {
        seen.before.push(events.map((e) => `${e.id}:${savepoints}`));
      },
      beforeCommit: async (tx, results) => {
        seen.commit.push([...results]);
        for (const id of results) await tx.execute(sql`insert into inbox_effects (event_id) values (${id})`);
        if (failWrite) {
          failWrite = false;
          throw new Error('the batch write failed');
        }
      },
    });
    expect(run).toMatchObject({ results: [a1, b1], failed: null });
    expect(seen.before).toEqual([[`${a1}:false`, `${b1}:false`], [`${a1}:true`, `${b1}:true`]]);
    expect(seen.commit).toEqual([[a1, b1]]); // not called in the run with savepoints
    expect(seen.modes).toEqual([false, false, true, true]);
    expect((await effects([a1!, b1!])).sort()).toEqual([a1, b1].sort()); // once each: the failed batch write left nothing
    expect((await rowsOf([a1!, b1!])).every((r) => r.processedAt !== null && r.attempts === 1)).toBe(true);
  });
});
