import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Deps } from '../deps';
import type { Logger } from '../platform/logger';
import { createRedis } from '../platform/redis';
import { QUEUE_NAMES, type JobDefinition, type JobTarget, type QueueName } from './define';
import { queueSettingsFromEnv, type QueueSettings } from './queue-settings';

export type { QueueSettings };

export interface StartWorkersOptions {
  /** Only these queues (default: every queue that has jobs). */
  queues?: readonly QueueName[];
  /** Register the one tick scheduler (default true); tests drive ticks by hand. */
  scheduler?: boolean;
}

/** The one job scheduler of the whole installation: ticks the rounds (see src/jobs/tick.ts). */
export const TICK_SCHEDULER_ID = 'tick';
export const TICK_JOB_NAME = 'rounds.tick';

const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Queues and workers over one Redis. Producing never blocks a request: when Redis is down
 * `trigger` returns false at once and the sweeper enqueues the work later from PostgreSQL.
 */
export class JobRunner {
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly workerConnections: Redis[] = [];
  private readonly inspection: Queue[] = [];

  constructor(
    private readonly opts: {
      redis: Redis;
      redisUrl: string;
      prefix: string;
      logger: Logger;
      jobs: readonly JobDefinition[];
      settings?: Partial<Record<QueueName, QueueSettings>>;
    },
  ) {}

  get prefix(): string {
    return this.opts.prefix;
  }

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.opts.redis, prefix: this.opts.prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS, skipWaitingForReady: true });
      q.on('error', () => {}); // the connection logs its own outage once
      this.queues.set(name, q);
    }
    return q;
  }

  /** Enqueue one job; false when Redis is not reachable (the caller's row stays to be swept). */
  async trigger<S extends z.ZodType>(def: JobTarget<S>, payload: z.infer<S>, options: JobsOptions & { jobId: string }): Promise<boolean> {
    if (this.opts.redis.status !== 'ready') return false;
    try {
      await this.queue(def.queue).add(def.name, def.payload.parse(payload), { ...options, jobId: safeJobId(options.jobId) });
      return true;
    } catch (err) {
      this.opts.logger.warn({ job: def.name, err: (err as Error).message }, 'could not enqueue job; the sweeper will retry');
      return false;
    }
  }

  /** Enqueue many jobs of one kind in a single round trip. */
  async triggerBulk<S extends z.ZodType>(def: JobTarget<S>, items: { payload: z.infer<S>; jobId: string; options?: JobsOptions }[]): Promise<boolean> {
    if (items.length === 0) return true;
    if (this.opts.redis.status !== 'ready') return false;
    try {
      await this.queue(def.queue).addBulk(items.map((i) => ({ name: def.name, data: i.payload, opts: { ...i.options, jobId: safeJobId(i.jobId) } })));
      return true;
    } catch (err) {
      this.opts.logger.warn({ job: def.name, count: items.length, err: (err as Error).message }, 'could not enqueue jobs; the sweeper will retry');
      return false;
    }
  }

  /**
   * Start one worker per queue that has jobs, with the queue's concurrency and limiter
   * (from the constructor's settings, else from the env), and upsert the tick scheduler.
   */
  startWorkers(deps: Deps, options: StartWorkersOptions = {}): void {
    const byName = new Map(this.opts.jobs.map((j) => [j.name, j]));
    const fromEnv = queueSettingsFromEnv(deps.env);
    for (const queueName of QUEUE_NAMES) {
      if (!this.opts.jobs.some((j) => j.queue === queueName)) continue;
      if (options.queues && !options.queues.includes(queueName)) continue;
      const settings: QueueSettings = this.opts.settings?.[queueName] ?? fromEnv[queueName] ?? { concurrency: 4 };
      const connection = createRedis(this.opts.redisUrl, this.opts.logger, { forWorkers: true, role: `worker:${queueName}` });
      this.workerConnections.push(connection);
      const worker = new Worker(queueName, (job: Job) => this.run(byName, job, deps), {
        connection,
        prefix: this.opts.prefix,
        concurrency: settings.concurrency,
        limiter: settings.limiter,
        ...(settings.lockDuration ? { lockDuration: settings.lockDuration } : {}),
        ...(settings.stalledInterval ? { stalledInterval: settings.stalledInterval } : {}),
        autorun: true,
      });
      worker.on('error', () => {});
      worker.on('failed', (job, err) => {
        this.opts.logger.warn({ queue: queueName, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed');
      });
      this.workers.push(worker);
    }
    if (options.scheduler !== false && this.opts.jobs.some((j) => j.name === TICK_JOB_NAME)) this.keepTickScheduler(deps.env.TICK_EVERY_MS);
  }

  /**
   * The tick scheduler lives in Redis: it is gone when Redis was down at start, emptied
   * (FLUSHALL) or replaced by a fresh instance, and without it no round is ever sent. So it
   * is checked (and registered when missing) at start, whenever the connection becomes
   * ready again, and every tick interval; an existing one is left alone (re-upserting
   * would move its next run).
   */
  private keepTickScheduler(everyMs: number): void {
    let warned = false;
    const check = () =>
      void this.queue('scheduler')
        .getJobScheduler(TICK_SCHEDULER_ID)
        .then(async (existing) => {
          if (existing) return;
          await this.ensureTickScheduler(everyMs);
          if (warned) this.opts.logger.info('tick scheduler registered again (Redis was empty or unreachable)');
          warned = false;
        })
        .catch((err: Error) => {
          if (!warned) this.opts.logger.warn({ err: err.message }, 'could not register the tick scheduler; retrying when Redis is back');
          warned = true;
        });
    check();
    this.opts.redis.on('ready', check);
    const timer = setInterval(check, everyMs);
    timer.unref();
    this.stopKeeping = () => {
      clearInterval(timer);
      this.opts.redis.off('ready', check);
    };
  }

  private stopKeeping: () => void = () => {};

  /**
   * Upsert the tick: one scheduler for everyone, not one per person. Idempotent across
   * processes (the same id updates the one scheduler). Waits for Redis when it is down.
   */
  async ensureTickScheduler(everyMs: number): Promise<void> {
    const queue = this.queue('scheduler');
    await queue.waitUntilReady();
    await queue.upsertJobScheduler(TICK_SCHEDULER_ID, { every: everyMs }, { name: TICK_JOB_NAME, data: {}, opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
  }

  /**
   * Every queue, for inspection (Bull Board), on a connection of its own that connects on
   * first use and queues commands while Redis reconnects: the app's connection fails fast
   * by design, and the board's own duplicated connections inherit these options.
   */
  inspectionQueues(): Queue[] {
    if (this.inspection.length === 0) {
      const connection = new Redis(this.opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true, retryStrategy: (times) => Math.min(times * 200, 2000) });
      connection.on('error', () => {}); // the app connection already logs outages
      this.workerConnections.push(connection);
      for (const name of QUEUE_NAMES) {
        const q = new Queue(name, { connection, prefix: this.opts.prefix });
        q.on('error', () => {});
        this.inspection.push(q);
      }
    }
    return this.inspection;
  }

  private async run(byName: Map<string, JobDefinition>, job: Job, deps: Deps): Promise<unknown> {
    const def = byName.get(job.name);
    if (!def) throw new UnrecoverableError(`unknown job ${job.name}`);
    const parsed = def.payload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${job.name}: ${parsed.error.issues[0]?.message}`);
    return def.handler(parsed.data, deps, job);
  }

  /** Graceful: let running jobs finish, then close queues and connections. */
  /**
   * Graceful: let running jobs finish, then close queues and connections. Bounded: with
   * Redis unreachable BullMQ's close would wait for it forever, so after `graceMs` the
   * connections are cut (a job cut off is retried later; its id keeps it from running twice).
   */
  async close(graceMs = 10_000): Promise<void> {
    this.stopKeeping();
    const graceful = (async () => {
      await Promise.allSettled(this.workers.map((w) => w.close()));
      await Promise.allSettled([...this.queues.values(), ...this.inspection].map((q) => q.close()));
    })();
    // Nothing can finish against an unreachable Redis: do not make the shutdown wait long for it.
    const grace = this.opts.redis.status === 'ready' ? graceMs : Math.min(graceMs, 2000);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), grace)));
    const outcome = await Promise.race([graceful.then(() => 'closed' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.opts.logger.warn({ graceMs: grace }, 'job workers did not close in time (Redis unreachable?); cutting their connections');
      void Promise.allSettled(this.workers.map((w) => w.close(true)));
    }
    for (const c of this.workerConnections) c.disconnect();
  }
}

/** BullMQ job ids may not contain ':' (it is the key separator). */
export function safeJobId(id: string): string {
  return id.replaceAll(':', '_');
}
