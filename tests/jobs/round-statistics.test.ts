import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { plannerRowEstimate, queryRows } from '../../db/client';
import { runTick } from '../../src/jobs/tick';
import { SESSION_STATISTICS_AFTER } from '../../src/domain/rounds/session-statistics';
import { openSessionQuery } from '../../src/domain/checks/find-open-session';
import { createTestDeps, type TestDeps } from '../support/deps';
import { analyzeCount } from '../support/pg';
import { createCentre, createPersons } from './support/fixtures';

/**
 * Each morning a round turns a table of closed sessions into one with as many open ones,
 * too few for autovacuum to analyze it. With the planner still believing no session is
 * open, each answer's open session was found by reading every open session of the round,
 * and every send's batch read that whole index too (session-statistics.ts); the tick that
 * created a round refreshes the statistics itself.
 */
describe("the planner's statistics of check_sessions after a round is created", () => {
  let deps: TestDeps;
  let roundPersons: string[] = [];
  const ROUND = SESSION_STATISTICS_AFTER + 2_000;
  beforeAll(async () => {
    deps = await createTestDeps();
    // Only the tick may analyze here (autovacuum would make the counts below a race).
    await deps.db.execute(sql`alter table check_sessions set (autovacuum_enabled = false)`);
    const centreId = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    roundPersons = await createPersons(deps.db, { centreId, count: ROUND, roundTimes: ['09:00'] });
    await createPersons(deps.db, { centreId, count: 100, roundTimes: ['15:00'] });
    // Yesterday's round, all closed, and the statistics as they stood last night.
    await deps.db.execute(sql`
      insert into check_sessions (person_id, flow_version_id, local_date, round, channel, status, due_at, expires_at, completed_at)
      select p.id, (select id from flow_versions limit 1), '2026-08-01', '09:00', 'line', 'completed',
             '2026-08-01T00:00:00Z', '2026-08-01T15:00:00Z', '2026-08-01T00:10:00Z'
      from persons p`);
    await deps.db.execute(sql`analyze check_sessions`);
  });
  afterAll(async () => deps.close());

  const analyzed = () => analyzeCount(deps.db, 'check_sessions');
  const estimatedOpen = () => plannerRowEstimate(deps.db, sql`select 1 from check_sessions where status in ('pending', 'prompted', 'active')`);

  it('are refreshed by the tick that created a large round: the open sessions are counted', async () => {
    expect(await estimatedOpen()).toBeLessThan(100); // last night's picture
    const before = await analyzed();
    const summary = await runTick(deps, new Date('2026-08-02T00:00:00Z')); // 09:00 in Tokyo
    expect(summary.created).toBe(ROUND);
    expect(await analyzed()).toBe(before + 1);
    const estimate = await estimatedOpen();
    expect(estimate).toBeGreaterThan(ROUND * 0.8);
    expect(estimate).toBeLessThan(ROUND * 1.2);
    // An answer's open session: by the person's own index, not by reading every open session.
    const answeredAt = new Date('2026-08-02T00:03:00Z');
    const plan = (await queryRows<{ 'QUERY PLAN': string }>(deps.db, sql`explain ${openSessionQuery(deps.db, roundPersons[7]!, answeredAt)}`)).map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/check_sessions_person_date_round_uq/);
    expect(plan).not.toMatch(/check_sessions_open_expiry_idx/);
  });

  it('are left to autovacuum after a small round', async () => {
    const before = await analyzed();
    const summary = await runTick(deps, new Date('2026-08-02T06:00:00Z')); // 15:00 in Tokyo
    expect(summary.created).toBe(100);
    expect(await analyzed()).toBe(before);
  });
});
