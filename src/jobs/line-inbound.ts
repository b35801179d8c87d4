import { defineJob } from './define';
import { inboundJobId, lineInboundTarget, lineUrgentInboundTarget } from './inbound-jobs';

/**
 * Process one stored LINE webhook event (and any earlier ones of the same sender still
 * waiting). The payload is the inbound_events row id only. The sweeper re-enqueues
 * unprocessed rows under the same name and payload: `inbound.<provider>`, { eventId }.
 * The intake enqueues through `lineInboundTarget` (name, queue, payload) and never imports
 * this file, so the Workers build stays free of the conversation code.
 */
export const lineInboundJob = defineJob({
  ...lineInboundTarget,
  version: 1,
  handler: async ({ eventId }, deps) => deps.channels.processInbound.line(deps, eventId),
});

/**
 * The same for an event in the urgent lane (a red answer): its sender's events alone, so the
 * run is one sender's few statements, not a batch of others' (INBOUND_BATCH_SIZE).
 */
export const lineUrgentInboundJob = defineJob({
  ...lineUrgentInboundTarget,
  version: 1,
  handler: async ({ eventId }, deps) => deps.channels.processInbound.line(deps, eventId, { batchSize: 1 }),
});

/** The BullMQ job id for an event: one job per stored event, however often it is enqueued. */
export const lineInboundJobId = inboundJobId;
