import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueName } from '../../src/jobs/define';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createLineApiMock, LINE_TEST_BASE_URL } from '../support/line-api-mock';
import { startTwilioStandIn, type TwilioStandIn } from '../faults/support/twilio-stand-in';
import { TWILIO } from '../faults/support/world';
import { createCentre, createPersons } from './support/fixtures';
import { waitFor } from './support/wait';

// A provider that says "not before …" is waited for: the job is delayed that long instead
// of being retried a second later (and its 8 attempts burnt in two minutes).
describe('a wait the provider asked for', () => {
  const line = createLineApiMock();
  const clock = { at: new Date('2026-11-02T00:00:00Z') }; // 09:00 JST
  let twilio: TwilioStandIn;
  let deps: TestDeps;
  let centre: string;
  beforeAll(async () => {
    line.server.listen({ onUnhandledRequest: 'bypass' });
    twilio = await startTwilioStandIn();
    deps = await createTestDeps(
      {
        LINE_CHANNEL_SECRET: 'retry-after-secret',
        LINE_CHANNEL_ACCESS_TOKEN: 'retry-after-token',
        LINE_API_BASE_URL: LINE_TEST_BASE_URL,
        ...TWILIO,
        TWILIO_API_BASE_URL: twilio.url,
      },
      { now: () => clock.at },
    );
    centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
  });
  afterAll(async () => {
    line.server.close();
    await twilio?.close();
    await deps?.close();
  });

  /** The one job of this queue once it has been tried and put back to wait. */
  async function delayedJob(queue: QueueName) {
    await waitFor(async () => (await deps.jobs.queue(queue).getDelayedCount()) === 1, 10_000, `a delayed ${queue} job`);
    const [job] = await deps.jobs.queue(queue).getDelayed();
    return job!;
  }

  it('LINE 429 with Retry-After: 60 delays the multicast job by 60 s, after one request', async () => {
    await createPersons(deps.db, { centreId: centre, count: 2, classification: 'close_contact' });
    line.failNext('multicast', { status: 429, headers: { 'retry-after': '60' } });
    await runTick(deps, clock.at);
    deps.jobs.startWorkers(deps, { scheduler: false, queues: ['dispatch-line'] });
    const job = await delayedJob('dispatch-line');
    expect(job.attemptsMade).toBe(1);
    expect(job.delay).toBe(60_000);
    expect(job.failedReason).toContain('429');
    expect(line.of('multicast')).toHaveLength(1); // the client did not sit in the job for a minute either
  });

  it('a call due at 20:30 that finds quiet hours begun waits until 08:00, and nobody is called at night', async () => {
    await createPersons(deps.db, { centreId: centre, count: 1, channel: 'voice', classification: 'close_contact', roundTimes: ['20:30'], phone: '+819011112222' });
    clock.at = new Date('2026-11-02T11:30:00Z'); // 20:30 JST: the round is created and its call enqueued
    await runTick(deps, clock.at);
    expect(await deps.jobs.queue('dispatch-voice').getWaitingCount()).toBe(1);
    clock.at = new Date('2026-11-02T12:10:00Z'); // 21:10 JST when a worker takes it (the queue was busy)
    deps.jobs.startWorkers(deps, { scheduler: false, queues: ['dispatch-voice'] });
    const job = await delayedJob('dispatch-voice');
    expect(job.attemptsMade).toBe(1);
    expect(job.delay).toBe(10 * 3600_000 + 50 * 60_000); // 21:10 → 08:00
    expect(twilio.requests).toHaveLength(0);
  });
});
