import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env';
import { DISPATCH_JOBS } from '../../src/jobs/dispatch';
import { queueSettingsFromEnv } from '../../src/jobs/queue-settings';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';
import { recordDispatchers } from './support/recording-dispatcher';
import { waitFor } from './support/wait';

describe('send rate limits', () => {
  it('come from the settings, one BullMQ limiter per channel queue, with safe defaults', () => {
    const defaults = queueSettingsFromEnv(parseEnv({}));
    expect(defaults['dispatch-line']?.limiter).toEqual({ max: 150, duration: 1000 }); // LINE multicast: 200/s
    expect(defaults['dispatch-voice']?.limiter).toEqual({ max: 1, duration: 1000 });
    // One long code sends 1 segment/s: a faster default only builds Twilio's queue (sent late, or dropped after 4 h).
    expect(defaults['dispatch-sms']?.limiter).toEqual({ max: 1, duration: 1000 });
    expect(defaults['dispatch-web']?.limiter).toEqual({ max: 1, duration: 1000 }); // a web link goes by SMS or LINE push
    const tuned = queueSettingsFromEnv(parseEnv({ LINE_MULTICAST_PER_SECOND: '20', SMS_PER_SECOND: '3', CALLS_PER_SECOND: '2' }));
    expect(tuned['dispatch-line']?.limiter).toEqual({ max: 20, duration: 1000 });
    expect(tuned['dispatch-sms']?.limiter).toEqual({ max: 3, duration: 1000 });
    expect(tuned['dispatch-voice']?.limiter).toEqual({ max: 2, duration: 1000 });
    expect(() => parseEnv({ SMS_PER_SECOND: 'fast' })).toThrow('SMS_PER_SECOND');
  });

  it('answers are processed 32 at a time by default (INBOUND_CONCURRENCY), no limiter', () => {
    expect(queueSettingsFromEnv(parseEnv({})).inbound).toEqual({ concurrency: 32 });
    expect(queueSettingsFromEnv(parseEnv({ INBOUND_CONCURRENCY: '8' })).inbound).toEqual({ concurrency: 8 });
    expect(() => parseEnv({ INBOUND_CONCURRENCY: '0' })).toThrow('INBOUND_CONCURRENCY');
  });

  describe('on a real worker', () => {
    let deps: TestDeps;
    let rec: ReturnType<typeof recordDispatchers>;
    const sentAt: number[] = [];
    beforeAll(async () => {
      deps = await createTestDeps({ SMS_PER_SECOND: '2' }, { now: () => new Date('2026-10-01T00:00:00Z') });
      rec = recordDispatchers();
      const push = rec.sends.push.bind(rec.sends);
      rec.sends.push = (...items) => {
        sentAt.push(Date.now());
        return push(...items);
      };
    });
    afterAll(async () => {
      rec.restore();
      await deps.close();
    });

    it('sends 6 SMS at 2 per second: the last leaves at least 2 seconds after the first', async () => {
      const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
      const ids = await createPersons(deps.db, { centreId: centre, count: 6, channel: 'sms' });
      await runTick(deps, deps.now());
      const sessions = await sessionsOf(deps.db, ids);
      expect(await deps.jobs.queue(DISPATCH_JOBS.sms.queue).getJobCountByTypes('waiting', 'prioritized')).toBe(6);
      deps.jobs.startWorkers(deps, { scheduler: false, queues: ['dispatch-sms'] });
      await waitFor(() => rec.ids('sms').length === 6, 10_000, 'six SMS');
      expect(new Set(rec.ids('sms'))).toEqual(new Set(sessions.map((s) => s.id)));
      expect(sentAt.at(-1)! - sentAt[0]!).toBeGreaterThanOrEqual(1900);
    });
  });
});
