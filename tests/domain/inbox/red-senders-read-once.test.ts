import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client';
import { processInOrder } from '../../../src/domain/inbox/process-in-order';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { explainRecorded, recordingDb } from '../../support/recorded-statements';

/**
 * Issue 16: at 1,000 answers/s offered the inbox backs up within seconds, while its statistics
 * are still those of a moment without a backlog (no unprocessed events at all). A batch's
 * choice of other senders then walked the whole backlog once for every candidate to ask
 * whether it had a red answer waiting — 112,000 blocks a run. It must read the backlog's red
 * senders once.
 */
let deps: TestDeps;
const NOW = new Date('2026-12-07T01:00:00Z');
const BACKLOG_SENDERS = 600;
const EVENTS_A_SENDER = 3;

beforeAll(async () => {
  deps = await createTestDeps();
  // Yesterday's answers, all processed, and the statistics taken then.
  await deps.db.execute(sql`
    insert into inbound_events (provider, provider_event_id, sender_key, payload, received_at, processed_at)
    select 'line', 'old-' || g, 'U-old-' || (g % 500), '{}'::jsonb, ${NOW.toISOString()}::timestamptz - interval '1 day', ${NOW.toISOString()}::timestamptz - interval '1 day'
    from generate_series(1, 4000) g`);
  await deps.db.execute(sql`analyze inbound_events`);
  // This morning's backlog: 1,800 answers of 600 patients, a few of them red.
  await deps.db.execute(sql`
    insert into inbound_events (provider, provider_event_id, sender_key, payload, received_at, urgent)
    select 'line', 'new-' || g, 'U-new-' || (g % ${BACKLOG_SENDERS}), '{}'::jsonb, ${NOW.toISOString()}::timestamptz + g * interval '1 ms', g % 400 = 7
    from generate_series(1, ${BACKLOG_SENDERS * EVENTS_A_SENDER}) g`);
});
afterAll(() => deps.close());

describe("a batch's choice of other senders, with a backlog the statistics have not seen", () => {
  it('reads the senders with a red answer waiting once, not once a candidate', async () => {
    const { handle: recorded, statements } = await recordingDb(deps.testDb.url);
    const [own] = await queryRows<{ id: string }>(deps.db, sql`
      insert into inbound_events (provider, provider_event_id, sender_key, payload, received_at)
      values ('line', ${randomUUID()}, 'U-own', '{}'::jsonb, ${NOW.toISOString()}::timestamptz) returning id`);
    try {
      const run = await processInOrder({ db: recorded.db, logger: deps.logger }, own!.id, ['line'], NOW, async (_tx, e) => e.id, { batchSize: 50 });
      expect(run.results.length).toBeGreaterThan(1); // other senders were taken
      const others = statements.find((s) => s.text.includes('with oldest as materialized'));
      expect(others).toBeDefined();

      const [row] = await explainRecorded(deps.testDb.url, others!, { explain: 'analyze, buffers, format json' });
      const plan = (row!['QUERY PLAN'] as [{ Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number } }])[0].Plan;
      const blocks = plan['Shared Hit Blocks'] + plan['Shared Read Blocks'];
      // Read once: 58 blocks here. A probe a candidate: 1,543 here, and 112,000 a run in the
      // burst, where the plan walked the backlog for each.
      expect(blocks).toBeGreaterThan(0);
      expect(blocks).toBeLessThan(500);
    } finally {
      await recorded.close();
    }
  });
});
