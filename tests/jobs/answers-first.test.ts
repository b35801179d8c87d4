import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { inboundEvents } from '../../db/schema';
import { parseEnv } from '../../src/config/env';
import { answersFirst, YIELD_PAUSE_MS } from '../../src/jobs/answers-first';
import { defineJob } from '../../src/jobs/define';
import { JobRunner } from '../../src/jobs/runner';
import { eventRegistry } from '../../src/platform/metrics/events';
import { createTestDeps, REDIS_URL, type TestDeps } from '../support/deps';

/**
 * Issue 16, answers first: a round's dispatch and bulk jobs wait while the oldest
 * unprocessed answer is older than ANSWERS_FIRST_AFTER_MS — never longer than
 * ANSWERS_FIRST_MAX_HOLD_MS from when the job was due — so the answers get the machine.
 */
let deps: TestDeps;
const clock = { at: new Date('2026-08-01T00:00:00Z') };
beforeAll(async () => {
  deps = await createTestDeps({ ANSWERS_FIRST_AFTER_MS: '2000', ANSWERS_FIRST_MAX_HOLD_MS: '60000' }, { now: () => clock.at });
});
afterAll(async () => deps.close());

/** An answer stored `ageMs` ago and not processed yet. */
async function waitingAnswer(ageMs: number): Promise<string> {
  const [row] = await deps.db
    .insert(inboundEvents)
    .values({ provider: 'line', providerEventId: randomUUID(), senderKey: `U${randomUUID()}`, payload: {}, receivedAt: new Date(clock.at.getTime() - ageMs) })
    .returning({ id: inboundEvents.id });
  return row!.id;
}
const processed = (id: string) => deps.db.update(inboundEvents).set({ processedAt: clock.at }).where(eq(inboundEvents.id, id));
const dueNow = () => ({ timestamp: Date.now(), delay: 0 });

describe('answers first', () => {
  it('holds a dispatch or bulk job while an answer has waited too long; never an answer job, nor past the maximum hold, nor when off', async () => {
    const first = answersFirst(deps);
    expect(await first.holdFor('dispatch-line', dueNow())).toBe(0); // nothing waiting

    const fresh = await waitingAnswer(500);
    await new Promise((r) => setTimeout(r, 300)); // the process's reading is 250 ms old at most
    expect(await first.holdFor('dispatch-line', dueNow())).toBe(0); // waiting, but not long
    await processed(fresh);

    const old = await waitingAnswer(5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await first.holdFor('dispatch-line', dueNow())).toBe(YIELD_PAUSE_MS);
    expect(await first.holdFor('exports', dueNow())).toBe(YIELD_PAUSE_MS);
    expect(await first.holdFor('inbound', dueNow())).toBe(0); // the answers themselves
    expect(await first.holdFor('scheduler', dueNow())).toBe(0); // the tick (reminders, escalation) is not held
    expect(await first.holdFor('dispatch-line', { timestamp: Date.now() - 61_000, delay: 0 })).toBe(0); // held long enough
    expect(await first.holdFor('dispatch-line', { timestamp: Date.now() - 61_000, delay: 30_000 })).toBe(YIELD_PAUSE_MS); // due 31 s ago
    expect(await answersFirst({ ...deps, env: { ...deps.env, ANSWERS_FIRST_AFTER_MS: 0 } }).holdFor('dispatch-line', dueNow())).toBe(0);
    await processed(old);
  });

  it('a held job runs as soon as the answers are through — still as its first attempt — and the yields are counted by queue', async () => {
    const ran: number[] = [];
    const attempts: { first: boolean | undefined; started: number }[] = [];
    const exportJob = defineJob({
      name: 'test.answers-first',
      queue: 'exports',
      version: 1,
      payload: z.object({ n: z.number() }),
      jobId: ({ n }) => `af:${n}`,
      handler: async (_p, _d, job, attempt) => {
        attempts.push({ first: attempt?.first, started: job.attemptsStarted });
        ran.push(Date.now());
      },
    });
    const runner = new JobRunner({ redis: deps.redis, redisUrl: REDIS_URL, prefix: `${deps.jobs.prefix}:af`, logger: deps.logger, jobs: [exportJob], settings: { exports: { concurrency: 1 } } });
    const yields = async () => (await eventRegistry.getSingleMetric('mimamori_jobs_yielded_to_answers_total')!.get()).values.find((v) => v.labels.queue === 'exports')?.value ?? 0;
    const yieldsBefore = await yields();
    const old = await waitingAnswer(10_000);
    try {
      runner.startWorkers({ ...deps, jobs: runner }, { queues: ['exports'], scheduler: false });
      expect(await runner.trigger(exportJob, { n: 1 })).toBe(true);
      await new Promise((r) => setTimeout(r, 1500));
      expect(ran).toEqual([]); // held while the answer waits
      expect(await yields()).toBeGreaterThan(yieldsBefore);
      const through = Date.now();
      await processed(old);
      const deadline = Date.now() + 5000;
      while (ran.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(ran).toHaveLength(1);
      expect(ran[0]! - through).toBeLessThan(2000); // a reading or two and a pause later
      // BullMQ counted every start that went back as an attempt started; the run is still the first.
      expect(attempts[0]!.started).toBeGreaterThan(1);
      expect(attempts[0]!.first).toBe(true);
    } finally {
      await runner.close(2000);
    }
  });

  it('the settings are read and checked at start-up', () => {
    const base = { NODE_ENV: 'test', DATABASE_URL: 'postgres://x/y', APP_SECRET: 'a'.repeat(64) };
    expect(parseEnv(base)).toMatchObject({ ANSWERS_FIRST_AFTER_MS: 2000, ANSWERS_FIRST_MAX_HOLD_MS: 60_000 });
    expect(() => parseEnv({ ...base, ANSWERS_FIRST_AFTER_MS: '-1' })).toThrow(/ANSWERS_FIRST_AFTER_MS/);
  });
});
