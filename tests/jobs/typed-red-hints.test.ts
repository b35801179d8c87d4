import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TypedRedHint } from '../../src/flows';
import { redisTypedRedHints } from '../../src/jobs/typed-red-hints';
import { createRedis } from '../../src/platform/redis';
import { createLogger } from '../../src/platform/logger';
import { REDIS_URL } from '../support/deps';

// The per-sender typed-red hints against the real Redis: kept, forgotten, matched, and read
// in one command for all the senders asked in one turn (the overloaded intake asks per request).
const redis = createRedis(REDIS_URL, createLogger({ level: 'silent' }));
const prefix = `test-hints-${randomBytes(4).toString('hex')}`;
const spo2 = { kind: 'number' as const, options: { min: 1, max: 100, precision: 1 }, ranges: [[1, 93]] as [number, number][] };
afterAll(async () => {
  await redis.unlink(...['a', 'b', 'x', 'bad'].map((k) => `${prefix}:{typed-red}:${k}`));
  redis.disconnect();
});
beforeAll(async () => {
  while (redis.status !== 'ready') await new Promise((r) => setTimeout(r, 20)); // no offline queue on the app's connection
});

describe('typed-red hints in Redis', () => {
  it('keeps a hint a sender at a time, forgets it on null, and matches typed texts against it', async () => {
    const hints = redisTypedRedHints(redis, prefix);
    await hints.remember(new Map<string, TypedRedHint>([['a', spo2], ['b', { kind: 'yes' }]]));
    expect([...(await hints.read(['a', 'b', 'c'])).keys()].sort()).toEqual(['a', 'b']);
    expect(await hints.looksRed([{ senderKey: 'a', text: '９２' }, { senderKey: 'a', text: '97' }, { senderKey: 'b', text: 'はい' }, { senderKey: 'c', text: '92' }])).toEqual([true, false, true, false]);
    await hints.remember(new Map([['a', null]]));
    expect((await hints.read(['a'])).has('a')).toBe(false);
    expect(await redis.ttl(`${prefix}:{typed-red}:b`)).toBeGreaterThan(11 * 3600);
  });

  it('reads the hints asked for in one turn with one MGET', async () => {
    const hints = redisTypedRedHints(redis, prefix);
    await hints.remember(new Map([['x', spo2]]));
    const mget = vi.spyOn(redis, 'mget');
    const answers = await Promise.all(['x', 'y', 'x', 'z'].map((k) => hints.looksRed([{ senderKey: k, text: '90' }])));
    expect(answers).toEqual([[true], [false], [true], [false]]);
    expect(mget).toHaveBeenCalledTimes(1);
    mget.mockRestore();
  });

  it('a hint it cannot read (or Redis refusing) is no hint: nothing throws', async () => {
    const hints = redisTypedRedHints(redis, prefix);
    await redis.set(`${prefix}:{typed-red}:bad`, 'not json');
    expect(await hints.looksRed([{ senderKey: 'bad', text: '92' }])).toEqual([false]);
    const down = redisTypedRedHints({ mget: async () => { throw new Error('down'); }, multi: () => ({ set() {}, unlink() {}, exec: async () => { throw new Error('down'); } }) } as never, prefix);
    expect(await down.looksRed([{ senderKey: 'x', text: '92' }])).toEqual([false]);
    await expect(down.remember(new Map([['x', spo2]]))).resolves.toBeUndefined();
  });
});
