import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client';
import type { Deps } from '../deps';
import { withJobIds, type JobTarget } from './define';
import { inboundJobFor } from './inbound-jobs';

/**
 * Inbound events stored but never processed (Redis was down when the webhook came, or a
 * worker died): enqueue `inbound.<provider>` with { eventId } again, under the same job id
 * the webhook used (`inbound:<eventId>`), so an event already queued is not added twice.
 */
export async function sweepInbound(deps: Deps, opts: { now: Date; olderThanMs: number; limit: number; jobs: readonly JobTarget[] }): Promise<{ swept: number; missingJobs: string[] }> {
  const before = new Date(opts.now.getTime() - opts.olderThanMs).toISOString();
  const rows = await queryRows<{ id: string; provider: string }>(
    deps.db,
    sql`select id, provider from inbound_events where processed_at is null and received_at < ${before}::timestamptz order by received_at limit ${opts.limit}`,
  );
  const byProvider = new Map<string, string[]>();
  for (const r of rows) byProvider.set(r.provider, [...(byProvider.get(r.provider) ?? []), r.id]);
  let swept = 0;
  const missingJobs: string[] = [];
  for (const [provider, ids] of byProvider) {
    const def = inboundJobFor(provider, opts.jobs);
    if (!def) {
      missingJobs.push(`inbound.${provider}`);
      continue;
    }
    if (await deps.jobs.triggerBulk(def, withJobIds(def, ids.map((eventId) => ({ eventId }))))) swept += ids.length;
  }
  if (missingJobs.length) deps.logger.warn({ jobs: missingJobs }, 'unprocessed inbound events have no job to process them');
  return { swept, missingJobs };
}
