import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliUsageError, parseArgs } from '../../src/cli/command';
import { runRoundCommand } from '../../src/cli/run-round';
import { JobRunner, TICK_SCHEDULER_ID } from '../../src/jobs/runner';
import { ALL_JOBS } from '../../src/jobs/registry';
import { createTestDeps, REDIS_URL, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';

describe('run-round and the tick scheduler', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps();
  });
  afterAll(async () => deps.close());

  it('`run-round --at` runs one tick as of that time and prints what it did', async () => {
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const ids = await createPersons(deps.db, { centreId: centre, count: 4 });
    const out: string[] = [];
    const code = await runRoundCommand.run(parseArgs(['--at', '2026-12-24T09:00:00+09:00']), deps, (l) => out.push(l));
    expect(code).toBe(0);
    expect(out[0]).toBe('tick at 2026-12-24T00:00:00.000Z');
    expect(out.join('\n')).toContain('sessions created: 4');
    expect((await sessionsOf(deps.db, ids)).map((s) => s.round)).toEqual(['09:00', '09:00', '09:00', '09:00']);
    await expect(runRoundCommand.run(parseArgs(['--at', 'tomorrow morning']), deps, () => {})).rejects.toBeInstanceOf(CliUsageError);
  });

  it('registers one tick scheduler for the whole installation, however many processes start', async () => {
    const other = new JobRunner({ redis: deps.redis, redisUrl: REDIS_URL, prefix: deps.jobs.prefix, logger: deps.logger, jobs: ALL_JOBS });
    await deps.jobs.ensureTickScheduler(60_000);
    await other.ensureTickScheduler(60_000);
    const schedulers = await deps.jobs.queue('scheduler').getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([[TICK_SCHEDULER_ID, 60_000]]);
    await other.close();
  });
});
