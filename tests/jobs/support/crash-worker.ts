/**
 * A dispatch worker in its own process, for the "killed mid-job" test: it takes the
 * LINE dispatch queue with a short job lock, so a fresh worker retries the job soon after
 * this process is SIGKILLed. Settings come from the parent test through the environment.
 */
import { createDb } from '../../../db/client';
import { botChannelWork } from '../../../src/bot/channel-work';
import { parseEnv } from '../../../src/config/env';
import type { Deps } from '../../../src/deps';
import { ALL_JOBS } from '../../../src/jobs/registry';
import { JobRunner } from '../../../src/jobs/runner';
import { createLogger } from '../../../src/platform/logger';
import { createRedis } from '../../../src/platform/redis';

export const CRASH_QUEUE_SETTINGS = { 'dispatch-line': { concurrency: 1, lockDuration: 1500, stalledInterval: 500 } } as const;

async function main() {
  const source = process.env;
  const env = parseEnv({
    NODE_ENV: 'test',
    DATABASE_URL: source.CRASH_DATABASE_URL,
    REDIS_URL: source.CRASH_REDIS_URL,
    LINE_CHANNEL_SECRET: 'crash-test-secret',
    LINE_CHANNEL_ACCESS_TOKEN: 'crash-test-token',
    LINE_API_BASE_URL: source.CRASH_LINE_URL,
    LOG_LEVEL: 'warn',
  });
  const logger = createLogger({ level: 'warn', destination: process.stderr as never });
  const dbHandle = await createDb({ url: env.DATABASE_URL, max: 2 });
  const redis = createRedis(env.REDIS_URL, logger);
  const jobs = new JobRunner({ redis, redisUrl: env.REDIS_URL, prefix: source.CRASH_PREFIX!, logger, jobs: ALL_JOBS, settings: CRASH_QUEUE_SETTINGS });
  const at = new Date(source.CRASH_NOW!);
  const deps: Deps = { env, db: dbHandle.db, dbHandle, redis, jobs, logger, channels: botChannelWork, now: () => at };
  jobs.startWorkers(deps, { queues: ['dispatch-line'], scheduler: false });
  process.stdout.write('ready\n');
}

if (process.env.CRASH_DATABASE_URL) void main();
