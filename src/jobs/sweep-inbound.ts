import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client';
import type { Deps } from '../deps';
import { withJobIds, type JobTarget } from './define';
import { inboundJobFor, lineUrgentInboundTarget } from './inbound-jobs';
import { isUrgentAnswer } from '../platform/line/postback';

/**
 * Inbound events stored but never processed (Redis was down when the webhook came, or a
 * worker died): enqueue `inbound.<provider>` with { eventId } again, under the same job id
 * the webhook used (`inbound:<eventId>`), so an event already queued is not added twice.
 * A tapped red answer goes back to the urgent lane, as the intake put it: late already, it
 * must not wait behind the backlog as well.
 */
const URGENT = 'line:urgent';

export async function sweepInbound(deps: Deps, opts: { now: Date; olderThanMs: number; limit: number; jobs: readonly JobTarget[] }): Promise<{ swept: number; missingJobs: string[] }> {
  const before = new Date(opts.now.getTime() - opts.olderThanMs).toISOString();
  const rows = await queryRows<{ id: string; provider: string; tapped: string | null }>(
    deps.db,
    sql`select id, provider, payload->'postback'->>'data' as tapped from inbound_events
        where processed_at is null and received_at < ${before}::timestamptz order by received_at limit ${opts.limit}`,
  );
  const byProvider = new Map<string, string[]>();
  for (const r of rows) {
    const lane = r.provider === 'line' && r.tapped !== null && isUrgentAnswer({ type: 'postback', postback: { data: r.tapped } }) ? URGENT : r.provider;
    byProvider.set(lane, [...(byProvider.get(lane) ?? []), r.id]);
  }
  let swept = 0;
  const missingJobs: string[] = [];
  for (const [provider, ids] of byProvider) {
    const def = provider === URGENT ? lineUrgentInboundTarget : inboundJobFor(provider, opts.jobs);
    if (!def) {
      missingJobs.push(`inbound.${provider}`);
      continue;
    }
    if (await deps.jobs.triggerBulk(def, withJobIds(def, ids.map((eventId) => ({ eventId }))))) swept += ids.length;
  }
  if (missingJobs.length) deps.logger.warn({ jobs: missingJobs }, 'unprocessed inbound events have no job to process them');
  return { swept, missingJobs };
}
