import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client';
import type { Deps } from '../deps';
import { withJobIds, type JobTarget } from './define';
import { inboundJobFor, lineUrgentInboundTarget } from './inbound-jobs';

/**
 * Inbound events stored but never processed (Redis was down when the webhook came, or a
 * worker died): enqueue `inbound.<provider>` with { eventId } again, under the same job id
 * the webhook used (`inbound:<eventId>`), so an event already queued is not added twice.
 * A red answer (`urgent`: a tap marked red, or a typed one the intake found red) goes back
 * to the urgent lane, as the intake put it: late already, it must not wait behind the backlog
 * as well.
 */
export async function sweepInbound(deps: Deps, opts: { now: Date; olderThanMs: number; limit: number; jobs: readonly JobTarget[] }): Promise<{ swept: number; missingJobs: string[] }> {
  const before = new Date(opts.now.getTime() - opts.olderThanMs).toISOString();
  const rows = await queryRows<{ id: string; provider: string; urgent: boolean }>(
    deps.db,
    sql`select id, provider, urgent from inbound_events
        where processed_at is null and received_at < ${before}::timestamptz order by received_at limit ${opts.limit}`,
  );
  // By the job that takes them: `inbound.<provider>`, or the urgent lane for a red answer.
  const byJob = new Map<string, { def: JobTarget | undefined; ids: string[] }>();
  for (const r of rows) {
    const def = r.urgent ? lineUrgentInboundTarget : inboundJobFor(r.provider, opts.jobs);
    const name = def?.name ?? `inbound.${r.provider}`;
    const lane = byJob.get(name) ?? { def, ids: [] };
    lane.ids.push(r.id);
    byJob.set(name, lane);
  }
  let swept = 0;
  const missingJobs: string[] = [];
  for (const [name, { def, ids }] of byJob) {
    if (!def) {
      missingJobs.push(name);
      continue;
    }
    if (await deps.jobs.triggerBulk(def, withJobIds(def, ids.map((eventId) => ({ eventId }))))) swept += ids.length;
  }
  if (missingJobs.length) deps.logger.warn({ jobs: missingJobs }, 'unprocessed inbound events have no job to process them');
  return { swept, missingJobs };
}
