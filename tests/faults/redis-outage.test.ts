import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { createApp } from '../../src/app';
import { runTick } from '../../src/jobs/tick';
import { createCentre, createPersons, sessionsOf } from '../jobs/support/fixtures';
import { count, createWorld, lineTextEvent, lineUserOf, postLine, postTwilio, TWILIO, twilioSid, uniquePhone, until, type World } from './support/world';

const ids = (xs: string[]) => sql`${`{${xs.join(',')}}`}::uuid[]`;

// Redis is stopped (SIGKILL, every connection drops) while patients answer on LINE and
// by SMS and Twilio reports a delivery: the webhooks still store every signed event and
// answer 200; when Redis is back the sweeper enqueues them, the workers that lived
// through the outage process each once, and the replies go out then.
describe('Redis stopped while webhooks arrive', () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: new Date('2026-11-02T00:00:00Z') }); // 09:00 JST
  });
  afterAll(async () => w?.close());

  it('stores every event, answers 200, and processes each once after Redis returns', async () => {
    const { deps } = w;
    const app = createApp(deps);
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const linePeople = await createPersons(deps.db, { centreId: centre, count: 3, classification: 'close_contact' });
    const phone = uniquePhone();
    const [smsPerson] = await createPersons(deps.db, { centreId: centre, count: 1, channel: 'sms', classification: 'close_contact', phone });
    const everyone = [...linePeople, smsPerson!];
    deps.jobs.startWorkers(deps, { scheduler: false, queues: ['dispatch-line', 'dispatch-sms', 'inbound', 'inbound-twilio'] });

    await runTick(deps, w.clock.at);
    await until(async () => (await sessionsOf(deps.db, everyone)).every((s) => s.sent), 'the round to be sent');
    await until(async () => (await count(deps.db, sql`select count(*)::int as n from outbound_messages where provider_message_id is null`)) === 0, 'the SMS prompt to be sent');
    const smsPrompts = w.twilio.accepted.filter((m) => m.to === phone).length;
    expect(smsPrompts).toBeGreaterThanOrEqual(1);
    expect(w.line.stats.accepted).toBe(1);

    await w.redis.stop();
    await until(() => deps.redis.status !== 'ready', 'the app to notice Redis is gone');
    await until(() => deps.logs.text.includes('Redis is unreachable'), 'one clear log line about it');
    w.clock.at = new Date(w.clock.at.getTime() + 2 * 60_000);

    const events = await Promise.all(linePeople.map(async (p) => lineTextEvent(await lineUserOf(deps.db, p), '36.5', w.clock.at)));
    for (const e of events) expect((await postLine(app, [e])).status).toBe(200);
    // LINE redelivers one of them (it did not see our 200 in time): stored once.
    expect((await postLine(app, [{ ...events[0]!, deliveryContext: { isRedelivery: true } }])).status).toBe(200);
    const sms = { MessageSid: twilioSid('SM'), From: phone, To: TWILIO.TWILIO_FROM_NUMBER, Body: '３６．５' };
    expect((await postTwilio(app, '/webhooks/twilio/sms', sms)).status).toBe(200);
    expect((await postTwilio(app, '/webhooks/twilio/sms', sms)).status).toBe(200); // Twilio retried
    const promptSid = w.twilio.accepted.find((m) => m.to === phone)!.sid;
    expect((await postTwilio(app, '/webhooks/twilio/status', { MessageSid: promptSid, MessageStatus: 'delivered', To: phone })).status).toBe(200);

    const stored = await queryRows<{ provider: string; processed: boolean }>(deps.db, sql`select provider, processed_at is not null as processed from inbound_events order by seq`);
    expect(stored.map((s) => s.provider).sort()).toEqual(['line', 'line', 'line', 'twilio_sms', 'twilio_status']);
    expect(stored.every((s) => !s.processed)).toBe(true);

    // Redis comes back empty (nothing was persisted): the sweeper rebuilds the inbound work.
    await w.redis.start();
    await until(() => deps.redis.status === 'ready', 'the app to reconnect');
    w.clock.at = new Date(w.clock.at.getTime() + 60_000);
    const tick = await runTick(deps, w.clock.at);
    expect(tick.inboundSwept).toBe(5);
    await until(async () => (await count(deps.db, sql`select count(*)::int as n from inbound_events where processed_at is null`)) === 0, 'the swept events to be processed', 15_000);

    const attempts = await queryRows<{ attempts: number }>(deps.db, sql`select attempts from inbound_events`);
    expect(attempts.map((a) => a.attempts)).toEqual([1, 1, 1, 1, 1]);
    const temps = await queryRows<{ person_id: string; n: number; v: number }>(
      deps.db,
      sql`select person_id, count(*)::int as n, max(value_number) as v from observations where question_id = 'temperature' and person_id = any(${ids(everyone)}) group by person_id`,
    );
    expect(temps).toHaveLength(4);
    expect(temps.every((t) => t.n === 1 && t.v === 36.5)).toBe(true);
    // The replies (the next question) went out once each: LINE by push, SMS by the REST API.
    await until(() => [...w.line.stats.perRecipient.values()].every((n) => n === 2), 'the LINE replies');
    await until(() => w.twilio.accepted.filter((m) => m.to === phone).length > smsPrompts, 'the SMS reply');
    const [delivered] = await queryRows<{ status: string }>(deps.db, sql`select status from outbound_messages where provider_message_id = ${promptSid}`);
    expect(delivered!.status).toBe('delivered');

    // Later ticks find nothing left: no second job, no second reply.
    const smsAfter = w.twilio.accepted.filter((m) => m.to === phone).length;
    w.clock.at = new Date(w.clock.at.getTime() + 60_000);
    expect((await runTick(deps, w.clock.at)).inboundSwept).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect([...w.line.stats.perRecipient.values()]).toEqual([2, 2, 2]);
    expect(w.twilio.accepted.filter((m) => m.to === phone).length).toBe(smsAfter);
    expect(w.line.stats.duplicates).toBe(0);
  });
});
