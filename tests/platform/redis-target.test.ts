import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env';
import { parseRedisUrl, redactRedisUrl, redisIsLocal } from '../../src/platform/redis-target';

/** Issue 16: REDIS_URL names one Redis, a Redis Cluster or Sentinel, read in one place. */
describe('REDIS_URL forms', () => {
  it('one Redis stays the URL as given (database, TLS)', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379/2')).toMatchObject({ kind: 'single', url: 'redis://127.0.0.1:6379/2', tls: false, hosts: [{ host: '127.0.0.1', port: 6379 }] });
    expect(parseRedisUrl('rediss://:pw@cache.example.jp')).toMatchObject({ kind: 'single', tls: true, hosts: [{ host: 'cache.example.jp', port: 6379 }] });
  });

  it('a cluster as redis+cluster:// with several seed nodes, or as a comma list of URLs', () => {
    expect(parseRedisUrl('redis+cluster://app:s%40cret@10.0.0.1:7000,10.0.0.2:7001,[::1]:7002')).toEqual({
      kind: 'cluster',
      tls: false,
      username: 'app',
      password: 's@cret',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      hosts: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
    });
    expect(parseRedisUrl('rediss://:pw@a.example:7000, rediss://:pw@b.example:7001')).toMatchObject({ kind: 'cluster', tls: true, password: 'pw', nodes: [{ host: 'a.example', port: 7000 }, { host: 'b.example', port: 7001 }] });
  });

  it('Sentinel: the sentinels, the master name, the database and the sentinels own password', () => {
    expect(parseRedisUrl('redis+sentinel://:pw@s1:26379,s2/mymaster/3?sentinelPassword=sp')).toMatchObject({
      kind: 'sentinel',
      name: 'mymaster',
      db: 3,
      password: 'pw',
      sentinelPassword: 'sp',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
    });
  });

  it.each([
    ['localhost:6379', /must start with redis:\/\//],
    ['redis+sentinel://s1:26379', /master name/],
    ['redis+cluster://', /at least one cluster node/],
    ['redis+cluster://a:7000/2', /no database/],
    ['redis://a:7000,b:7001', /plain redis:\/\//],
    ['redis+cluster://a:99999', /out of range/],
  ])('refuses %s', (url, message) => {
    expect(() => parseRedisUrl(url)).toThrow(message);
    expect(() => parseEnv({ REDIS_URL: url })).toThrow(/REDIS_URL: /);
  });

  it('in production a cluster or Sentinel across the network needs TLS, as one Redis does', () => {
    const prod = { NODE_ENV: 'production', APP_SECRET: 'x'.repeat(40) };
    expect(() => parseEnv({ ...prod, REDIS_URL: 'redis+cluster://10.0.0.1:7000,10.0.0.2:7000' })).toThrow(/REDIS_URL: must use TLS/);
    expect(() => parseEnv({ ...prod, REDIS_URL: 'redis+sentinel://10.0.0.1/m' })).toThrow(/REDIS_URL: must use TLS/);
    expect(parseEnv({ ...prod, REDIS_URL: 'rediss+cluster://10.0.0.1:7000,10.0.0.2:7000' }).REDIS_URL).toContain('rediss+cluster');
    expect(parseEnv({ ...prod, REDIS_URL: 'redis+cluster://127.0.0.1:7000,127.0.0.1:7001' }).REDIS_URL).toContain('127.0.0.1:7001');
    expect(redisIsLocal(parseRedisUrl('redis+cluster://127.0.0.1:7000,10.0.0.2:7001'))).toBe(false);
  });

  it('hides passwords when the URL is logged', () => {
    expect(redactRedisUrl('redis+sentinel://u:pw@s1,s2/m?sentinelPassword=sp')).toBe('redis+sentinel://u:***@s1,s2/m?sentinelPassword=***');
    expect(redactRedisUrl('redis://:a@h1:1,redis://:b@h2:2')).toBe('redis://:***@h1:1,redis://:***@h2:2');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
