import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_JOBS } from '../../src/jobs/registry';
import { JobRunner } from '../../src/jobs/runner';
import { runTick } from '../../src/jobs/tick';
import { createRateLimiter } from '../../src/platform/redis-rate-limit';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createLineApiMock, LINE_TEST_BASE_URL } from '../support/line-api-mock';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';
import { drained, waitFor } from './support/wait';

const HOUR = 3600_000;

// LINE_PUSH_PER_SECOND bounds every push, wherever it is sent from (reminders here; replies
// that fall back to push and notices take the same client), across all worker processes.
describe('the LINE push limit', () => {
  const line = createLineApiMock();
  const pushedAt: number[] = [];
  const clock = { at: new Date('2026-11-02T00:00:00Z') }; // 09:00 JST
  let deps: TestDeps;
  beforeAll(async () => {
    line.server.listen({ onUnhandledRequest: 'bypass' });
    line.server.events.on('request:start', ({ request }) => {
      if (new URL(request.url).pathname === '/v2/bot/message/push') pushedAt.push(Date.now());
    });
    deps = await createTestDeps({ LINE_CHANNEL_SECRET: 'push-limit-secret', LINE_CHANNEL_ACCESS_TOKEN: 'push-limit-token', LINE_API_BASE_URL: LINE_TEST_BASE_URL, LINE_PUSH_PER_SECOND: '2' }, { now: () => clock.at });
    await waitFor(() => deps.redis.status === 'ready', 5_000, 'Redis');
  });
  afterAll(async () => {
    line.server.close();
    await deps?.close();
  });

  it('sends 6 reminders (one dispatch job, 6 pushes) at 2 per second: the last leaves at least 2 seconds after the first', async () => {
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const ids = await createPersons(deps.db, { centreId: centre, count: 6, classification: 'close_contact', phone: null });
    deps.jobs.startWorkers(deps, { scheduler: false, queues: ['dispatch-line'] });
    await runTick(deps, clock.at);
    await waitFor(async () => (await sessionsOf(deps.db, ids)).every((s) => s.sent), 10_000, 'the prompts');
    clock.at = new Date(clock.at.getTime() + 2 * HOUR);
    expect((await runTick(deps, clock.at)).reminders).toBe(6);
    await waitFor(() => pushedAt.length === 6, 10_000, 'six reminders');
    await drained(deps.jobs, ['dispatch-line']);
    expect(line.of('push')).toHaveLength(6);
    expect(pushedAt.at(-1)! - pushedAt[0]!).toBeGreaterThanOrEqual(1900);
  });

  it('is one limit for every process on the same Redis (two runners, as two machines)', async () => {
    const other = new JobRunner({ redis: deps.redis, redisUrl: deps.env.REDIS_URL, prefix: deps.jobs.prefix, logger: deps.logger, jobs: ALL_JOBS });
    const started = Date.now();
    await Promise.all([deps.jobs, other].flatMap((r) => [1, 2, 3].map(() => r.sendLimiter('shared-test', 2).acquire())));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('never holds a send when Redis cannot answer (the provider 429 and the job retry are the fallback)', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    const limiter = createRateLimiter(down, 'x:limit:line-push', { max: 1, durationMs: 1000, sleep: () => Promise.reject(new Error('must not wait')) });
    for (let i = 0; i < 3; i++) await limiter.acquire();
    down.disconnect();
  });
});
