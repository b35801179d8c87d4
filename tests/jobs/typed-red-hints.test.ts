import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TypedRedHint } from '../../src/flows';
import { redisTypedRedHints } from '../../src/jobs/typed-red-hints';
import { createRedis } from '../../src/platform/redis';
import { createLogger } from '../../src/platform/logger';
import { REDIS_URL } from '../support/deps';

// The per-sender typed-red hints against the real Redis: kept, forgotten, matched, read in one
// round trip for all the senders asked in one turn (the overloaded intake asks per request),
// kept over the turn of a generation, and small enough for the national round.
const redis = createRedis(REDIS_URL, createLogger({ level: 'silent' }));
const prefix = `test-hints-${randomBytes(4).toString('hex')}`;
const spo2 = { kind: 'number' as const, options: { min: 1, max: 100, precision: 1 }, ranges: [[1, 93]] as [number, number][] };
const HOUR = 3600_000;
const senderKey = (n: number) => createHash('sha256').update(`line:U${n}`).digest('hex');
const keysOf = async (pattern: string) => {
  const keys: string[] = [];
  for (let cursor = '0'; ; ) {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...found);
    if ((cursor = next) === '0') return keys;
  }
};
afterAll(async () => {
  const keys = await keysOf(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
  redis.disconnect();
});
beforeAll(async () => {
  while (redis.status !== 'ready') await new Promise((r) => setTimeout(r, 20)); // no offline queue on the app's connection
});

describe('typed-red hints in Redis', () => {
  it('keeps a hint a sender at a time, forgets it on null, and matches typed texts against it', async () => {
    const hints = redisTypedRedHints(redis, prefix);
    await hints.remember(new Map<string, TypedRedHint>([['a', spo2], [senderKey(1), { kind: 'yes' }]]));
    expect([...(await hints.read(['a', senderKey(1), 'c'])).keys()].sort()).toEqual(['a', senderKey(1)].sort());
    expect(await hints.looksRed([{ senderKey: 'a', text: '９２' }, { senderKey: 'a', text: '97' }, { senderKey: senderKey(1), text: 'はい' }, { senderKey: 'c', text: '92' }])).toEqual([true, false, true, false]);
    await hints.remember(new Map([['a', null]]));
    expect((await hints.read(['a'])).has('a')).toBe(false);
    // Another process (no cache of the bodies yet) reads the same.
    expect((await redisTypedRedHints(redis, prefix).read([senderKey(1)])).get(senderKey(1))).toEqual({ kind: 'yes' });
  });

  it('a hint outlives the turn of its 12-hour generation, not the next one; forgetting reaches both', async () => {
    let t = Date.UTC(2026, 11, 6, 16, 59); // the turn at 17:00 UTC (02:00 and 14:00 in Japan)
    const hints = redisTypedRedHints(redis, `${prefix}-gen`, () => t);
    await hints.remember(new Map([[senderKey(2), spo2], [senderKey(3), spo2]]));
    t += 2 * 60_000; // past the turn
    expect([...(await hints.read([senderKey(2), senderKey(3)])).keys()]).toHaveLength(2);
    await hints.remember(new Map([[senderKey(3), null]]));
    expect([...(await hints.read([senderKey(2), senderKey(3)])).keys()]).toEqual([senderKey(2)]);
    t += 12 * HOUR;
    expect((await hints.read([senderKey(2)])).size).toBe(0);
    const ttls = await Promise.all((await keysOf(`${prefix}-gen:{typed-red}:g*`)).map((k) => redis.ttl(k)));
    expect(ttls.length).toBeGreaterThan(0);
    for (const ttl of ttls) expect(ttl).toBeGreaterThan(24 * 3600);
  });

  it('reads the hints asked for in one turn in one script call, and each hint body once', async () => {
    const hints = redisTypedRedHints(redis, prefix);
    await hints.remember(new Map([[senderKey(4), spo2]]));
    const script = vi.spyOn(redis as unknown as { mimamoriTypedRedHints: () => Promise<unknown> }, 'mimamoriTypedRedHints');
    const mget = vi.spyOn(redis, 'mget');
    const answers = await Promise.all([senderKey(4), 'y', senderKey(4), 'z'].map((k) => hints.looksRed([{ senderKey: k, text: '90' }])));
    expect(answers).toEqual([[true], [false], [true], [false]]);
    expect(await hints.looksRed([{ senderKey: senderKey(4), text: '91' }])).toEqual([true]);
    expect(script).toHaveBeenCalledTimes(2); // one a turn
    expect(mget).toHaveBeenCalledTimes(1); // the second read found the body in the process's cache
    script.mockRestore();
    mget.mockRestore();
  });

  it('a national round of hints stays small: under 100 bytes of Redis a sender, one body for all', async () => {
    const hints = redisTypedRedHints(redis, `${prefix}-mem`);
    const fever = { kind: 'number' as const, options: { min: 34, max: 42, precision: 0.1 }, ranges: [[38, 42]] as [number, number][] };
    const senders = 50_000;
    for (let from = 0; from < senders; from += 5_000) {
      await hints.remember(new Map(Array.from({ length: 5_000 }, (_, i) => [senderKey(10_000 + from + i), { ...fever }] as const)));
    }
    const keys = await keysOf(`${prefix}-mem:*`);
    expect(keys.filter((k) => k.includes(':h:'))).toHaveLength(1);
    let bytes = 0;
    for (const k of keys) bytes += Number(await redis.memory('USAGE', k));
    expect(bytes / senders).toBeLessThan(100); // a key a sender with its JSON: ~310 B
    expect(await hints.looksRed([{ senderKey: senderKey(10_123), text: '38.5' }, { senderKey: senderKey(10_124), text: '37.2' }])).toEqual([true, false]);
  });

  it('a hint it cannot read (or Redis refusing) is no hint: nothing throws', async () => {
    const hints = redisTypedRedHints(redis, `${prefix}-bad`);
    await hints.remember(new Map([[senderKey(5), spo2]]));
    const [body] = await keysOf(`${prefix}-bad:{typed-red}:h:*`);
    await redis.set(body!, 'not json');
    expect(await redisTypedRedHints(redis, `${prefix}-bad`).looksRed([{ senderKey: senderKey(5), text: '92' }])).toEqual([false]);
    const failing = async () => { throw new Error('down'); };
    const down = redisTypedRedHints({ mget: failing, set: failing, mimamoriTypedRedHints: failing, mimamoriTypedRedHintsWrite: failing } as never, prefix);
    expect(await down.looksRed([{ senderKey: 'x', text: '92' }])).toEqual([false]);
    await expect(down.remember(new Map([['x', spo2]]))).resolves.toBeUndefined();
  });
});
