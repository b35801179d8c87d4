import type { Deps } from '../../deps';
import { createLineApi, type LineApi } from './client';

/**
 * The LINE client the jobs send with. Every push first waits for the installation-wide
 * LINE_PUSH_PER_SECOND limit (shared through Redis by all worker processes): pushes happen
 * inside inbound jobs (a reply that fell back to push), reminder batches and notices, none
 * of which has a queue whose limiter would bound them. Multicasts are one dispatch-line job
 * each, bounded by that queue's LINE_MULTICAST_PER_SECOND; replies have no published limit.
 */
export function lineApiFor(deps: Pick<Deps, 'env' | 'jobs'>): LineApi {
  const api = createLineApi(deps.env);
  const limiter = deps.jobs.sendLimiter('line-push', deps.env.LINE_PUSH_PER_SECOND);
  return {
    ...api,
    push: async (to, messages, retryKey) => {
      await limiter.acquire();
      return api.push(to, messages, retryKey);
    },
  };
}
