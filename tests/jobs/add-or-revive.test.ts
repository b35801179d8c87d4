import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from '../../src/jobs/define';
import type { JobRunner } from '../../src/jobs/runner';
import { createTestDeps, type TestDeps } from '../support/deps';
import { startShortRetryRunner } from './support/short-retry-runner';
import { waitFor } from './support/wait';

const runs = new Map<string, number>();
let failing = true;
const flaky = defineJob({
  name: 'test.flaky',
  queue: 'rounds',
  version: 1,
  payload: z.object({ key: z.string() }),
  handler: async ({ key }) => {
    runs.set(key, (runs.get(key) ?? 0) + 1);
    if (failing) throw new Error('provider down');
    return { ok: true };
  },
});

// The id of a job derived from what it is about must never block that work for good, and
// must never let two live jobs exist for it.
describe('enqueueing under an id whose job failed', () => {
  let deps: TestDeps;
  let runner: JobRunner;
  const state = (id: string) => runner.queue('rounds').getJobState(id);
  beforeAll(async () => {
    deps = await createTestDeps();
    runner = await startShortRetryRunner(deps, [flaky], ['rounds']);
  });
  afterAll(async () => {
    await runner.close();
    await deps.close();
  });

  it('gives a failed job one more try per enqueue (not a new backoff series), and it completes once the cause is gone', async () => {
    failing = true;
    await runner.trigger(flaky, { key: 'a' }, { jobId: 'flaky:a' });
    await waitFor(async () => (await state('flaky_a')) === 'failed', 5_000, 'the job to fail for good');
    expect(runs.get('a')).toBe(2);

    expect(await runner.trigger(flaky, { key: 'a' }, { jobId: 'flaky:a' })).toBe(true);
    await waitFor(() => runs.get('a') === 3, 5_000, 'one more try');
    await waitFor(async () => (await state('flaky_a')) === 'failed', 5_000, 'it to fail again at once');
    expect(runs.get('a')).toBe(3);
    expect(deps.logs.text).toContain('failed jobs enqueued again');

    failing = false;
    await runner.triggerBulk(flaky, [{ payload: { key: 'a' }, jobId: 'flaky:a' }]);
    await waitFor(async () => (await state('flaky_a')) === 'completed', 5_000, 'the job to complete');
    expect(runs.get('a')).toBe(4);
    // Completed: enqueueing it again adds nothing (the work is done).
    await runner.trigger(flaky, { key: 'a' }, { jobId: 'flaky:a' });
    await new Promise((r) => setTimeout(r, 300));
    expect(runs.get('a')).toBe(4);
  });

  it('leaves a live job alone: enqueued three times at once, it runs once', async () => {
    failing = false;
    await runner.queue('rounds').pause(); // keep it waiting while the duplicates arrive
    await Promise.all([1, 2, 3].map(() => runner.trigger(flaky, { key: 'b' }, { jobId: 'flaky:b' })));
    expect(await runner.queue('rounds').getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active')).toBe(1);
    await runner.queue('rounds').resume();
    await waitFor(async () => (await state('flaky_b')) === 'completed', 5_000, 'the job to complete');
    expect(runs.get('b')).toBe(1);
  });
});
