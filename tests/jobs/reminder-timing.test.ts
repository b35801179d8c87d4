import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';

const MIN = 60_000;

// A channel's dispatcher may mark its sessions prompted itself (LINE and voice do), leaving
// next_action_at at the tick's short lease: the reminder must still wait its full delay.
describe('reminder timing', () => {
  const t0 = new Date('2026-12-10T00:00:00Z'); // 09:00 JST
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps({ REMINDER_AFTER_MINUTES: '30', DISPATCH_RESWEEP_MINUTES: '5' });
  });
  afterAll(async () => deps.close());

  it('counts the reminder delay from prompted_at, not from the lease', async () => {
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const [id] = await createPersons(deps.db, { centreId: centre, roundTimes: ['09:00'] });
    await runTick(deps, t0); // no worker: the dispatcher below stands in for one that marked the session itself
    await deps.db.execute(sql`update check_sessions set status = 'prompted', prompted_at = ${t0.toISOString()}::timestamptz where person_id = ${id!}`);
    const atLease = await runTick(deps, new Date(t0.getTime() + 5 * MIN));
    expect(atLease.reminders).toBe(0);
    const [s] = await sessionsOf(deps.db, [id!]);
    expect(s!.next_action_at!.getTime()).toBe(t0.getTime() + 30 * MIN);
    expect((await runTick(deps, new Date(t0.getTime() + 29 * MIN))).reminders).toBe(0);
    expect((await runTick(deps, new Date(t0.getTime() + 30 * MIN))).reminders).toBe(1);
  });
});
