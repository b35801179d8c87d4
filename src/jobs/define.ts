import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { Deps } from '../deps';

/**
 * The queues; each has one worker per process with its own concurrency and rate limit.
 * A BullMQ limiter is per queue, so each channel's sends have their own dispatch queue.
 * 'rounds' carries per-session follow-ups (non-responder alerts) so they never wait behind a tick.
 * 'imports' carries bulk person imports: long jobs that must never hold up a round.
 * 'retention' erases records past their retention, one batch at a time (never competing with the rounds).
 * 'exports' produces FHIR Bulk Data exports: long streamed reads, two at a time.
 * 'inbound-twilio' carries SMS answers and Twilio status events, apart from LINE's 'inbound'.
 */
export const QUEUE_NAMES = ['scheduler', 'dispatch', 'inbound', 'inbound-urgent', 'inbound-twilio', 'outbound', 'dispatch-line', 'dispatch-sms', 'dispatch-voice', 'dispatch-web', 'rounds', 'imports', 'retention', 'exports'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * One job = a name, a queue, a zod payload schema (ids only, never personal data), a
 * version and a handler. Payloads are re-validated in the worker.
 * @example
 * export const processInboundEvent = defineJob({
 *   name: 'inbound.process', queue: 'inbound', version: 1,
 *   payload: z.object({ eventId: z.string().uuid() }),
 *   handler: async ({ eventId }, deps) => { … },
 * });
 */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  queue: QueueName;
  version: number;
  payload: S;
  /**
   * The BullMQ job id built from the payload: the same work always gets the same id, so
   * enqueueing it twice (webhook, listener, sweeper, a retried tick) adds one job. Jobs whose
   * id holds more than the payload (a dispatch's batch, an import's run) are given it by
   * the producer instead.
   */
  jobId?(payload: z.infer<S>): string;
  handler: (payload: z.infer<S>, deps: Deps, job: Job, attempt?: JobAttempt) => Promise<unknown>;
}

/** What the runner knows of this run of a job. */
export interface JobAttempt {
  /** No attempt made and no start before but those that went back for the answers (answers-first.ts): nothing of it can have happened yet. */
  first: boolean;
}

/**
 * What a producer needs to enqueue a job: its name, queue and payload schema, without
 * the handler. Webhook intakes enqueue through a target so they never import the
 * handler's module (the Workers build stays free of the conversation code).
 */
export type JobTarget<S extends z.ZodType = z.ZodType> = Pick<JobDefinition<S>, 'name' | 'queue' | 'payload' | 'jobId'>;

/** The id of one job of `def`: the producer's own, else the one the definition builds from the payload. */
export function jobIdOf<S extends z.ZodType>(def: JobTarget<S>, payload: z.infer<S>, given?: string): string {
  const id = given ?? def.jobId?.(payload);
  if (!id) throw new Error(`job ${def.name} needs a job id: its definition builds none from the payload`);
  return id;
}

/** Payloads with the ids their definition builds, ready for triggerBulk. */
export function withJobIds<S extends z.ZodType>(def: JobTarget<S>, payloads: readonly z.infer<S>[]): { payload: z.infer<S>; jobId: string }[] {
  return payloads.map((payload) => ({ payload, jobId: jobIdOf(def, payload) }));
}

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}
