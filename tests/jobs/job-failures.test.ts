import { UnrecoverableError } from 'bullmq';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TransientSendError } from '../../src/bot/dispatch';
import { retryAfterBackoff, scrubJobError } from '../../src/jobs/job-failures';

const job = (delay: number) => ({ opts: { backoff: { type: 'retry-after', delay } } }) as never;
const backoff = (attemptsMade: number, err?: Error, delay = 1000) => retryAfterBackoff(attemptsMade, 'retry-after', err, job(delay));

describe('the retry backoff', () => {
  it('doubles from the first delay when the provider asked for nothing', () => {
    expect([1, 2, 3, 4].map((n) => backoff(n, new Error('503')))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoff(3, new Error('x'), 50)).toBe(200);
  });

  it("waits at least what the provider asked for (LINE Retry-After: 60, the end of quiet hours)", () => {
    expect(backoff(1, new TransientSendError('LINE API 429', 60_000))).toBe(60_000);
    expect(backoff(1, new TransientSendError('quiet hours', 10.5 * 3600_000))).toBe(10.5 * 3600_000);
    expect(backoff(8, new TransientSendError('LINE API 429', 60_000))).toBe(128_000); // the backoff is longer by then
    expect(backoff(1, new TransientSendError('bad header', 30 * 86_400_000))).toBe(86_400_000); // at most a day
  });

  it('is never shorter than the exponential step nor than the requested wait (up to a day)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 86_400_000 }), (attempt, asked) => {
        const wait = backoff(attempt, new TransientSendError('x', asked));
        expect(wait).toBeGreaterThanOrEqual(Math.min(86_400_000, 1000 * 2 ** (attempt - 1)));
        expect(wait).toBeGreaterThanOrEqual(asked);
        expect(wait).toBeLessThanOrEqual(86_400_000);
      }),
    );
  });
});

describe('scrubJobError', () => {
  it("removes a failed query's parameters, phone numbers and LINE ids from the message and the stack", () => {
    const err = new Error('Failed query: update persons set phone = $1 where id = $2\nparams: +819012345678,５０代 咳');
    const scrubbed = scrubJobError(err);
    expect(scrubbed).toBe(err);
    expect(scrubbed.message).toBe('Failed query: update persons set phone = $1 where id = $2\nparams: [redacted]');
    expect(scrubbed.stack).toContain('params: [redacted]');
    expect(scrubbed.stack).not.toContain('咳');
    expect(scrubJobError(new Error(`LINE user U${'a1'.repeat(16)} called +815012345678`)).message).toBe('LINE user [redacted LINE id] called [redacted phone]');
  });

  it('keeps what steers the retry: the class (UnrecoverableError) and retryAfterMs', () => {
    const unrecoverable = scrubJobError(new UnrecoverableError('Failed query: select 1\nparams: secret'));
    expect(unrecoverable).toBeInstanceOf(UnrecoverableError);
    expect(unrecoverable.message).toBe('Failed query: select 1\nparams: [redacted]');
    const transient = scrubJobError(new TransientSendError('LINE API 429', 60_000));
    expect((transient as TransientSendError).retryAfterMs).toBe(60_000);
    expect(scrubJobError('thrown text +819012345678').message).toBe('thrown text [redacted phone]');
  });
});
