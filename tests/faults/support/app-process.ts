/**
 * An app process for the fault tests, run as a child (`node --import tsx`) so a test can
 * SIGKILL it or run two at once. It builds the real deps against the test's database,
 * Redis (queue prefix) and the LINE/Twilio stand-ins, starts workers for FAULT_QUEUES
 * with short job locks (a killed worker's job is retried within seconds), optionally keeps
 * the tick scheduler, runs FAULT_TICKS ticks itself, and prints "ready" and "ticked".
 * The clock is fixed at FAULT_NOW. Settings come from the parent through the environment.
 */
import { createDb } from '../../../db/client';
import { botChannelWork } from '../../../src/bot/channel-work';
import { parseEnv } from '../../../src/config/env';
import type { Deps } from '../../../src/deps';
import type { QueueName } from '../../../src/jobs/define';
import { ALL_JOBS } from '../../../src/jobs/registry';
import { JobRunner, type QueueSettings } from '../../../src/jobs/runner';
import { runTick } from '../../../src/jobs/tick';
import { createLogger } from '../../../src/platform/logger';
import { createRedis } from '../../../src/platform/redis';
import { TWILIO } from './world';

/** Short locks: a job whose worker died is seen as stalled after ~1 s and retried. */
export const SHORT_LOCKS: QueueSettings = { concurrency: 2, lockDuration: 1500, stalledInterval: 500 };

async function main() {
  const source = process.env;
  const env = parseEnv({
    NODE_ENV: 'test',
    DATABASE_URL: source.FAULT_DATABASE_URL,
    REDIS_URL: source.FAULT_REDIS_URL,
    LINE_CHANNEL_SECRET: 'faults-line-secret',
    LINE_CHANNEL_ACCESS_TOKEN: 'faults-line-token',
    LINE_API_BASE_URL: source.FAULT_LINE_URL,
    ...TWILIO,
    TWILIO_API_BASE_URL: source.FAULT_TWILIO_URL,
    SMS_PER_SECOND: '50', // as in world.ts: the stand-in has no per-number limit
    TICK_EVERY_MS: '1000',
    LOG_LEVEL: 'warn',
  });
  const logger = createLogger({ level: 'warn', destination: process.stderr as never });
  const dbHandle = await createDb({ url: env.DATABASE_URL, max: 4 });
  const redis = createRedis(env.REDIS_URL, logger);
  const queues = (source.FAULT_QUEUES ?? '').split(',').filter(Boolean) as QueueName[];
  const settings = Object.fromEntries(queues.map((q) => [q, SHORT_LOCKS]));
  const jobs = new JobRunner({ redis, redisUrl: env.REDIS_URL, prefix: source.FAULT_PREFIX!, logger, jobs: ALL_JOBS, settings });
  const at = new Date(source.FAULT_NOW!);
  const deps: Deps = { env, db: dbHandle.db, dbHandle, redis, jobs, logger, channels: botChannelWork, now: () => at };
  await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
  jobs.startWorkers(deps, { queues, scheduler: source.FAULT_SCHEDULER === 'on' });
  process.stdout.write('ready\n');
  const ticks = Number(source.FAULT_TICKS ?? 0);
  for (let i = 0; i < ticks; i++) await runTick(deps, at);
  if (ticks) process.stdout.write('ticked\n');
}

if (process.env.FAULT_DATABASE_URL) void main();
