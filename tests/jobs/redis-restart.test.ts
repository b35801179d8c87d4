import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';
import { recordDispatchers } from './support/recording-dispatcher';
import { waitFor } from './support/wait';

// A private redis-server (the machine's shared one must not be restarted), stopped and
// started again under running workers.
const port = 16_400 + Math.floor(Math.random() * 1000);
function startRedis(): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('Ready to accept connections')) resolve(child);
    });
    child.on('error', reject);
  });
}
const stopRedis = (child: ChildProcess) => new Promise<void>((resolve) => {
  child.on('exit', () => resolve());
  child.kill('SIGKILL');
});

describe('workers across a Redis restart', () => {
  let clock = new Date('2026-12-20T00:00:00Z'); // 09:00 JST
  let redis: ChildProcess;
  let deps: TestDeps;
  let rec: ReturnType<typeof recordDispatchers>;
  let centre: string;
  beforeAll(async () => {
    redis = await startRedis();
    deps = await createTestDeps({ REDIS_URL: `redis://127.0.0.1:${port}`, DISPATCH_RESWEEP_MINUTES: '5' }, { now: () => clock });
    rec = recordDispatchers();
    centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    deps.jobs.startWorkers(deps, { scheduler: false, queues: ['dispatch-sms'] });
  });
  afterAll(async () => {
    rec.restore();
    await deps.close();
    await stopRedis(redis);
  });

  it('keep working after Redis went away and came back; what was due meanwhile is swept up', async () => {
    const [first] = await createPersons(deps.db, { centreId: centre, channel: 'sms', roundTimes: ['09:00'] });
    await runTick(deps, clock);
    // The worker's first job on a loaded CI machine (its connections made, its scripts loaded) took over 10 s once.
    await waitFor(() => rec.ids('sms').length === 1, 30_000, 'the first SMS');

    await stopRedis(redis);
    await waitFor(() => deps.redis.status !== 'ready', 10_000, 'the app connection to notice');
    const [during] = await createPersons(deps.db, { centreId: centre, channel: 'sms', roundTimes: ['09:00'] });
    const down = await runTick(deps, clock);
    expect(down.created).toBe(1);
    expect(down.enqueueFailed).toBe(true);

    redis = await startRedis(); // empty: Redis held only work in flight
    await waitFor(() => deps.redis.status === 'ready', 10_000, 'the app connection');
    const [after] = await createPersons(deps.db, { centreId: centre, channel: 'sms', roundTimes: ['09:00'] });
    clock = new Date(clock.getTime() + 5 * 60_000);
    const back = await runTick(deps, clock);
    expect(back.created).toBe(1);
    expect(back.resent).toBe(1);
    await waitFor(() => rec.ids('sms').length === 3, 15_000, 'SMS after the restart');
    // The job marks its session prompted just after the send is recorded.
    await waitFor(async () => (await sessionsOf(deps.db, [first!, during!, after!])).every((s) => s.status === 'prompted'), 10_000, 'sessions prompted');
    const sessions = await sessionsOf(deps.db, [first!, during!, after!]);
    expect(new Set(rec.ids('sms'))).toEqual(new Set(sessions.map((s) => s.id)));
  }, 90_000);
});
