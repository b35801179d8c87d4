import type { Deps } from '../deps';
import { alertLineLost, giveUpUnsentLine, idleUnsentLine } from '../domain/outbox/line-unsent';
import { lineOutboundJob, lineOutboundJobId } from './line-outbound';

export interface OutboundSweep {
  resent: number;
  gaveUp: number;
  enqueueFailed: boolean;
}

/**
 * The tick's step for LINE messages their job did not get out (LINE down longer than the
 * job's retries, a worker gone): the database is the truth. Rows past the bound are marked
 * failed and, for a person under monitoring, a channel_lost alert tells the nurses; the
 * others get a `line.outbound` job that sends them again by push with the same
 * X-Line-Retry-Key (a reply token is long expired by then). Safe to run twice at once.
 */
export async function sweepLineOutbound(deps: Pick<Deps, 'db' | 'jobs' | 'logger'>, opts: { now: Date; limit: number }): Promise<OutboundSweep> {
  const { now, limit } = opts;
  const given = await giveUpUnsentLine(deps.db, now, limit);
  if (given.length) {
    const alerted = await alertLineLost(deps.db, now, given, 'undelivered');
    deps.logger.warn({ gaveUp: given.length, alerted }, 'LINE messages given up after repeated tries');
  }
  const rows = await idleUnsentLine(deps.db, now, limit);
  const ok = await deps.jobs.triggerBulk(
    lineOutboundJob,
    rows.map((r) => ({ payload: { outboundId: r.id }, jobId: lineOutboundJobId(r.id, r.attempts), options: { attempts: 1, removeOnComplete: true, removeOnFail: true } })),
  );
  return { resent: ok ? rows.length : 0, gaveUp: given.length, enqueueFailed: !ok };
}

