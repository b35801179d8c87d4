import type { Env } from '../config/env';
import type { QueueName } from './define';

export interface QueueSettings {
  concurrency: number;
  /** BullMQ's limiter is global per queue (all workers on all machines share it). */
  limiter?: { max: number; duration: number };
  /** How long a worker holds a job's lock; a crashed worker's job is retried after this. */
  lockDuration?: number;
  stalledInterval?: number;
}

/**
 * Concurrency and send limits per queue, from the settings. The limits are what we may send
 * to each provider per second, kept under their published ceilings by the defaults:
 * LINE multicast 200 requests/s (we default to 150), Twilio calls 1/s per number, SMS 1
 * person/s (one long code), and so on. A LINE dispatch job is one multicast request, so
 * jobs/s = requests/s; LINE pushes, sent from inside other jobs, have their own limiter
 * (JobRunner.sendLimiter, LINE_PUSH_PER_SECOND).
 */
/**
 * Red answers processed at once per worker process, and the connections of their own pool
 * (boot.ts). A red run holds its connection only for its transaction, then sends its reply
 * (the rest of its time); with 2 at once, red answers queued behind each other for up to
 * 2.7 s in the morning-round burst (topology bench, --prepared), about 1.5 red a second.
 */
export const URGENT_CONCURRENCY = 8;
export const URGENT_POOL_SIZE = 4;
/** Twilio's events (SMS answers, statuses) processed at once per worker process: a few a second at most. */
export const TWILIO_INBOUND_CONCURRENCY = 4;

export function queueSettingsFromEnv(env: Env): Partial<Record<QueueName, QueueSettings>> {
  const perSecond = (max: number) => ({ max, duration: 1000 });
  return {
    // One tick at a time per process: a slow tick must not be overtaken by the next one.
    scheduler: { concurrency: 1 },
    rounds: { concurrency: 8 },
    // Deletion after retention: one batch at a time, so the console's queries are never starved.
    retention: { concurrency: 1 },
    // Answers: each job mostly waits on PostgreSQL and the reply API; a sender's events keep
    // their order whatever the concurrency (process-inbound takes them by sequence).
    inbound: { concurrency: env.INBOUND_CONCURRENCY },
    // The urgent lane (a tapped answer the engine marked red): its own worker, so a red answer
    // never waits behind the morning's backlog; about 1 % of answers, each run its sender alone.
    'inbound-urgent': { concurrency: URGENT_CONCURRENCY },
    // SMS answers and Twilio statuses: their own worker, so LINE's backlog never holds them.
    'inbound-twilio': { concurrency: TWILIO_INBOUND_CONCURRENCY },
    'dispatch-line': { concurrency: env.DISPATCH_CONCURRENCY, limiter: perSecond(env.LINE_MULTICAST_PER_SECOND) },
    'dispatch-sms': { concurrency: env.DISPATCH_CONCURRENCY, limiter: perSecond(env.SMS_PER_SECOND) },
    'dispatch-voice': { concurrency: 4, limiter: perSecond(env.CALLS_PER_SECOND) },
    // Web check-in links go out as one SMS or LINE push each: the SMS limit is the tighter one.
    'dispatch-web': { concurrency: env.DISPATCH_CONCURRENCY, limiter: perSecond(Math.min(env.SMS_PER_SECOND, env.LINE_PUSH_PER_SECOND)) },
    // LINE replies and reminders the outbound sweep sends again: one push each.
    outbound: { concurrency: 8, limiter: perSecond(env.LINE_PUSH_PER_SECOND) },
    // One import at a time per process (each runs several transactions at once itself); a
    // 100,000-row file takes minutes, so the lock is long and renewed while it runs.
    imports: { concurrency: 1, lockDuration: 120_000 },
    // FHIR Bulk Data exports: long, streamed reads; two at a time per process.
    exports: { concurrency: 2 },
  };
}

/**
 * The queue groups a worker process may serve (WORKER_GROUPS). `answers` judges patients'
 * answers and must never wait behind the others: its queue is its own, with its own
 * worker, concurrency (INBOUND_CONCURRENCY) and database connections (ANSWER_POOL_SIZE),
 * and a process can be given to it alone (`WORKER_GROUPS=answers`). `rounds` is the tick,
 * the dispatch of prompts and reminders and the outbox; `bulk` the long jobs.
 */
export const QUEUE_GROUPS = {
  answers: ['inbound', 'inbound-urgent', 'inbound-twilio'],
  rounds: ['scheduler', 'dispatch', 'dispatch-line', 'dispatch-sms', 'dispatch-voice', 'dispatch-web', 'rounds', 'outbound'],
  bulk: ['imports', 'retention', 'exports'],
} as const satisfies Record<string, readonly QueueName[]>;
export type QueueGroup = keyof typeof QUEUE_GROUPS;

/** The queues of the given groups. */
export function queuesOfGroups(groups: readonly QueueGroup[]): QueueName[] {
  return groups.flatMap((g) => [...QUEUE_GROUPS[g]]);
}
