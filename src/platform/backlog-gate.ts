import type { Logger } from './logger';
import { countShedWebhook, countUrgentAdmitted, recordInboxBacklog } from './metrics/record';

/** What the gate reads: unprocessed inbox rows and the age of the oldest (counts only). */
export interface BacklogReading {
  backlog: number;
  oldestAgeSeconds: number;
}

export interface BacklogState extends BacklogReading {
  /** The reading was past a limit. */
  overloaded: boolean;
  /** LINE webhooks are answered 503 with Retry-After now: overloaded, or the reading and `storedSinceReading` past the limit. */
  shedding: boolean;
  /** New events this process stored since the reading. */
  storedSinceReading: number;
  limit: number;
  /** 0: no age limit. */
  maxAgeSeconds: number;
  /** When the reading was taken (null: not read yet, the gate lets everything in). */
  readAt: Date | null;
}

export interface BacklogGateOptions {
  read: () => Promise<BacklogReading>;
  limit: number;
  maxAgeSeconds: number;
  retryAfterSeconds: number;
  logger: Logger;
  /** How often the backlog is read (default 1 s). */
  refreshMs?: number;
  /** While overloaded, how often the backlog is logged (default 10 s). */
  logEveryMs?: number;
}

/**
 * Overload without collapse (issue 16): the intake keeps answering fast when the workers
 * fall behind. The backlog is read on a timer (one cheap statement a second per intake
 * process), never per request; `shed()` only compares numbers. Between two readings the
 * gate adds the events this process stored since the last one (`stored`), so it closes
 * when the limit is reached, not up to a second later: at a surge a second of admissions is
 * thousands of events, each costing the intake the full store path while workers drain a
 * fraction of them — the intake then starves itself and its answers wait. Past the limit a LINE
 * webhook is answered 503 with Retry-After (LINE delivers it again, so nothing is lost and
 * the rows already stored are processed first); Twilio does not deliver an inbound SMS
 * again, so its webhooks are always stored. No reading yet, or the database unreadable:
 * everything is let in (the insert itself then succeeds or answers 5xx).
 */
export class BacklogGate {
  private reading: BacklogReading = { backlog: 0, oldestAgeSeconds: 0 };
  private readAt: Date | null = null;
  private overloaded = false;
  private timer: NodeJS.Timeout | null = null;
  private lastLog = 0;
  private shedSinceLog = 0;
  /** Events this process stored since the reading in hand was started. */
  private storedSinceReading = 0;

  constructor(private readonly opts: BacklogGateOptions) {}

  /** Start reading every `refreshMs` (the timer does not keep the process alive). */
  start(): this {
    if (this.timer) return this;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.opts.refreshMs ?? 1000);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private refreshing: Promise<void> | null = null;

  /** Read the backlog now (one read at a time: a slow read is not stacked by the timer). */
  refresh(): Promise<void> {
    this.refreshing ??= this.readOnce().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async readOnce(): Promise<void> {
    let reading: BacklogReading;
    // What was stored before the read began is in it (committed before the 200); what is
    // stored during the read may be too: counted again until the next reading, which only
    // closes the gate a little early.
    const storedBefore = this.storedSinceReading;
    try {
      reading = await this.opts.read();
    } catch (err) {
      this.opts.logger.debug({ err: (err as Error).message }, 'could not read the inbox backlog; keeping the last reading');
      // Stop adding to a reading that cannot be renewed: the last one alone decides.
      this.storedSinceReading = 0;
      return;
    }
    this.storedSinceReading -= storedBefore;
    this.reading = reading;
    this.readAt = new Date();
    recordInboxBacklog(reading.backlog, reading.oldestAgeSeconds);
    const { limit, maxAgeSeconds } = this.opts;
    const over = reading.backlog > limit || (maxAgeSeconds > 0 && reading.oldestAgeSeconds > maxAgeSeconds);
    const log = { backlog: reading.backlog, oldestAgeSeconds: reading.oldestAgeSeconds, limit, maxAgeSeconds };
    if (over && !this.overloaded) {
      this.opts.logger.warn(log, 'inbox backlog past its limit: LINE webhooks are answered 503 with Retry-After (LINE delivers them again); SMS is still stored');
      this.lastLog = Date.now();
    } else if (!over && this.overloaded) {
      this.opts.logger.info({ ...log, shed: this.shedSinceLog }, 'inbox backlog back under its limit: accepting LINE webhooks again');
      this.shedSinceLog = 0;
    } else if (over && Date.now() - this.lastLog >= (this.opts.logEveryMs ?? 10_000)) {
      this.opts.logger.warn({ ...log, shed: this.shedSinceLog }, 'inbox backlog still past its limit');
      this.lastLog = Date.now();
    }
    this.overloaded = over;
  }

  state(): BacklogState {
    return { ...this.reading, overloaded: this.overloaded, shedding: this.shedding(), storedSinceReading: this.storedSinceReading, limit: this.opts.limit, maxAgeSeconds: this.opts.maxAgeSeconds, readAt: this.readAt };
  }

  /**
   * Whether to refuse this webhook now: the seconds the provider should wait before
   * delivering it again (counted), or null to store it. Only LINE is ever refused.
   */
  shed(provider: 'line'): number | null {
    if (!this.shedding()) return null;
    countShedWebhook(provider);
    this.shedSinceLog++;
    return this.opts.retryAfterSeconds;
  }

  /**
   * Whether webhooks are being refused now (nothing counted): the last reading was past a
   * limit, or it and what this process stored since are past the backlog limit. The intake then
   * looks for a red answer before refusing.
   */
  shedding(): boolean {
    return this.overloaded || (this.readAt !== null && this.reading.backlog + this.storedSinceReading > this.opts.limit);
  }

  /** New events this process stored (counted against the limit until the next reading). */
  stored(events: number): void {
    this.storedSinceReading += events;
  }

  /** A webhook let in past the limit because it carries a red answer (counted). */
  admitUrgent(provider: 'line'): void {
    countUrgentAdmitted(provider);
  }
}
