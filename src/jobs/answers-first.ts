import type { Job } from 'bullmq';
import { oldestInboxAgeMs } from '../domain/operations/inbox-backlog';
import type { Deps } from '../deps';
import type { RedisClient } from '../platform/redis';
import type { QueueName } from './define';

/**
 * Answers first (issue 16): the queues whose work may wait while patients' answers wait.
 * A round's dispatch, reminders and bulk work share the cores and PostgreSQL with the
 * answer jobs; when the oldest unprocessed inbox event is older than ANSWERS_FIRST_AFTER_MS,
 * such a job goes back to its queue and the queue's worker pauses a moment, so the answers
 * (a red one among them) get the machine. Never longer than ANSWERS_FIRST_MAX_HOLD_MS from
 * the moment the job was due: a round is late by that much at worst, never starved.
 */
export const YIELDING_QUEUES: ReadonlySet<QueueName> = new Set(['dispatch', 'dispatch-line', 'dispatch-sms', 'dispatch-voice', 'dispatch-web', 'imports', 'retention', 'exports']);

/** How long a worker holds its queue back when it yields: short, so it looks again soon. */
export const YIELD_PAUSE_MS = 250;
/** One reading of the inbox's oldest age serves every job of the process for this long. */
const READING_TTL_MS = 250;

export interface AnswersFirst {
  /** Whether this job should wait for the answers now (ms to pause its queue), or 0 to run it. */
  holdFor(queue: QueueName, job: Pick<Job, 'timestamp' | 'delay'>): Promise<number>;
}

export function answersFirst(deps: Pick<Deps, 'db' | 'env' | 'now' | 'logger'>): AnswersFirst {
  let reading: { at: number; ageMs: Promise<number> } | null = null;
  const oldestAge = (): Promise<number> => {
    const at = Date.now();
    if (!reading || at - reading.at > READING_TTL_MS) {
      reading = { at, ageMs: oldestInboxAgeMs(deps.db, deps.now()).catch(() => 0) }; // unreadable: do not hold anything back
    }
    return reading.ageMs;
  };
  return {
    async holdFor(queue, job) {
      const after = deps.env.ANSWERS_FIRST_AFTER_MS;
      if (after === 0 || !YIELDING_QUEUES.has(queue)) return 0;
      const dueAt = job.timestamp + (job.delay ?? 0);
      if (Date.now() - dueAt > deps.env.ANSWERS_FIRST_MAX_HOLD_MS) return 0;
      return (await oldestAge()) > after ? YIELD_PAUSE_MS : 0;
    },
  };
}

/**
 * The job hash's field counting the times the job went back for the answers: BullMQ counts
 * each such start in attemptsStarted, as it counts a stalled job's start.
 */
const YIELDS_FIELD = 'mimamoriYields';
const jobKey = (job: Pick<Job, 'queueQualifiedName' | 'id'>) => `${job.queueQualifiedName}:${job.id}`;

/** Count a yield in the job's own hash (a failure only costs the job its first-attempt shortcut). */
export async function recordYield(redis: RedisClient, job: Pick<Job, 'queueQualifiedName' | 'id'>): Promise<void> {
  await redis.hincrby(jobKey(job), YIELDS_FIELD, 1).catch(() => 0);
}

/**
 * Whether this run is the job's first real attempt: none made, and every earlier start went
 * back for the answers (a stalled job started again is not one — it may have sent). Redis is
 * read only for a job started before. A round's multicast job held during the morning's
 * answers had lost the shortcut, and its "sent already?" look-up (up to 200 ms a batch of 500
 * in the topology bench) then fell in the busiest minute (issue 16).
 */
export async function isFirstAttempt(redis: RedisClient, job: Pick<Job, 'queueQualifiedName' | 'id' | 'attemptsMade' | 'attemptsStarted'>): Promise<boolean> {
  if (job.attemptsMade > 0) return false;
  const started = job.attemptsStarted ?? 0;
  if (started <= 1) return true;
  const yields = Number((await redis.hget(jobKey(job), YIELDS_FIELD).catch(() => null)) ?? 0);
  return started - yields <= 1;
}
