import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { requirePermission } from '../permissions';

/** One state-changing request of the job-queue board (Bull Board): pause, clean, retry, remove … */
export interface QueueOperation {
  /** What it does: `pause`, `clean`, `retry`, `obliterate`, `job.retry`, `scheduler.remove` … */
  operation: string;
  /** The queue ('*' for all queues). */
  queue: string;
  jobId?: string;
  /** The job state it applies to (clean/retry all `failed` …) or the scheduler it names. */
  target?: string;
}

/**
 * Allow (national officers only: the queues are the whole installation's, so a centre could
 * stop every round nationwide) and audit an operation on the job queues, before Bull Board
 * carries it out. The audit row names the queue and job ids, never job data.
 * @example await runVerb(deps, c, (ctx) => operateJobQueue({ ctx, input: { operation: 'pause', queue: 'dispatch-line' } }))
 */
export async function operateJobQueue({ ctx, input }: VerbArgs<QueueOperation>): Promise<void> {
  requirePermission(ctx.actor, 'operateJobQueue');
  await writeAudit(ctx, {
    action: `queue.${input.operation}`,
    entity: 'job_queue',
    entityId: input.queue,
    details: { ...(input.jobId ? { jobId: input.jobId } : {}), ...(input.target ? { target: input.target } : {}) },
  });
}
