import type { QueueOperation } from '../domain/jobs/operate-job-queue';

// Job states Bull Board's bulk actions name as their last path segment (retry/failed, clean/completed).
const STATES = new Set(['completed', 'failed', 'delayed', 'active', 'waiting', 'prioritized', 'paused', 'waiting-children', 'latest']);

/**
 * What a state-changing request to Bull Board's API does, from its path (relative to the
 * board, e.g. `/api/queues/dispatch-line/clean/failed`). Every such route of
 * @bull-board/api 9 is of one of these shapes:
 *   /api/queues/(pause|resume)                      every queue
 *   /api/queues/:queue/<verb>[/<state>]             retry, clean, promote, pause, empty, add …
 *   /api/queues/:queue/job-schedulers/:id[/<verb>]  remove, run, update
 *   /api/queues/:queue/:jobId/<verb>                retry, clean, promote, update-data …
 * Anything else is still an operation (`other`) and still audited.
 */
export function queueOperationOf(method: string, path: string): QueueOperation {
  const m = /^\/api\/queues\/(.*)$/.exec(path);
  const parts = (m?.[1] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 1 && (parts[0] === 'pause' || parts[0] === 'resume')) return { operation: parts[0], queue: '*' };
  const [queue, second, third, fourth] = parts;
  if (!queue || !second) return { operation: 'other', queue: queue ?? '*', target: `${method} ${path}`.slice(0, 200) };
  if (second === 'job-schedulers' && third) return { operation: `scheduler.${fourth ?? method.toLowerCase()}`, queue, target: third };
  if (!third) return { operation: second, queue };
  if (STATES.has(third)) return { operation: second, queue, target: third };
  if (second === 'rate-limit') return { operation: `rate-limit.${third}`, queue };
  return { operation: `job.${third}`, queue, jobId: second };
}
