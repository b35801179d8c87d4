import type { JobsOptions, Queue } from 'bullmq';
import type { RedisClient } from '../platform/redis';
import type { Logger } from '../platform/logger';

export interface NewJob {
  name: string;
  data: unknown;
  opts: JobsOptions & { jobId: string };
}

// Failed jobs revived at once (each is a read and a script call).
const REVIVE_CONCURRENCY = 50;

/**
 * Add jobs under their derived ids, and give a *failed* job with one of these ids one more
 * try. BullMQ ignores an add whose id exists, and failed jobs are kept (7 days) for
 * inspection: without this, work given up after its retries — a LINE/Twilio or PostgreSQL
 * outage longer than the backoff — could never be enqueued again by the sweeper, and a
 * round's prompts or a patient's answer were lost silently. A job still waiting, delayed
 * or running is left alone, so there is never a second live job for the same thing (and
 * the retry keys make the revived run send nothing that already went out).
 * Its attempt count is kept, so a revived job that fails again fails at once: each sweep
 * (every tick for inbound events, every lease for rounds) is one more try, and a job that
 * can never succeed costs one try per sweep, not a new backoff series.
 * Returns how many failed jobs were revived.
 */
export async function addOrRevive(queue: Queue, redis: RedisClient, jobs: readonly NewJob[], logger: Logger): Promise<number> {
  if (jobs.length === 0) return 0;
  await queue.addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: j.opts })));
  const ids = jobs.map((j) => j.opts.jobId);
  const scores = await redis.zmscore(queue.keys.failed!, ...ids);
  const failed = ids.filter((_, i) => scores[i] !== null);
  for (let i = 0; i < failed.length; i += REVIVE_CONCURRENCY) {
    await Promise.all(failed.slice(i, i + REVIVE_CONCURRENCY).map((id) => revive(queue, id)));
  }
  if (failed.length) logger.info({ queue: queue.name, jobs: failed.length }, 'failed jobs enqueued again for another run');
  return failed.length;
}

async function revive(queue: Queue, id: string): Promise<void> {
  const job = await queue.getJob(id);
  if (!job) return; // removed meanwhile (its age ran out): the next sweep adds it afresh
  try {
    await job.retry('failed');
  } catch (err) {
    // Another process revived it first (it is no longer in the failed set): fine.
    if ((await queue.getJobState(id)) === 'failed') throw err;
  }
}
