import type { Deps } from '../../deps';
import type { JobRunner } from '../../jobs/runner';

/**
 * What the webhook intake routers need. On Node that is the app's Deps; on Cloudflare
 * Workers (src/worker.ts) it is built per request, with a `jobs` that enqueues nothing
 * (no Redis at the edge: the inbound_events NOTIFY trigger tells the Node side).
 */
export type IntakeDeps = Pick<Deps, 'env' | 'db' | 'logger' | 'now'> & { jobs: IntakeJobs; inboxGate?: IntakeGate };
/** `typedRedHints` is absent on Workers (no Redis at the edge): a typed red answer then waits its turn. */
export type IntakeJobs = Pick<JobRunner, 'trigger' | 'triggerBulk'> & Partial<Pick<JobRunner, 'typedRedHints'>>;

/**
 * Overload (src/platform/backlog-gate.ts, built by the composition root): the seconds LINE
 * should wait before delivering a webhook again while the inbox backlog is past its limit,
 * else null. Absent (Workers, tests): everything is stored.
 */
export interface IntakeGate {
  shed(provider: 'line'): number | null;
  /** Refusing now (nothing counted): a request carrying a red answer is let in instead (admitUrgent). */
  shedding(): boolean;
  admitUrgent(provider: 'line'): void;
  /** New events stored (any provider: the inbox writer tells it): counted against the limit until the backlog is read again. */
  stored(events: number): void;
}
