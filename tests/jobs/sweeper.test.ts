import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../db/client';
import { defineJob } from '../../src/jobs/define';
import { ALL_JOBS } from '../../src/jobs/registry';
import { JobRunner } from '../../src/jobs/runner';
import { runTick } from '../../src/jobs/tick';
import { createRedis } from '../../src/platform/redis';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';
import { recordDispatchers } from './support/recording-dispatcher';
import { drained } from './support/wait';

const DISPATCH = ['dispatch-line', 'dispatch-sms', 'dispatch-voice', 'dispatch-web'] as const;
// Stands for the channel's inbound job (same name and payload); no worker runs it here.
const inboundLine = defineJob({ name: 'inbound.line', queue: 'inbound', version: 1, payload: z.object({ eventId: z.uuid() }), handler: async () => undefined });

describe('sweeper after a Redis outage', () => {
  const t0 = new Date('2026-09-01T00:00:00Z'); // 09:00 JST
  let clock = t0;
  let deps: TestDeps;
  let rec: ReturnType<typeof recordDispatchers>;
  let downRedis: ReturnType<typeof createRedis>;
  let downRunner: JobRunner;
  beforeAll(async () => {
    deps = await createTestDeps({ DISPATCH_RESWEEP_MINUTES: '5' }, { now: () => clock });
    rec = recordDispatchers();
    // The producing side of the outage: a Redis that is not there.
    downRedis = createRedis('redis://127.0.0.1:6390', deps.logger);
    downRunner = new JobRunner({ redis: downRedis, redisUrl: 'redis://127.0.0.1:6390', prefix: deps.jobs.prefix, logger: deps.logger, jobs: ALL_JOBS });
    deps.jobs.startWorkers(deps, { scheduler: false, queues: DISPATCH });
  });
  afterAll(async () => {
    rec.restore();
    await downRunner.close();
    downRedis.disconnect();
    await deps.close();
  });

  it('creates the round in PostgreSQL while Redis is down, and sends it once Redis is back', async () => {
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const line = await createPersons(deps.db, { centreId: centre, count: 700, classification: 'close_contact' });
    const sms = await createPersons(deps.db, { centreId: centre, count: 2, channel: 'sms', classification: 'close_contact' });
    const [event] = await queryRows<{ id: string }>(
      deps.db,
      sql`insert into inbound_events (provider, provider_event_id, payload, received_at) values ('line', 'evt-outage-1', '{}'::jsonb, ${new Date(t0.getTime() - 60_000).toISOString()}::timestamptz) returning id`,
    );

    const during = await runTick({ ...deps, jobs: downRunner }, t0, { jobs: [inboundLine] });
    expect(during.created).toBe(702);
    expect(during.enqueueFailed).toBe(true);
    expect(during.inboundSwept).toBe(0);
    expect(deps.logs.text).toContain('Redis is unreachable');
    expect(rec.sends).toHaveLength(0);

    // Redis is back. Within the lease nothing is re-sent; after it the sweeper takes everything.
    clock = new Date(t0.getTime() + 60_000);
    const early = await runTick(deps, clock, { jobs: [inboundLine] });
    expect(early.resent).toBe(0);
    expect(early.inboundSwept).toBe(1);
    const job = await deps.jobs.queue('inbound').getJob(`inbound_${event!.id}`);
    expect(job?.data).toEqual({ eventId: event!.id });

    clock = new Date(t0.getTime() + 5 * 60_000);
    const after = await runTick(deps, clock, { jobs: [inboundLine] });
    expect(after.resent).toBe(702);
    expect(after.dispatchJobs).toBe(2 + 2); // 500 + 200 on LINE, 2 SMS
    await drained(deps.jobs, DISPATCH);
    expect(new Set(rec.ids('line')).size).toBe(700);
    expect(rec.ids('line')).toHaveLength(700);
    expect(rec.ids('sms')).toHaveLength(2);
    expect((await sessionsOf(deps.db, [...line, ...sms])).every((s) => s.status === 'prompted')).toBe(true);

    // The event is still unprocessed (no worker here): sweeping again adds no second job.
    await runTick(deps, new Date(clock.getTime() + 60_000), { jobs: [inboundLine] });
    expect(await deps.jobs.queue('inbound').getJobCountByTypes('waiting')).toBe(1);
  });

  it('a tapped red answer left unprocessed goes back to the urgent lane; another tap of the same person to the ordinary one', async () => {
    const stored = (id: string, data: string) =>
      queryRows<{ id: string }>(
        deps.db,
        sql`insert into inbound_events (provider, provider_event_id, sender_key, payload, received_at, urgent)
            values ('line', ${id}, 'sweep-red', ${JSON.stringify({ type: 'postback', postback: { data } })}::jsonb, ${new Date(clock.getTime() - 60_000).toISOString()}::timestamptz, ${data.endsWith('&u=1')}) returning id`,
      );
    const sid = '00000000-0000-4000-8000-000000000004';
    const [red] = await stored('evt-sweep-red', `s=${sid}&q=breathless&v=yes&u=1`);
    const [plain] = await stored('evt-sweep-plain', `s=${sid}&q=breathless&v=no`);
    clock = new Date(clock.getTime() + 60_000);
    await runTick(deps, clock, { jobs: [inboundLine] });
    expect((await deps.jobs.queue('inbound-urgent').getJob(`inbound_${red!.id}`))?.data).toEqual({ eventId: red!.id });
    expect(await deps.jobs.queue('inbound').getJob(`inbound_${red!.id}`)).toBeUndefined();
    expect((await deps.jobs.queue('inbound').getJob(`inbound_${plain!.id}`))?.data).toEqual({ eventId: plain!.id });
  });

  it('a typed red answer the intake marked urgent goes back to the urgent lane as well', async () => {
    const [typed] = await queryRows<{ id: string }>(
      deps.db,
      sql`insert into inbound_events (provider, provider_event_id, sender_key, payload, received_at, urgent)
          values ('line', 'evt-sweep-typed', 'sweep-typed', ${JSON.stringify({ type: 'message', message: { type: 'text', text: '92' } })}::jsonb, ${new Date(clock.getTime() - 60_000).toISOString()}::timestamptz, true) returning id`,
    );
    clock = new Date(clock.getTime() + 60_000);
    await runTick(deps, clock, { jobs: [inboundLine] });
    expect((await deps.jobs.queue('inbound-urgent').getJob(`inbound_${typed!.id}`))?.data).toEqual({ eventId: typed!.id });
    expect(await deps.jobs.queue('inbound').getJob(`inbound_${typed!.id}`)).toBeUndefined();
  });
});
