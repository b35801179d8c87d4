import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { checkRedisPolicy } from '../../src/platform/redis-policy';
import { REDIS_URL } from '../support/deps';

let redis: Redis;
let original: { policy: string; aof: string; save: string };

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as string[];
  const [, aof] = (await redis.config('GET', 'appendonly')) as string[];
  const [, save] = (await redis.config('GET', 'save')) as string[];
  original = { policy: policy!, aof: aof!, save: save ?? '' };
});
afterAll(async () => {
  await redis.config('SET', 'maxmemory-policy', original.policy);
  redis.disconnect();
});

describe('the Redis policy check', () => {
  it('warns when keys may be evicted or nothing is kept on disk', async () => {
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const report = await checkRedisPolicy(redis);
    expect(report.evictionPolicy).toBe('allkeys-lru');
    expect(report.problems.join('\n')).toMatch(/noeviction/);
    if (original.aof === 'no' && !original.save.trim()) expect(report.problems.join('\n')).toMatch(/appendonly yes/);
  });

  it('is satisfied by noeviction (as BullMQ needs)', async () => {
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    const report = await checkRedisPolicy(redis);
    expect(report.problems.filter((p) => p.includes('maxmemory-policy'))).toEqual([]);
  });
});
