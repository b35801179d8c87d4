/**
 * A token bucket per endpoint: `ratePerSecond` tokens a second, at most one second's worth
 * banked (LINE and Twilio both state their limits per second, so a burst larger than one
 * second's allowance is refused). `take()` is false when the request must be answered 429;
 * `retryAfterSeconds()` is what to put in Retry-After.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly ratePerSecond: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.tokens = ratePerSecond;
    this.last = clock();
  }

  take(): boolean {
    const now = this.clock();
    this.tokens = Math.min(this.ratePerSecond, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.ratePerSecond));
  }
}
