import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLineStandIn, type LineStandIn } from '../../bench/support/line-stand-in';
import { queryRows } from '../../db/client';
import { ALL_JOBS } from '../../src/jobs/registry';
import { JobRunner } from '../../src/jobs/runner';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, REDIS_URL, type TestDeps } from '../support/deps';
import { CRASH_QUEUE_SETTINGS } from './support/crash-worker';
import { markSentMulticasts } from '../../src/jobs/multicast-marks';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';
import { drained, waitFor } from './support/wait';

const here = path.dirname(fileURLToPath(import.meta.url));

// The real LINE dispatcher against a local stand-in that answers slowly, so the worker
// process can be killed after LINE accepted the multicast but before the job finished.
describe('a worker killed mid-job', () => {
  const clock = new Date('2026-11-02T00:00:00Z'); // 09:00 JST
  let deps: TestDeps;
  let line: LineStandIn;
  let fresh: JobRunner | undefined;
  beforeAll(async () => {
    line = await startLineStandIn({ holdMs: 1500 });
    deps = await createTestDeps({ LINE_CHANNEL_SECRET: 'crash-test-secret', LINE_CHANNEL_ACCESS_TOKEN: 'crash-test-token', LINE_API_BASE_URL: line.url }, { now: () => clock });
  });
  afterAll(async () => {
    await fresh?.close();
    await deps.close();
    await line.close();
  });

  it('is retried by a fresh worker and nobody gets the prompt twice', async () => {
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const ids = await createPersons(deps.db, { centreId: centre, count: 3, classification: 'close_contact' });
    const tick = await runTick(deps, clock);
    expect(tick.dispatchJobs).toBe(1);

    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'support/crash-worker.ts')], {
      env: { ...process.env, CRASH_DATABASE_URL: deps.testDb.url, CRASH_REDIS_URL: REDIS_URL, CRASH_PREFIX: deps.jobs.prefix, CRASH_LINE_URL: line.url, CRASH_NOW: clock.toISOString() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await line.requestArrived(1); // LINE has the multicast; the worker is waiting for the answer
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect((await sessionsOf(deps.db, ids)).every((s) => s.status === 'pending')).toBe(true);

    fresh = new JobRunner({ redis: deps.redis, redisUrl: REDIS_URL, prefix: deps.jobs.prefix, logger: deps.logger, jobs: ALL_JOBS, settings: CRASH_QUEUE_SETTINGS });
    fresh.startWorkers({ ...deps, jobs: fresh }, { queues: ['dispatch-line'], scheduler: false });
    await waitFor(async () => (await sessionsOf(deps.db, ids)).every((s) => s.sent), 20_000, 'the retried job');
    await drained(fresh, ['dispatch-line']);

    expect(line.stats.accepted).toBe(1);
    expect(line.stats.duplicates).toBeGreaterThanOrEqual(1); // the retry carried the same X-Line-Retry-Key
    expect([...line.stats.perRecipient.values()]).toEqual([1, 1, 1]);
    // One record for the multicast (line_multicasts), naming the three, sent.
    const sent = await queryRows<{ status: string; n: number }>(
      deps.db,
      sql`select status, cardinality(person_ids) as n from line_multicasts where person_ids && ${`{${ids.join(',')}}`}::uuid[]`,
    );
    expect(sent).toEqual([{ status: 'sent', n: 3 }]);
    // The tick marks them prompted a minute later, each once.
    expect(await markSentMulticasts(deps, new Date(clock.getTime() + 10 * 60_000))).toBe(3);
    expect((await sessionsOf(deps.db, ids)).map((s) => s.status)).toEqual(['prompted', 'prompted', 'prompted']);
  }, 90_000); // starting a worker process (tsx, every channel's SDK) takes seconds on a busy machine
});
