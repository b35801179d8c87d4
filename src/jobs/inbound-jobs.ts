import { z } from 'zod';
import type { JobTarget } from './define';

/**
 * The inbound jobs as the webhook intakes see them: name, queue, payload and id, no
 * handler. The job definitions (src/jobs/line-inbound.ts, twilio-sms-inbound.ts,
 * twilio-status-inbound.ts) spread these and add their handler, so the names exist once.
 * The payload is the inbound_events row id only.
 */
const eventPayload = z.object({ eventId: z.uuid() });
type EventTarget = JobTarget<typeof eventPayload>;

/** One BullMQ job per stored event, however often it is enqueued (webhook, listener, sweeper). */
export const inboundJobId = (eventId: string) => `inbound:${eventId}`;
const jobId = ({ eventId }: { eventId: string }) => inboundJobId(eventId);

export const lineInboundTarget = { name: 'inbound.line', queue: 'inbound', payload: eventPayload, jobId } satisfies EventTarget;
/**
 * Twilio's events (SMS answers, delivery statuses) have a queue of their own: at a morning
 * surge LINE's answers fill `inbound` by the thousand, and an SMS answer — elderly patients,
 * a red one among them — must not wait behind them (issue 16). Their volume is bounded by
 * what we send by SMS (SMS_PER_SECOND), so the lane stays short. One processor takes both
 * providers of a sender in order (processTwilioInbox), so they share the queue.
 */
export const twilioSmsInboundTarget = { name: 'inbound.twilio_sms', queue: 'inbound-twilio', payload: eventPayload, jobId } satisfies EventTarget;
export const twilioStatusInboundTarget = { name: 'inbound.twilio_status', queue: 'inbound-twilio', payload: eventPayload, jobId } satisfies EventTarget;

/**
 * The urgent lane: a LINE event the intake saw to be a tapped answer marked red (`u=1`,
 * isUrgentAnswer) is enqueued here instead, on a queue with its own worker and connections,
 * so it is not processed behind the backlog of the others (issue 16). Same id and payload;
 * its run takes its own sender's events only. The sweeper puts a red tap it finds back here
 * too, and the NOTIFY listener one the Workers intake stored (`inbound.line.urgent`: the
 * provider's name with `.urgent`, found by inboundJobFor).
 */
export const lineUrgentInboundTarget = { name: 'inbound.line.urgent', queue: 'inbound-urgent', payload: eventPayload, jobId } satisfies EventTarget;

/**
 * The one provider → job map: the job that processes each provider's stored events. The
 * intake (src/bot/intake/inbox-writer.ts), the sweeper (src/jobs/sweep-inbound.ts) and the
 * NOTIFY listener (src/jobs/inbound-listener.ts) all enqueue through it.
 */
export const INBOUND_JOBS = { line: lineInboundTarget, twilio_sms: twilioSmsInboundTarget, twilio_status: twilioStatusInboundTarget } as const satisfies Record<string, EventTarget>;
export type InboundJobProvider = keyof typeof INBOUND_JOBS;

/** The same jobs as a list, with the urgent lane (the default of the sweeper and the listener). */
export const INBOUND_JOB_TARGETS: readonly EventTarget[] = [...Object.values(INBOUND_JOBS), lineUrgentInboundTarget];

/**
 * The job for a provider's events among `jobs` (`inbound.<provider>`: tests may pass the
 * worker's whole job list), with the inbound job id, or undefined when none processes them.
 */
export function inboundJobFor(provider: string, jobs: readonly JobTarget[] = INBOUND_JOB_TARGETS): EventTarget | undefined {
  const found = jobs.find((j) => j.name === `inbound.${provider}`) as EventTarget | undefined;
  return found && { ...found, jobId: found.jobId ?? jobId };
}
