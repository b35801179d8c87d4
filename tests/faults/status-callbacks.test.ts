import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { createApp } from '../../src/app';
import { processTwilioInbox } from '../../src/bot/twilio/process-inbox';
import { runDispatch } from '../../src/jobs/dispatch';
import { createCentre, createPersons } from '../jobs/support/fixtures';
import { createWorld, postTwilio, twilioSid, uniquePhone, type World } from './support/world';

// Twilio sends status callbacks at least once and in no guaranteed order. They are applied
// as a state machine that only moves forward, and every valid callback is answered 2xx
// (a 5xx would make Twilio send it again and again).
describe('duplicated and out-of-order status callbacks', () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: new Date('2026-11-02T01:00:00Z') });
  });
  afterAll(async () => w?.close());

  async function sentSms() {
    const phone = uniquePhone();
    const centre = (await createCentre(w.deps.db, 'Asia/Tokyo')).id;
    const [person] = await createPersons(w.deps.db, { centreId: centre, classification: 'close_contact', channel: 'sms', phone, roundTimes: ['10:00'] });
    const [session] = await queryRows<{ id: string }>(
      w.deps.db,
      sql`insert into check_sessions (person_id, flow_version_id, local_date, round, channel, status, source, due_at, expires_at)
          select ${person!}, v.id, '2026-11-02', '10:00', 'sms', 'pending', 'schedule', ${w.clock.at.toISOString()}::timestamptz, ${new Date(w.clock.at.getTime() + 6 * 3600_000).toISOString()}::timestamptz
          from flow_versions v join flows f on f.id = v.flow_id where f.key = 'contact-daily' and v.status = 'published' order by v.version desc limit 1 returning id`,
    );
    await runDispatch(w.deps, 'sms', [session!.id], 'prompt');
    const sid = w.twilio.accepted.find((m) => m.to === phone)!.sid;
    return { phone, sid, personId: person! };
  }
  const statusOf = async (sid: string) => (await queryRows<{ status: string }>(w.deps.db, sql`select status from outbound_messages where provider_message_id = ${sid}`))[0]!.status;
  async function processAll() {
    const rows = await queryRows<{ id: string }>(w.deps.db, sql`select id from inbound_events where processed_at is null order by seq`);
    for (const r of rows) await processTwilioInbox(w.deps, r.id);
  }

  it('"delivered" then "sent", and duplicates of each: ends delivered, every callback answered 200', async () => {
    const { phone, sid } = await sentSms();
    const app = createApp(w.deps);
    const order = ['sent', 'delivered', 'delivered', 'sent', 'queued', 'sending', 'delivered'];
    for (const s of order) {
      const res = await postTwilio(app, '/webhooks/twilio/status', { MessageSid: sid, MessageStatus: s, To: phone });
      expect(res.status).toBe(200);
    }
    // The same status twice is one stored event.
    const [stored] = await queryRows<{ n: number }>(w.deps.db, sql`select count(*)::int as n from inbound_events where provider_event_id like ${`${sid}:%`}`);
    expect(stored!.n).toBe(4);
    await processAll();
    expect(await statusOf(sid)).toBe('delivered');
  });

  it('a late "sent" processed after "delivered" changes nothing; a "failed" after "delivered" neither', async () => {
    const { phone, sid } = await sentSms();
    const app = createApp(w.deps);
    await postTwilio(app, '/webhooks/twilio/status', { MessageSid: sid, MessageStatus: 'delivered', To: phone });
    await processAll();
    for (const s of ['sent', 'failed', 'undelivered']) expect((await postTwilio(app, '/webhooks/twilio/status', { MessageSid: sid, MessageStatus: s, To: phone, ErrorCode: '30003' })).status).toBe(200);
    await processAll();
    expect(await statusOf(sid)).toBe('delivered');
    const [alerts] = await queryRows<{ n: number }>(w.deps.db, sql`select count(*)::int as n from alerts`);
    expect(alerts!.n).toBe(0);
  });

  it('a callback about a message we never sent, or without a status, is answered 2xx and changes nothing', async () => {
    const app = createApp(w.deps);
    expect((await postTwilio(app, '/webhooks/twilio/status', { MessageSid: twilioSid('SM'), MessageStatus: 'delivered', To: uniquePhone() })).status).toBe(200);
    expect((await postTwilio(app, '/webhooks/twilio/status', { AccountSid: 'AC00' })).status).toBe(200);
    await processAll();
    const [left] = await queryRows<{ n: number }>(w.deps.db, sql`select count(*)::int as n from inbound_events where processed_at is null`);
    expect(left!.n).toBe(0);
  });
});
