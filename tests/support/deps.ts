import { randomBytes } from 'node:crypto';
import { botChannelWork } from '../../src/bot/channel-work';
import { Writable } from 'node:stream';
import { parseEnv, type Env } from '../../src/config/env';
import type { Deps } from '../../src/deps';
import { ALL_JOBS } from '../../src/jobs/registry';
import { JobRunner } from '../../src/jobs/runner';
import { createLogger } from '../../src/platform/logger';
import { createMailer } from '../../src/platform/mail';
import { createRedis } from '../../src/platform/redis';
import { createTestDatabase, type TestDatabase } from './pg';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Captures log lines so tests can assert on them (and scan them for personal data). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    cb();
  }
  get text() {
    return this.lines.join('\n');
  }
}

export interface TestDeps extends Deps {
  testDb: TestDatabase;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * Deps for an integration test file: a fresh database, the machine's Redis with a random
 * queue prefix, captured logs and a settable clock.
 */
export async function createTestDeps(overrides: Partial<Record<keyof Env, string>> = {}, opts: { now?: () => Date } = {}): Promise<TestDeps> {
  const testDb = await createTestDatabase();
  // APP_SECRET: what createDeps loads from DATA_DIR at start-up when unset (src/boot.ts).
  // ANSWERS_FIRST_AFTER_MS 0: tests leave stored events unprocessed and move the clock by hours, which would hold dispatch
  // jobs back for up to a minute; answers first is tested on its own (tests/jobs/answers-first.test.ts).
  const env = parseEnv({ NODE_ENV: 'test', DATABASE_URL: testDb.url, REDIS_URL, LOG_LEVEL: 'info', REQUIRE_TOTP_FOR: 'officers', APP_SECRET: randomBytes(32).toString('hex'), ANSWERS_FIRST_AFTER_MS: '0', ...overrides });
  const logs = new LogCapture();
  const logger = createLogger({ level: env.LOG_LEVEL, destination: logs });
  const redis = createRedis(env.REDIS_URL, logger);
  const prefix = `mmt-${randomBytes(4).toString('hex')}`;
  const jobs = new JobRunner({ redis, redisUrl: env.REDIS_URL, prefix, logger, jobs: ALL_JOBS });
  const mailer = createMailer({ url: env.SMTP_URL, from: env.MAIL_FROM }, logger);
  const deps: TestDeps = {
    env,
    mailer,
    db: testDb.handle.db,
    dbHandle: testDb.handle,
    redis,
    jobs,
    logger,
    channels: botChannelWork,
    now: opts.now ?? (() => new Date()),
    testDb,
    logs,
    async close() {
      await jobs.close();
      mailer?.close();
      // Remove this file's queues from the shared Redis.
      const keys = await redis.keys(`${prefix}:*`).catch(() => [] as string[]);
      if (keys.length) await redis.del(...keys).catch(() => 0);
      redis.disconnect();
      await testDb.drop();
    },
  };
  await redis.ping().catch(() => undefined);
  return deps;
}
