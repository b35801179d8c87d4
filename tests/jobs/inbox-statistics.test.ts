import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { plannerRowEstimate } from '../../db/client';
import { INBOX_STATISTICS_AT } from '../../src/domain/inbox/inbox-statistics';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { analyzeCount } from '../support/pg';

/**
 * A morning's inbox backlog stays below autovacuum's analyze threshold (the table holds weeks
 * of processed events), so the planner kept believing nothing was waiting and read every
 * unprocessed event for each run of answers (src/domain/inbox/inbox-statistics.ts). The tick
 * refreshes the statistics when the backlog it counts is far beyond what they show.
 */
describe("the planner's statistics of the inbox during a backlog", () => {
  let deps: TestDeps;
  const NOW = new Date('2026-08-02T00:05:00Z');
  const BACKLOG = INBOX_STATISTICS_AT + 2_000;
  beforeAll(async () => {
    deps = await createTestDeps();
    // Only the tick may analyze here (autovacuum would make the counts below a race).
    await deps.db.execute(sql`alter table inbound_events set (autovacuum_enabled = false)`);
    // Yesterday's answers, all processed, and the statistics as they stood last night.
    await deps.db.execute(sql`
      insert into inbound_events (provider, provider_event_id, sender_key, payload, received_at, processed_at, attempts)
      select 'line', 'y-' || s || '-' || g, md5('sender ' || s), '{}'::jsonb, '2026-08-01T00:05:00Z', '2026-08-01T00:05:01Z', 1
      from generate_series(1, 2500) s, generate_series(1, 8) g`);
    await deps.db.execute(sql`analyze inbound_events`);
    // This morning's backlog, received in the last seconds (the tick's sweeper leaves it to the intake's jobs).
    await deps.db.execute(sql`
      insert into inbound_events (provider, provider_event_id, sender_key, payload, received_at)
      select 'line', 't-' || s, md5('sender ' || (s % 2500)), '{}'::jsonb, ${new Date(NOW.getTime() - 10_000).toISOString()}::timestamptz
      from generate_series(1, ${BACKLOG}) s`);
  });
  afterAll(async () => deps.close());

  const analyzed = () => analyzeCount(deps.db, 'inbound_events');
  const estimatedBacklog = () => plannerRowEstimate(deps.db, sql`select 1 from inbound_events where processed_at is null`);

  it('are refreshed by the tick when the backlog is far beyond what they show', async () => {
    expect(await estimatedBacklog()).toBeLessThan(100); // last night's picture
    const before = await analyzed();
    await runTick(deps, NOW);
    expect(await analyzed()).toBe(before + 1);
    const estimate = await estimatedBacklog();
    expect(estimate).toBeGreaterThan(BACKLOG * 0.8);
    expect(estimate).toBeLessThan(BACKLOG * 1.2);
  });

  it('are left alone once they show the backlog, and while the backlog is small', async () => {
    const before = await analyzed();
    await runTick(deps, new Date(NOW.getTime() + 1_000));
    expect(await analyzed()).toBe(before);
    // Drained to a few hundred: nothing to refresh whatever the statistics say.
    await deps.db.execute(sql`update inbound_events set processed_at = ${NOW.toISOString()}::timestamptz where processed_at is null and provider_event_id <> all (select 't-' || g from generate_series(1, 300) g)`);
    await runTick(deps, new Date(NOW.getTime() + 2_000));
    expect(await analyzed()).toBe(before);
  });
});
