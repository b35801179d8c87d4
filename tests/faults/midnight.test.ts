import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { createApp } from '../../src/app';
import { processLineInbound } from '../../src/bot/line/process-inbound';
import { processTwilioInbox } from '../../src/bot/twilio/process-inbox';
import { runDispatch } from '../../src/jobs/dispatch';
import { runTick } from '../../src/jobs/tick';
import { createCentre, createPersons } from '../jobs/support/fixtures';
import { createWorld, lineTextEvent, lineUserOf, postLine, postTwilio, TWILIO, twilioSid, uniquePhone, type World } from './support/world';

const JST = (local: string) => new Date(`${local}+09:00`);

// The evening round (20:00; an SMS round at 21:00 would wait for the end of quiet hours) ends at local midnight. An answer given at 23:59:50 that a
// worker only reaches after midnight (a busy queue, a Redis outage) belongs to that
// evening's session; one given after midnight is not filed under the new day.
describe('answers across midnight (Asia/Tokyo)', () => {
  let w: World;
  let app: ReturnType<typeof createApp>;
  let line: string;
  let sms: string;
  const phone = uniquePhone();
  beforeAll(async () => {
    w = await createWorld({ start: JST('2026-11-02T20:00:00') });
    app = createApp(w.deps);
    const centre = (await createCentre(w.deps.db, 'Asia/Tokyo')).id;
    line = (await createPersons(w.deps.db, { centreId: centre, classification: 'close_contact', roundTimes: ['20:00'] }))[0]!;
    sms = (await createPersons(w.deps.db, { centreId: centre, classification: 'close_contact', roundTimes: ['20:00'], channel: 'sms', phone }))[0]!;
    const tick = await runTick({ ...w.deps, jobs: { ...w.deps.jobs, triggerBulk: async () => false } as never }, w.clock.at); // sent by hand below
    expect(tick.created).toBe(2);
    const sessions = await queryRows<{ id: string; channel: 'line' | 'sms' }>(w.deps.db, sql`select id, channel from check_sessions`);
    for (const s of sessions) await runDispatch(w.deps, s.channel, [s.id], 'prompt');
  });
  afterAll(async () => w?.close());

  const temperatures = (personId: string) =>
    queryRows<{ v: number; local_date: string; observed_at: string }>(
      w.deps.db,
      sql`select o.value_number as v, s.local_date::text as local_date, to_char(o.observed_at at time zone 'Asia/Tokyo', 'HH24:MI:SS') as observed_at
          from observations o join check_sessions s on s.id = o.session_id where o.person_id = ${personId} and o.question_id = 'temperature'`,
    );
  const inboundId = async (providerEventId: string) => (await queryRows<{ id: string }>(w.deps.db, sql`select id from inbound_events where provider_event_id = ${providerEventId}`))[0]!.id;

  it('an answer given at 23:59:50 and processed after midnight is recorded on the evening session', async () => {
    w.clock.at = JST('2026-11-02T23:59:50');
    const event = lineTextEvent(await lineUserOf(w.deps.db, line), '36.6', w.clock.at);
    expect((await postLine(app, [event])).status).toBe(200);
    const message = { MessageSid: twilioSid('SM'), From: phone, To: TWILIO.TWILIO_FROM_NUMBER, Body: '36.6' };
    expect((await postTwilio(app, '/webhooks/twilio/sms', message)).status).toBe(200);

    w.clock.at = JST('2026-11-03T00:00:20'); // the worker gets to them now
    const linePushes = w.line.stats.accepted;
    const smsSent = w.twilio.accepted.length;
    await processLineInbound(w.deps, await inboundId(event.webhookEventId));
    await processTwilioInbox(w.deps, await inboundId(message.MessageSid));

    for (const person of [line, sms]) expect(await temperatures(person)).toEqual([{ v: 36.6, local_date: '2026-11-02', observed_at: '23:59:50' }]);
    // Each got the next question, and no session of the new day was opened by the answer.
    expect(w.line.stats.accepted).toBe(linePushes + 1);
    expect(w.twilio.accepted.length).toBeGreaterThan(smsSent);
    const days = await queryRows<{ local_date: string }>(w.deps.db, sql`select distinct local_date::text as local_date from check_sessions`);
    expect(days).toEqual([{ local_date: '2026-11-02' }]);
  });

  it('an answer given after midnight is not filed under the new day, and the patient is told', async () => {
    w.clock.at = JST('2026-11-03T00:00:30');
    const linePushes = w.line.stats.accepted;
    const event = lineTextEvent(await lineUserOf(w.deps.db, line), 'はい', w.clock.at);
    expect((await postLine(app, [event])).status).toBe(200);
    await processLineInbound(w.deps, await inboundId(event.webhookEventId));
    const answers = await queryRows<{ n: number }>(w.deps.db, sql`select count(*)::int as n from observations where person_id = ${line}`);
    expect(answers[0]!.n).toBe(1); // still only the temperature from before midnight
    const days = await queryRows<{ local_date: string }>(w.deps.db, sql`select distinct local_date::text as local_date from check_sessions`);
    expect(days).toEqual([{ local_date: '2026-11-02' }]);
    expect(w.line.stats.accepted).toBe(linePushes + 1); // a reply, not silence
    const [processed] = await queryRows<{ done: boolean }>(w.deps.db, sql`select processed_at is not null as done from inbound_events where provider_event_id = ${event.webhookEventId}`);
    expect(processed!.done).toBe(true);
  });
});
