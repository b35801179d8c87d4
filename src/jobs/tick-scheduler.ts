import type { Queue } from 'bullmq';
import type { RedisClient } from '../platform/redis';
import type { Logger } from '../platform/logger';

/** The one job scheduler of the whole installation: ticks the rounds (see src/jobs/tick.ts). */
export const TICK_SCHEDULER_ID = 'tick';
export const TICK_JOB_NAME = 'rounds.tick';

/**
 * Upsert the tick: one scheduler for everyone, not one per person. Idempotent across
 * processes (the same id updates the one scheduler).
 */
export async function upsertTickScheduler(queue: Queue, everyMs: number): Promise<void> {
  await queue.upsertJobScheduler(TICK_SCHEDULER_ID, { every: everyMs }, { name: TICK_JOB_NAME, data: {}, opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
}

export interface KeepTickOptions {
  /** The app's connection: fails fast while Redis is down (no offline queue). */
  redis: RedisClient;
  logger: Logger;
  everyMs: number;
  /** The scheduler queue, set up on a ready connection (a fresh one if an earlier set-up failed). */
  schedulerQueue: () => Promise<Queue>;
}

/**
 * The tick scheduler lives in Redis: it is missing on a first start, after Redis was
 * emptied (FLUSHALL) or replaced by a fresh instance, and without it no round is ever sent.
 * So it is checked (and registered when missing) at start, whenever the connection becomes
 * ready, and every tick interval; an existing one is left alone (re-upserting would move
 * its next run). Nothing is tried while Redis is not ready: the 'ready' event comes then.
 * Returns a function that stops the checks.
 */
export function keepTickScheduler(opts: KeepTickOptions): () => void {
  let warned = false;
  let running = false;
  const check = async () => {
    if (opts.redis.status !== 'ready' || running) return;
    running = true;
    try {
      const queue = await opts.schedulerQueue();
      if (await queue.getJobScheduler(TICK_SCHEDULER_ID)) return;
      await upsertTickScheduler(queue, opts.everyMs);
      opts.logger.info({ everyMs: opts.everyMs }, warned ? 'tick scheduler registered again (Redis was empty or unreachable)' : 'tick scheduler registered');
      warned = false;
    } catch (err) {
      if (!warned) opts.logger.warn({ err: (err as Error).message }, 'could not register the tick scheduler; retrying when Redis is ready');
      warned = true;
    } finally {
      running = false;
    }
  };
  const onReady = () => void check();
  void check();
  opts.redis.on('ready', onReady);
  const timer = setInterval(onReady, opts.everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    opts.redis.off('ready', onReady);
  };
}
