import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { UnrecoverableError } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jurisdictions, staffUsers } from '../../db/schema';
import { createApp } from '../../src/app';
import { closeDeps, createDeps, FIRST_USER_HINT, NATIONAL_ADMIN_NOTE } from '../../src/boot';
import { parseEnv } from '../../src/config/env';
import { queuePrefix } from '../../src/config/queue-prefix';
import { defineJob } from '../../src/jobs/define';
import { JobRunner } from '../../src/jobs/runner';
import { createLogger } from '../../src/platform/logger';
import { consoleUrl, logProviderSettings } from '../../src/platform/provider-settings';
import { markQuiet } from '../../src/platform/quiet-failure';
import { createRedis } from '../../src/platform/redis';
import { LogCapture, REDIS_URL } from '../support/deps';
import { createTestDatabase, type TestDatabase } from '../support/pg';

/** Issue 18, "First start and set-up": what a new administrator meets on the first start. */
const opened: TestDatabase[] = [];
afterEach(async () => {
  for (const d of opened.splice(0)) await d.drop();
});

async function start(settings: Record<string, string>, d?: TestDatabase) {
  const db = d ?? (await createTestDatabase());
  if (!d) opened.push(db);
  const logs = new LogCapture();
  const env = parseEnv({ NODE_ENV: 'test', DATABASE_URL: db.url, REDIS_URL, LOG_LEVEL: 'info', ...settings });
  const deps = await createDeps(env, { logger: createLogger({ level: 'info', destination: logs }), queuePrefix: `mmt-${randomBytes(4).toString('hex')}` });
  return { db, logs, deps };
}

describe('first start', () => {
  it('redirects / to the console, and the start-up line names the console URL', async () => {
    const { deps } = await start({});
    try {
      const res = await createApp(deps).request('/');
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/admin');
    } finally {
      await closeDeps(deps);
    }
    const env = parseEnv({});
    expect(consoleUrl(env, 3001)).toBe('http://localhost:3001/admin');
    expect(consoleUrl(parseEnv({ PUBLIC_BASE_URL: 'https://mimamori.example.jp/' }), 3000)).toBe('https://mimamori.example.jp/admin');
  });

  it('without ADMIN_EMAIL, logs how to create the first user while there is none', async () => {
    const first = await start({});
    await closeDeps(first.deps);
    expect(first.logs.text).toContain(FIRST_USER_HINT);
    expect(FIRST_USER_HINT).toContain('npm run cli -- create-staff --email');
    await first.db.handle.db.insert(staffUsers).values({ email: 'a@b.jp', displayName: 'A', passwordHash: 'x', role: 'national_officer', jurisdictionId: (await first.db.handle.db.select().from(jurisdictions).where(eq(jurisdictions.code, 'JP')))[0]!.id });
    const again = await start({}, first.db);
    await closeDeps(again.deps);
    expect(again.logs.text).not.toContain('No staff user yet');
  });

  it('a national first administrator is told their lists hide names', async () => {
    const { deps, logs } = await start({ ADMIN_EMAIL: 'chief@example.jp', ADMIN_PASSWORD: 'a long admin passphrase' });
    await closeDeps(deps);
    expect(logs.text).toContain(NATIONAL_ADMIN_NOTE);
    expect(NATIONAL_ADMIN_NOTE).toMatch(/hide names.*ADMIN_CENTRE_CODE/);
  });

  it('ADMIN_CENTRE_CODE + ADMIN_CENTRE_NAME make the first administrator a health centre administrator (centre created)', async () => {
    const { deps, logs, db } = await start({ ADMIN_EMAIL: 'kanri@example.jp', ADMIN_PASSWORD: 'a long admin passphrase', ADMIN_CENTRE_CODE: '13-199', ADMIN_CENTRE_NAME: 'テスト区保健所' });
    await closeDeps(deps);
    const [centre] = await db.handle.db.select().from(jurisdictions).where(eq(jurisdictions.code, '13-199'));
    expect(centre).toMatchObject({ kind: 'health_centre', nameJa: 'テスト区保健所', path: '/JP/13/13-199/' });
    const [admin] = await db.handle.db.select().from(staffUsers);
    expect(admin).toMatchObject({ email: 'kanri@example.jp', role: 'centre_admin', jurisdictionId: centre!.id });
    expect(logs.text).not.toContain('hide names');
  });

  it('refuses a centre code outside any prefecture, naming ADMIN_CENTRE_CODE; and the two settings go together', async () => {
    await expect(start({ ADMIN_EMAIL: 'kanri@example.jp', ADMIN_PASSWORD: 'a long admin passphrase', ADMIN_CENTRE_CODE: '99-001', ADMIN_CENTRE_NAME: 'どこか' })).rejects.toThrow(/ADMIN_CENTRE_CODE: must be a new or existing health centre code/);
    expect(() => parseEnv({ ADMIN_CENTRE_CODE: '13-199' })).toThrow(/ADMIN_CENTRE_NAME: ADMIN_CENTRE_CODE and ADMIN_CENTRE_NAME go together/);
  });
});

describe('QUEUE_PREFIX', () => {
  it('defaults from the database, so two instances on one Redis never share queues', () => {
    const base = { DATA_DIR: './.data' };
    expect(queuePrefix({ ...base, DATABASE_URL: 'postgres://u@db/mimamori' })).toBe('mimamori');
    expect(queuePrefix({ ...base, DATABASE_URL: 'postgres://u@db/mimamori_staging?sslmode=require' })).toBe('mimamori-mimamori_staging');
    expect(queuePrefix({ ...base, QUEUE_PREFIX: 'tokyo', DATABASE_URL: 'postgres://u@db/x' })).toBe('tokyo');
    const a = queuePrefix({ DATA_DIR: '/srv/a/.data' });
    expect(a).toMatch(/^mimamori-pglite-[0-9a-f]{8}$/);
    expect(queuePrefix({ DATA_DIR: '/srv/b/.data' })).not.toBe(a);
    expect(() => parseEnv({ QUEUE_PREFIX: 'a b' })).toThrow(/QUEUE_PREFIX/);
  });

  it('is the prefix of every queue and worker key the app writes', async () => {
    const prefix = `qp-${randomBytes(4).toString('hex')}`;
    const { deps } = await (async () => {
      const d = await createTestDatabase();
      opened.push(d);
      const env = parseEnv({ NODE_ENV: 'test', DATABASE_URL: d.url, REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' });
      return { deps: await createDeps(env) };
    })();
    try {
      expect(deps.jobs.prefix).toBe(prefix);
      deps.jobs.startWorkers(deps);
      await new Promise((r) => setTimeout(r, 500));
      const keys = await deps.redis.keys('*');
      const ours = keys.filter((k) => k.startsWith(`${prefix}:`));
      expect(ours.length).toBeGreaterThan(0);
      // Every queue key of this instance carries its prefix: none under the old fixed 'mimamori:'.
      expect(keys.filter((k) => k.startsWith('mimamori:') && k.includes(prefix))).toEqual([]);
      await deps.redis.del(...ours);
    } finally {
      await closeDeps(deps);
    }
  });
});

describe('"Twilio is not configured": said once at start, not per job', () => {
  it('logs the provider settings once, and a quiet job failure at debug only', async () => {
    const logs = new LogCapture();
    const logger = createLogger({ level: 'info', destination: logs });
    logProviderSettings(parseEnv({}), logger);
    expect(logs.text.match(/Twilio is not configured/g)).toHaveLength(1);

    const failing = defineJob({
      name: 'test.twilio-unconfigured',
      queue: 'outbound',
      version: 1,
      payload: z.object({ n: z.number() }),
      handler: async () => {
        throw markQuiet(new UnrecoverableError('Twilio is not configured'));
      },
    });
    const prefix = `mmt-${randomBytes(4).toString('hex')}`;
    const redis = createRedis(REDIS_URL, logger);
    if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
    const runner = new JobRunner({ redis, redisUrl: REDIS_URL, prefix, logger, jobs: [failing] });
    const before = logs.text.length;
    runner.startWorkers({ env: parseEnv({ NODE_ENV: 'test' }), logger } as never, { scheduler: false });
    for (let n = 0; n < 5; n++) await runner.trigger(failing, { n }, { jobId: `j${n}` });
    const queue = runner.queue('outbound');
    for (let i = 0; i < 100 && (await queue.getFailedCount()) < 5; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await queue.getFailedCount()).toBe(5);
    expect(logs.text.slice(before)).not.toContain('job failed');
    await runner.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
});
