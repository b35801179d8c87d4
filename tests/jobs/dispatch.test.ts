import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTick } from '../../src/jobs/tick';
import { enqueueBatches, planDispatch } from '../../src/jobs/enqueue-dispatch';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';
import { recordDispatchers } from './support/recording-dispatcher';
import { drained } from './support/wait';

const QUEUES = ['dispatch-line', 'dispatch-sms', 'dispatch-voice', 'dispatch-web'] as const;

describe('dispatch of a round (real Redis and workers)', () => {
  let deps: TestDeps;
  let clock = new Date('2026-05-01T00:00:00Z'); // 09:00 JST
  let rec: ReturnType<typeof recordDispatchers>;
  let line: string[];
  let sms: string[];
  beforeAll(async () => {
    deps = await createTestDeps({ LINE_MULTICAST_PER_SECOND: '1000', SMS_PER_SECOND: '1000' }, { now: () => clock });
    rec = recordDispatchers();
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    line = await createPersons(deps.db, { centreId: centre, count: 1200, classification: 'close_contact' });
    sms = await createPersons(deps.db, { centreId: centre, count: 3, channel: 'sms', classification: 'close_contact' });
    deps.jobs.startWorkers(deps, { scheduler: false });
  });
  afterAll(async () => {
    rec.restore();
    await deps.close();
  });

  it('fans a round out in bulk: LINE multicast batches of 500, one job per SMS, each person once', async () => {
    const s = await runTick(deps, clock);
    expect(s.created).toBe(1203);
    expect(s.dispatchJobs).toBe(3 + 3); // 500 + 500 + 200 on LINE, 3 SMS
    await drained(deps.jobs, QUEUES);
    const lineSends = rec.sends.filter((x) => x.channel === 'line');
    expect(lineSends.map((x) => x.sessionIds.length).sort((a, b) => a - b)).toEqual([200, 500, 500]);
    const sessions = await sessionsOf(deps.db, [...line, ...sms]);
    expect(new Set(rec.ids('line')).size).toBe(1200);
    expect(rec.ids('line')).toHaveLength(1200);
    expect(rec.ids('sms').sort()).toEqual(sessions.filter((x) => x.channel === 'sms').map((x) => x.id).sort());
    expect(sessions.every((x) => x.status === 'prompted')).toBe(true);
    // The reminder clock starts at the send: 120 minutes by default.
    expect(sessions[0]!.next_action_at!.getTime()).toBe(clock.getTime() + 120 * 60_000);
  });

  it('sends nothing twice: a second tick, or the same batches enqueued again', async () => {
    const before = rec.sends.length;
    clock = new Date(clock.getTime() + 60_000);
    const s = await runTick(deps, clock);
    expect(s.created + s.resent + s.dispatchJobs).toBe(0);
    const sessions = await sessionsOf(deps.db, [...line, ...sms]);
    const batches = planDispatch(sessions.map((x) => ({ id: x.id, channel: x.channel as 'line', flowVersionId: 'v', round: x.round, localDate: x.local_date, lang: 'ja' })), 'prompt');
    await enqueueBatches(deps, batches);
    await drained(deps.jobs, QUEUES);
    expect(rec.sends.length).toBe(before);
  });

  it('derives job ids from what they send', async () => {
    const sessions = await sessionsOf(deps.db, sms);
    const job = await deps.jobs.queue('dispatch-sms').getJob(`dispatch_sms_prompt_${sessions[0]!.id}`);
    expect(job?.data).toEqual({ sessionIds: [sessions[0]!.id], kind: 'prompt' });
    const completed = await deps.jobs.queue('dispatch-line').getCompleted();
    expect(completed.map((j) => j.id).every((id) => /^dispatch_line_prompt_[0-9a-f-]{36}_[0-9a-f-]{36}_\d+$/.test(id!))).toBe(true);
  });
});
