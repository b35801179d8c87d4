import type { QueueName } from '../../../src/jobs/define';
import type { JobRunner } from '../../../src/jobs/runner';

/** Poll until `check` is true (workers run in the background); fails after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Until these queues have nothing waiting, delayed or running. */
export async function drained(jobs: JobRunner, queues: readonly QueueName[], timeoutMs = 15_000): Promise<void> {
  await waitFor(
    async () => {
      for (const q of queues) {
        const c = await jobs.queue(q).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
        if (Object.values(c).some((n) => n > 0)) return false;
      }
      return true;
    },
    timeoutMs,
    `queues ${queues.join(', ')} to drain`,
  );
}
