import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { queryRows } from '../../db/client';
import { defineJob } from '../../src/jobs/define';
import type { JobRunner } from '../../src/jobs/runner';
import { createTestDeps, type TestDeps } from '../support/deps';
import { redisText } from '../support/redis-text';
import { startShortRetryRunner } from './support/short-retry-runner';
import { waitFor } from './support/wait';

const ANSWER = '３７度８分 咳がひどい';
const PHONE = '+819055501234';
const LINE_USER = `U${'7e1a'.repeat(8)}`;

// A job whose query fails with a patient's answer, phone number and LINE user id among its
// parameters (drizzle's error message lists them): what BullMQ keeps of the failure
// (failedReason, stacktrace, the events stream) must not.
const failingJob = defineJob({
  name: 'test.failing-query',
  queue: 'rounds',
  version: 1,
  payload: z.object({ sessionId: z.uuid() }),
  handler: async (_payload, deps) => queryRows(deps.db, sql`select ${ANSWER}::text, ${PHONE}::text, ${LINE_USER}::text, ${'not-a-uuid'}::uuid`),
});

describe('a job that failed on a database error', () => {
  let deps: TestDeps;
  let runner: JobRunner;
  beforeAll(async () => {
    deps = await createTestDeps();
    runner = await startShortRetryRunner(deps, [failingJob], ['rounds']);
  });
  afterAll(async () => {
    await runner.close();
    await deps.close();
  });

  it('leaves no personal data in Redis nor in the log: the SQL is kept, its parameters are not', async () => {
    const jobId = 'failing-query-1';
    expect(await runner.trigger(failingJob, { sessionId: '00000000-0000-4000-8000-000000000001' }, { jobId })).toBe(true);
    await waitFor(async () => (await runner.queue('rounds').getJobState(jobId)) === 'failed', 10_000, 'the job to fail for good');
    const job = await runner.queue('rounds').getJob(jobId);
    expect(job!.attemptsMade).toBe(2);
    expect(job!.failedReason).toContain('Failed query: select $1::text');
    expect(job!.failedReason).toContain('params: [redacted]');
    expect((job!.stacktrace ?? []).join('\n')).toContain('params: [redacted]');

    const stored = await redisText(deps.redis, deps.jobs.prefix);
    expect(stored).toContain('params: [redacted]'); // the scan does see the failure
    for (const secret of [ANSWER, PHONE, PHONE.slice(1), LINE_USER]) {
      expect(stored).not.toContain(secret);
      expect(deps.logs.text).not.toContain(secret);
    }
  });
});
