import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jurisdictions } from '../../db/schema';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';

// A health centre's own quiet hours (set on its page) replace QUIET_HOURS (21:00-08:00) for its persons.
describe("a centre's own quiet hours", () => {
  let deps: TestDeps;
  let own: string;
  let plain: string;
  beforeAll(async () => {
    deps = await createTestDeps();
    own = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    plain = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    await deps.db.update(jurisdictions).set({ quietHours: '20:00-09:30' }).where(eq(jurisdictions.id, own));
  });
  afterAll(async () => deps.close());

  it('holds an 09:00 SMS round until 09:30 at the centre with 20:00-09:30, and sends it at once elsewhere', async () => {
    const [held] = await createPersons(deps.db, { centreId: own, channel: 'sms', roundTimes: ['09:00'] });
    const [free] = await createPersons(deps.db, { centreId: plain, channel: 'sms', roundTimes: ['09:00'] });
    const tick = await runTick(deps, new Date('2026-04-02T00:00:00Z')); // 09:00 JST
    expect(tick.createdWaitingForQuietHours).toBe(1);
    const [h] = await sessionsOf(deps.db, [held!]);
    expect(h!.next_action_at!.toISOString()).toBe('2026-04-02T00:30:00.000Z'); // 09:30 JST
    expect(await deps.jobs.queue('dispatch-sms').getJob(`dispatch_sms_prompt_${h!.id}`)).toBeUndefined();
    const [f] = await sessionsOf(deps.db, [free!]);
    expect(await deps.jobs.queue('dispatch-sms').getJob(`dispatch_sms_prompt_${f!.id}`)).toBeDefined();
    // At 09:30 the sweeper sends the held one.
    await runTick(deps, new Date('2026-04-02T00:30:00Z'));
    expect(await deps.jobs.queue('dispatch-sms').getJob(`dispatch_sms_prompt_${h!.id}`)).toBeDefined();
  });

  it('lets a 21:30 round go at a centre whose quiet hours start at 22:00, not elsewhere', async () => {
    await deps.db.update(jurisdictions).set({ quietHours: '22:00-07:00' }).where(eq(jurisdictions.id, own));
    const [late] = await createPersons(deps.db, { centreId: own, channel: 'sms', roundTimes: ['21:30'] });
    const [plainLate] = await createPersons(deps.db, { centreId: plain, channel: 'sms', roundTimes: ['21:30'] });
    await runTick(deps, new Date('2026-04-03T12:30:00Z')); // 21:30 JST
    const [a] = await sessionsOf(deps.db, [late!]);
    const [b] = await sessionsOf(deps.db, [plainLate!]);
    expect(await deps.jobs.queue('dispatch-sms').getJob(`dispatch_sms_prompt_${a!.id}`)).toBeDefined();
    expect(b!.next_action_at!.toISOString()).toBe('2026-04-03T23:00:00.000Z'); // 08:00 JST next day
  });
});
