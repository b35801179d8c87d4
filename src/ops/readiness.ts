import { ping } from '../../db/client';
import type { Deps } from '../deps';
import { readInbox } from '../domain/operations/read-operations';
import { QUEUE_NAMES } from '../jobs/define';
import { lastTick } from '../platform/metrics/events';
import { providersConfigured } from '../platform/provider-settings';
import { redisReachable } from '../platform/redis';

const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);

/**
 * `/readyz` for operators (metrics port only): the public /readyz says up or down; this one
 * says why — database, Redis, queue and inbox backlog, the last tick, which providers are set.
 */
export async function readinessDetail(deps: Deps) {
  const database = await within(ping(deps.db), 2000).then(() => true, () => false);
  const redis = await redisReachable(deps.redis);
  const queues: Record<string, number> = {};
  if (redis) {
    for (const name of QUEUE_NAMES) {
      const counts = await within(deps.jobs.queue(name).getJobCounts('waiting', 'delayed', 'failed'), 2000).catch(() => null);
      if (counts) queues[name] = (counts.waiting ?? 0) + (counts.delayed ?? 0);
    }
  }
  // (the inbox alone: a probe reads no more than it reports)
  const inbox = database ? await readInbox(deps.db, deps.now()).catch(() => null) : null;
  const tickSeconds = (await lastTick.get()).values[0]?.value ?? 0;
  const down = [...(database ? [] : ['database']), ...(redis ? [] : ['redis'])];
  return {
    status: down.length ? 'unavailable' : 'ready',
    down,
    database: database ? 'up' : 'down',
    redis: redis ? 'up' : 'down',
    queueBacklog: queues,
    inbox: inbox && { backlog: inbox.backlog, oldestAgeSeconds: Math.round(inbox.oldestAgeSeconds) },
    // The intake's overload gate (INBOX_BACKLOG_LIMIT): its cached reading and whether LINE webhooks are shed now.
    intake: gateDetail(deps),
    workerQueues: deps.jobs.servedQueues(),
    lastTickAt: tickSeconds ? new Date(tickSeconds * 1000).toISOString() : null,
    providers: providersConfigured(deps.env),
  };
}

function gateDetail(deps: Deps) {
  const state = deps.inboxGate?.state();
  if (!state?.readAt) return null; // not an intake process (or not read yet)
  return {
    shedding: state.shedding,
    backlog: state.backlog,
    storedSinceReading: state.storedSinceReading,
    oldestAgeSeconds: state.oldestAgeSeconds,
    limit: state.limit,
    maxAgeSeconds: state.maxAgeSeconds,
    readAt: state.readAt.toISOString(),
  };
}
