import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insecureCookieWarning } from '../../src/admin/auth/cookies';
import { closeDeps, createDeps } from '../../src/boot';
import { ConfigError, parseEnv } from '../../src/config/env';
import { createLogger } from '../../src/platform/logger';
import { LogCapture, REDIS_URL } from '../support/deps';
import { createTestDatabase, type TestDatabase } from '../support/pg';

const prod = { NODE_ENV: 'production', APP_SECRET: 'x'.repeat(40) };

describe('Redis over TLS in production', () => {
  it('refuses a remote redis:// URL in production, naming the variable', () => {
    let err: unknown;
    try {
      parseEnv({ ...prod, REDIS_URL: 'redis://cache.internal.example.jp:6379' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([{ variable: 'REDIS_URL', message: expect.stringMatching(/rediss:\/\//) }]);
    expect(() => parseEnv({ ...prod, REDIS_URL: 'redis://:secret@10.0.0.5:6379/0' })).toThrow(/REDIS_URL/);
  });

  it('accepts rediss://, a Redis on this machine, and any URL outside production', () => {
    expect(parseEnv({ ...prod, REDIS_URL: 'rediss://cache.example.jp:6380' }).REDIS_URL).toMatch(/^rediss:/);
    expect(parseEnv({ ...prod, REDIS_URL: 'redis://127.0.0.1:6379' }).REDIS_URL).toBeDefined();
    expect(parseEnv({ ...prod, REDIS_URL: 'redis://localhost:6379' }).REDIS_URL).toBeDefined();
    expect(parseEnv({ ...prod }).REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(parseEnv({ NODE_ENV: 'development', REDIS_URL: 'redis://cache.internal:6379' }).REDIS_URL).toBeDefined();
  });
});

describe('the session cookie when NODE_ENV is left at development', () => {
  it('warns when the public address is https, and only then', () => {
    expect(insecureCookieWarning(parseEnv({ PUBLIC_BASE_URL: 'https://mimamori.example.jp/' }))).toMatch(/without Secure.*NODE_ENV=production/);
    expect(insecureCookieWarning(parseEnv({}))).toBeNull(); // http://localhost:3000
    expect(insecureCookieWarning(parseEnv({ ...prod, PUBLIC_BASE_URL: 'https://mimamori.example.jp' }))).toBeNull();
    expect(insecureCookieWarning(parseEnv({ NODE_ENV: 'test', PUBLIC_BASE_URL: 'https://mimamori.example.jp' }))).toBeNull();
  });

  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('logs the warning at start', async () => {
    const logs = new LogCapture();
    const env = parseEnv({ NODE_ENV: 'development', PUBLIC_BASE_URL: 'https://mimamori.example.jp', DATABASE_URL: db.url, REDIS_URL, LOG_LEVEL: 'info' });
    const deps = await createDeps(env, { logger: createLogger({ level: 'info', destination: logs }), queuePrefix: `mmt-${randomBytes(4).toString('hex')}` });
    await closeDeps(deps);
    const warning = logs.lines.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => /without Secure/.test(l.msg));
    expect(warning).toMatchObject({ level: 40, msg: expect.stringContaining('https://mimamori.example.jp') });
  });
});
