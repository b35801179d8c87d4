import { z } from 'zod';
import type { JobTarget } from './define';

/**
 * The inbound jobs as the webhook intakes see them: name, queue and payload, no handler.
 * The Node job definitions (src/bot/line/inbound-job.ts, src/bot/sms/inbound-job.ts,
 * src/bot/twilio/status-job.ts) spread these and add their handler, so the names exist
 * once. The sweeper and the inbound listener rely on the naming rule
 * `inbound.<inbound_events.provider>`; the payload is the row id only.
 */
const eventPayload = z.object({ eventId: z.uuid() });

export const lineInboundTarget = { name: 'inbound.line', queue: 'inbound', payload: eventPayload } satisfies JobTarget<typeof eventPayload>;
export const twilioSmsInboundTarget = { name: 'inbound.twilio_sms', queue: 'inbound', payload: eventPayload } satisfies JobTarget<typeof eventPayload>;
export const twilioStatusInboundTarget = { name: 'inbound.twilio_status', queue: 'inbound', payload: eventPayload } satisfies JobTarget<typeof eventPayload>;

/**
 * The one provider → job map: `inbound.<provider>` for each provider the intake stores.
 * The intake, the sweeper (src/jobs/sweep-inbound.ts) and the NOTIFY listener
 * (src/jobs/inbound-listener.ts) all enqueue through it.
 */
export const INBOUND_JOB_TARGETS: readonly JobTarget<typeof eventPayload>[] = [lineInboundTarget, twilioSmsInboundTarget, twilioStatusInboundTarget];

/** One BullMQ job per stored event, however often it is enqueued (webhook, listener, sweeper). */
export const inboundJobId = (eventId: string) => `inbound:${eventId}`;
