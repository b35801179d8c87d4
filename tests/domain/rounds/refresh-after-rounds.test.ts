import { describe, expect, it } from 'vitest';
import { refreshAfterRounds, SESSION_STATISTICS_AFTER, SESSION_STATISTICS_EVERY } from '../../../src/domain/rounds/session-statistics';

/** When a tick refreshes the sessions' statistics, for the rounds it creates chunk by chunk. */
async function refreshesFor(chunks: number[]): Promise<number[]> {
  const at: number[] = [];
  let created = 0;
  const policy = refreshAfterRounds(async () => at.push(created));
  for (const n of chunks) {
    created += n;
    await policy.created(n);
  }
  await policy.done();
  return at;
}

describe('refreshAfterRounds', () => {
  it('refreshes after the first chunk of a national round, every 100,000 more, and at the end', async () => {
    const chunks = [...Array(61).fill(25_000), 19_000]; // 1,544,000 in chunks of 25,000
    const at = await refreshesFor(chunks);
    expect(at[0]).toBe(25_000);
    expect(at.slice(1, -1).every((n, i) => n - at[i]! === SESSION_STATISTICS_EVERY)).toBe(true);
    expect(at.at(-1)).toBe(1_544_000);
    expect(at).toHaveLength(17);
  });

  it('refreshes once for a round of one chunk, never for a few sessions', async () => {
    expect(await refreshesFor([SESSION_STATISTICS_AFTER])).toEqual([SESSION_STATISTICS_AFTER]);
    expect(await refreshesFor([SESSION_STATISTICS_AFTER - 1])).toEqual([]);
    expect(await refreshesFor([])).toEqual([]);
  });

  it('leaves a small remainder after the last refresh to autovacuum', async () => {
    expect(await refreshesFor([25_000, 100_000, 500])).toEqual([25_000, 125_000]);
  });
});
