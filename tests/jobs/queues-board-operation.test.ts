import { describe, expect, it } from 'vitest';
import { queueOperationOf } from '../../src/admin/queues-board-operation';

describe("naming Bull Board's state-changing calls for the audit log", () => {
  it.each([
    ['PUT', '/api/queues/pause', { operation: 'pause', queue: '*' }],
    ['PUT', '/api/queues/resume', { operation: 'resume', queue: '*' }],
    ['PUT', '/api/queues/dispatch-line/pause', { operation: 'pause', queue: 'dispatch-line' }],
    ['PUT', '/api/queues/dispatch-line/obliterate', { operation: 'obliterate', queue: 'dispatch-line' }],
    ['POST', '/api/queues/rounds/add', { operation: 'add', queue: 'rounds' }],
    ['PUT', '/api/queues/inbound/retry/failed', { operation: 'retry', queue: 'inbound', target: 'failed' }],
    ['PUT', '/api/queues/inbound/clean/completed', { operation: 'clean', queue: 'inbound', target: 'completed' }],
    ['PUT', '/api/queues/inbound/rate-limit/release', { operation: 'rate-limit.release', queue: 'inbound' }],
    ['PUT', '/api/queues/scheduler/job-schedulers/tick/remove', { operation: 'scheduler.remove', queue: 'scheduler', target: 'tick' }],
    ['PATCH', '/api/queues/scheduler/job-schedulers/tick', { operation: 'scheduler.patch', queue: 'scheduler', target: 'tick' }],
    ['PUT', '/api/queues/inbound/inbound_3f2a/retry', { operation: 'job.retry', queue: 'inbound', jobId: 'inbound_3f2a' }],
    ['PATCH', '/api/queues/inbound/inbound_3f2a/update-data', { operation: 'job.update-data', queue: 'inbound', jobId: 'inbound_3f2a' }],
    ['DELETE', '/api/something-new', { operation: 'other', queue: '*', target: 'DELETE /api/something-new' }],
  ] as const)('%s %s', (method, path, expected) => {
    expect(queueOperationOf(method, path)).toEqual(expected);
  });
});
