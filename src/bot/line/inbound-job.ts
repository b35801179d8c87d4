import { z } from 'zod';
import { defineJob } from '../../jobs/define';

/**
 * Process one stored LINE webhook event (and any earlier ones of the same sender still
 * waiting). The payload is the inbound_events row id only. The sweeper re-enqueues
 * unprocessed rows under the same name and payload: `inbound.<provider>`, { eventId }.
 * The handler is imported lazily so the webhook intake (which only enqueues) stays small
 * enough for the Workers build.
 */
export const lineInboundJob = defineJob({
  name: 'inbound.line',
  queue: 'inbound',
  version: 1,
  payload: z.object({ eventId: z.uuid() }),
  handler: async ({ eventId }, deps) => {
    const { processLineInbound } = await import('./process-inbound');
    return processLineInbound(deps, eventId);
  },
});

/** The BullMQ job id for an event: one job per stored event, however often it is enqueued. */
export const lineInboundJobId = (eventId: string) => `inbound:${eventId}`;
