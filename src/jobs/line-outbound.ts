import { z } from 'zod';
import { defineJob } from './define';

/**
 * Send one LINE outbound row again: enqueued by the tick's outbound sweep
 * (src/jobs/line-outbound-sweep.ts) for rows their own job did not get out. The payload is
 * the row id only. The sweep is the retry: a run that fails is not retried by BullMQ, the
 * next sweep tries again after a longer wait.
 */
export const lineOutboundJob = defineJob({
  name: 'line.outbound',
  queue: 'outbound',
  version: 1,
  payload: z.object({ outboundId: z.uuid() }),
  handler: async ({ outboundId }, deps) => deps.channels.resendLineOutbound(deps, outboundId),
});

/** One job per row and attempt: a row still waiting in Redis is not added twice. */
export const lineOutboundJobId = (outboundId: string, attempts: number) => `line-outbound:${outboundId}:${attempts}`;
