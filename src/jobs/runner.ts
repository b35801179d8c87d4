import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { redisTypedRedHints, type TypedRedHints } from './typed-red-hints';
import type { z } from 'zod';
import type { Deps } from '../deps';
import type { Logger } from '../platform/logger';
import { connectRedis, createRedis, type RedisClient } from '../platform/redis';
import { bullPrefix } from './queue-keys';
import { createRateLimiter, windowWait, type RateLimiter } from '../platform/redis-rate-limit';
import { addOrRevive, type NewJob } from './add-or-revive';
import { jobIdOf, QUEUE_NAMES, type JobAttempt, type JobDefinition, type JobTarget, type QueueName } from './define';
import { RETRY_AFTER_BACKOFF, retryAfterBackoff, scrubJobError } from './job-failures';
import { queueSettingsFromEnv, type QueueSettings } from './queue-settings';
import { keepTickScheduler, TICK_JOB_NAME, TICK_SCHEDULER_ID, upsertTickScheduler } from './tick-scheduler';
import { isQuiet } from '../platform/quiet-failure';
import { answersFirst, isFirstAttempt, recordYield } from './answers-first';
import { countYieldToAnswers } from '../platform/metrics/record';
import { runInJobSpan, withTraceContext } from '../platform/tracing/spans';

export type { QueueSettings };
export { TICK_JOB_NAME, TICK_SCHEDULER_ID };

export interface StartWorkersOptions {
  /** Only these queues (default: every queue that has jobs). */
  queues?: readonly QueueName[];
  /** Register the one tick scheduler (default: where the scheduler queue is served; true: even without its worker); tests drive ticks by hand. */
  scheduler?: boolean;
  /**
   * The deps a queue's jobs run with, where not the shared ones: the answer jobs get a
   * database pool of their own (ANSWER_POOL_SIZE, src/boot.ts) so a round's dispatch
   * holding every connection of the main pool cannot make an answer wait.
   */
  depsFor?: Partial<Record<QueueName, Deps>>;
}

/** How often a job is tried, and the first backoff (doubling; a provider's Retry-After wins when longer). */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

/** 8 tries over about 2 minutes; work still failing after that is enqueued again by the tick's sweeps. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, backoffMs: 1000 };

function jobOptions(retry: RetryPolicy): JobsOptions {
  return {
    attempts: retry.attempts,
    backoff: { type: RETRY_AFTER_BACKOFF, delay: retry.backoffMs },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/**
 * Queues and workers over one Redis. Producing never blocks a request: when Redis is down
 * `trigger` returns false at once and the sweeper enqueues the work later from PostgreSQL.
 */
export class JobRunner {
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly served = new Set<QueueName>();
  private readonly workerConnections: RedisClient[] = [];
  private readonly inspection: Queue[] = [];
  private readonly limiters = new Map<string, RateLimiter>();
  private hints: TypedRedHints | undefined;

  constructor(
    private readonly opts: {
      redis: RedisClient;
      redisUrl: string;
      prefix: string;
      logger: Logger;
      jobs: readonly JobDefinition[];
      settings?: Partial<Record<QueueName, QueueSettings>>;
      retry?: RetryPolicy;
    },
  ) {}

  get prefix(): string {
    return this.opts.prefix;
  }

  /** Per-sender hints of a red typed answer (jobs/typed-red-hints.ts), under the queue prefix. */
  get typedRedHints(): TypedRedHints {
    this.hints ??= redisTypedRedHints(this.opts.redis, this.opts.prefix);
    return this.hints;
  }

  /** The queues this process has workers for (empty in an intake process). */
  servedQueues(): QueueName[] {
    return [...this.served];
  }

  /**
   * The queue on the app's connection. That connection has no offline queue (producing must
   * fail fast while Redis is down), so BullMQ's set-up of a queue created while Redis is not
   * ready fails, and such a queue stays broken for good: it is dropped then, and the next
   * use builds a fresh one.
   */
  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      const created = new Queue(name, { connection: this.opts.redis, prefix: bullPrefix(this.opts.prefix, name), defaultJobOptions: jobOptions(this.opts.retry ?? DEFAULT_RETRY), skipWaitingForReady: true });
      created.on('error', () => {}); // the connection logs its own outage once
      created.waitUntilReady().catch(() => this.forget(name, created));
      this.queues.set(name, created);
      q = created;
    }
    return q;
  }

  /** The queue once BullMQ's set-up succeeded (rebuilt once if an earlier set-up had failed). */
  async readyQueue(name: QueueName): Promise<Queue> {
    const q = this.queue(name);
    try {
      await q.waitUntilReady();
      return q;
    } catch {
      this.forget(name, q);
      const fresh = this.queue(name);
      await fresh.waitUntilReady();
      return fresh;
    }
  }

  private forget(name: QueueName, q: Queue): void {
    if (this.queues.get(name) !== q) return;
    this.queues.delete(name);
    void q.close().catch(() => {}); // shared connection: closing the queue leaves it open
  }

  /**
   * Drop waiting jobs whose work another job has done (an inbound batch took their events):
   * a removal each, side by side on the one connection. A job already running is left to
   * finish (BullMQ does not remove a locked job), and any failure is ignored: a job left in
   * the queue finds its event handled and costs one statement.
   */
  async discardWaiting(name: QueueName, jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const q = this.queue(name);
    await Promise.all(jobIds.map((id) => q.remove(id, { removeChildren: false }).catch(() => 0)));
  }

  /**
   * A per-second send limit shared by every process (through this Redis, under the queue
   * prefix), for sends made inside jobs of other queues: LINE pushes (see lineApiFor).
   */
  sendLimiter(name: string, perSecond: number): RateLimiter {
    const id = `${name}:${perSecond}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = createRateLimiter(this.opts.redis, `${this.opts.prefix}:limit:${name}`, { max: perSecond, durationMs: 1000 });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  /**
   * Count one request against a limit shared by every process (a fixed window under the
   * queue prefix): 0 = allowed, else the milliseconds until it may be tried again.
   */
  windowWait(name: string, max: number, durationMs: number): Promise<number> {
    return windowWait(this.opts.redis, `${this.opts.prefix}:limit:${name}`, max, durationMs);
  }

  /**
   * Enqueue one job; false when Redis is not reachable (the caller's row stays to be swept).
   * The job id is the definition's own (built from the payload) unless `options.jobId` is given.
   */
  async trigger<S extends z.ZodType>(def: JobTarget<S>, payload: z.infer<S>, options: JobsOptions & { jobId?: string } = {}): Promise<boolean> {
    const jobId = safeJobId(jobIdOf(def, payload, options.jobId));
    return this.enqueue(def, () => [{ name: def.name, data: withTraceContext(def.payload.parse(payload)), opts: { ...options, jobId } }]);
  }

  /** Enqueue many jobs of one kind in a single round trip (ids as for trigger). */
  async triggerBulk<S extends z.ZodType>(def: JobTarget<S>, items: { payload: z.infer<S>; jobId?: string; options?: JobsOptions }[]): Promise<boolean> {
    if (items.length === 0) return true;
    const jobs = items.map((i) => ({ name: def.name, data: i.payload, opts: { ...i.options, jobId: safeJobId(jobIdOf(def, i.payload, i.jobId)) } }));
    return this.enqueue(def, () => jobs.map((j) => ({ ...j, data: withTraceContext(j.data) })));
  }

  /** Add (or give a failed job with the same id another run, see addOrRevive); false when Redis refused. */
  private async enqueue(def: JobTarget, jobs: () => NewJob[]): Promise<boolean> {
    if (this.opts.redis.status !== 'ready') return false;
    try {
      await addOrRevive(this.queue(def.queue), this.opts.redis, jobs(), this.opts.logger);
      return true;
    } catch (err) {
      this.opts.logger.warn({ job: def.name, err: (err as Error).message }, 'could not enqueue jobs; the sweeper will retry');
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
    // One reading of the inbox's age a process, shared by every queue's worker.
    const first = answersFirst(deps);
    for (const queueName of QUEUE_NAMES) {
      if (!this.opts.jobs.some((j) => j.queue === queueName)) continue;
      if (options.queues && !options.queues.includes(queueName)) continue;
      const settings: QueueSettings = this.opts.settings?.[queueName] ?? fromEnv[queueName] ?? { concurrency: 4 };
      const connection = createRedis(this.opts.redisUrl, this.opts.logger, { forWorkers: true, role: `worker:${queueName}` });
      this.workerConnections.push(connection);
      const jobDeps = options.depsFor?.[queueName] ?? deps;
      const worker: Worker = new Worker(queueName, async (job: Job) => {
        // Answers first: while answers wait too long, this queue's job goes back and the queue pauses a moment.
        const hold = await first.holdFor(queueName, job);
        if (hold > 0) {
          countYieldToAnswers(queueName);
          await recordYield(connection, job);
          await worker.rateLimit(hold);
          throw Worker.RateLimitError();
        }
        return this.run(byName, job, jobDeps, { first: await isFirstAttempt(connection, job) });
      }, {
        connection,
        prefix: bullPrefix(this.opts.prefix, queueName),
        concurrency: settings.concurrency,
        limiter: settings.limiter,
        ...(settings.lockDuration ? { lockDuration: settings.lockDuration } : {}),
        ...(settings.stalledInterval ? { stalledInterval: settings.stalledInterval } : {}),
        settings: { backoffStrategy: retryAfterBackoff },
        autorun: true,
      });
      worker.on('error', () => {});
      worker.on('failed', (job, err) => {
        (isQuiet(err) ? this.opts.logger.debug : this.opts.logger.warn).call(this.opts.logger, { queue: queueName, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed');
      });
      this.workers.push(worker);
      this.served.add(queueName);
    }
    const servesScheduler = !options.queues || options.queues.includes('scheduler');
    // Registered where the scheduler queue is served (WORKER_GROUPS), or when asked for explicitly.
    const wantsScheduler = options.scheduler === true || (options.scheduler !== false && servesScheduler);
    if (wantsScheduler && this.opts.jobs.some((j) => j.name === TICK_JOB_NAME)) this.keepTickScheduler(deps.env.TICK_EVERY_MS);
  }

  private keepTickScheduler(everyMs: number): void {
    this.stopKeeping = keepTickScheduler({ redis: this.opts.redis, logger: this.opts.logger, everyMs, schedulerQueue: () => this.readyQueue('scheduler') });
  }

  private stopKeeping: () => void = () => {};

  /** Upsert the one tick scheduler (idempotent across processes). Fails while Redis is down. */
  async ensureTickScheduler(everyMs: number): Promise<void> {
    await upsertTickScheduler(await this.readyQueue('scheduler'), everyMs);
  }

  /**
   * Every queue, for inspection (Bull Board), on a connection of its own that connects on
   * first use and queues commands while Redis reconnects: the app's connection fails fast
   * by design, and the board's own duplicated connections inherit these options.
   */
  inspectionQueues(): Queue[] {
    if (this.inspection.length === 0) {
      const connection = connectRedis(this.opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true, retryStrategy: (times) => Math.min(times * 200, 2000) });
      connection.on('error', () => {}); // the app connection already logs outages
      this.workerConnections.push(connection);
      for (const name of QUEUE_NAMES) {
        const q = new Queue(name, { connection, prefix: bullPrefix(this.opts.prefix, name) });
        q.on('error', () => {});
        this.inspection.push(q);
      }
    }
    return this.inspection;
  }

  private async run(byName: Map<string, JobDefinition>, job: Job, deps: Deps, attempt: JobAttempt): Promise<unknown> {
    const def = byName.get(job.name);
    if (!def) throw new UnrecoverableError(`unknown job ${job.name}`);
    const parsed = def.payload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${job.name}: ${parsed.error.issues[0]?.message}`);
    try {
      return await runInJobSpan(job.name, job.data, { 'messaging.destination.name': def.queue, 'messaging.message.id': String(job.id ?? '') }, () => def.handler(parsed.data, deps, job, attempt));
    } catch (err) {
      // BullMQ stores the error's message and stack in Redis (failedReason, stacktrace).
      throw scrubJobError(err);
    }
  }

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
