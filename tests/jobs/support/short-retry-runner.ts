import type { JobDefinition, QueueName } from '../../../src/jobs/define';
import { JobRunner, type RetryPolicy } from '../../../src/jobs/runner';
import type { TestDeps } from '../../support/deps';
import { waitFor } from './wait';

/** Two quick tries: a test outlasts the retry budget in milliseconds (production: 8 over ~2 min). */
export const SHORT_RETRY: RetryPolicy = { attempts: 2, backoffMs: 10 };

/**
 * A second JobRunner on the test file's queue prefix with only these jobs and a short retry
 * policy, its workers started on `queues`, once the test's Redis connection is ready.
 */
export async function startShortRetryRunner(deps: TestDeps, jobs: readonly JobDefinition[], queues: readonly QueueName[]): Promise<JobRunner> {
  const runner = new JobRunner({ redis: deps.redis, redisUrl: deps.env.REDIS_URL, prefix: deps.jobs.prefix, logger: deps.logger, jobs, retry: SHORT_RETRY });
  runner.startWorkers({ ...deps, jobs: runner }, { scheduler: false, queues });
  await waitFor(() => deps.redis.status === 'ready', 5_000, 'Redis');
  return runner;
}
