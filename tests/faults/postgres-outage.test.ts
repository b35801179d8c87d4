import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, queryRows, type DbHandle } from '../../db/client';
import { createApp } from '../../src/app';
import { createCentre, createPersons } from '../jobs/support/fixtures';
import { startPgProxy, type PgProxy } from './support/pg-proxy';
import { count, createWorld, lineTextEvent, lineUserOf, postLine, postTwilio, TWILIO, twilioSid, uniquePhone, until, type World } from './support/world';

// The app reaches PostgreSQL through a proxy the test can cut (the shared server keeps
// running for everyone else). A webhook that cannot store its event must not answer 200:
// the provider would consider it delivered and the answer would be lost.
describe('PostgreSQL unavailable during a webhook', () => {
  let w: World;
  let proxy: PgProxy;
  let viaProxy: DbHandle;
  beforeAll(async () => {
    w = await createWorld({ start: new Date('2026-11-02T01:00:00Z') });
    proxy = await startPgProxy();
    viaProxy = await createDb({ url: proxy.urlFor(w.deps.testDb.url), max: 2 });
  });
  afterAll(async () => {
    await viaProxy?.close().catch(() => undefined);
    await proxy?.close();
    await w?.close();
  });

  it('answers 5xx so the provider redelivers, and the redelivery is processed once', async () => {
    const { deps } = w;
    const app = createApp({ ...deps, db: viaProxy.db, dbHandle: viaProxy });
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const [linePerson] = await createPersons(deps.db, { centreId: centre, count: 1, classification: 'close_contact' });
    const phone = uniquePhone();
    await createPersons(deps.db, { centreId: centre, count: 1, channel: 'sms', classification: 'close_contact', phone });
    // The pool holds a live connection when the database goes away (the harder case).
    await queryRows(viaProxy.db, sql`select 1`);

    const lineEvent = lineTextEvent(await lineUserOf(deps.db, linePerson!), 'こんにちは', w.clock.at);
    const sms = { MessageSid: twilioSid('SM'), From: phone, To: TWILIO.TWILIO_FROM_NUMBER, Body: 'こんにちは' };
    const status = { MessageSid: twilioSid('SM'), MessageStatus: 'delivered', To: phone };
    await proxy.down();
    const started = Date.now();
    expect((await postLine(app, [lineEvent])).status).toBeGreaterThanOrEqual(500);
    expect((await postTwilio(app, '/webhooks/twilio/sms', sms)).status).toBeGreaterThanOrEqual(500);
    expect((await postTwilio(app, '/webhooks/twilio/status', status)).status).toBeGreaterThanOrEqual(500);
    expect(Date.now() - started).toBeLessThan(5_000); // fails fast: the provider's own timeout is short
    expect(await count(deps.db, sql`select count(*)::int as n from inbound_events`)).toBe(0);
    expect(deps.logs.text).not.toContain(phone);
    expect(deps.logs.text).not.toContain('こんにちは');
    expect(deps.logs.text).not.toContain(lineEvent.source.userId);
    expect(deps.logs.text).toContain('params: [redacted]'); // the failed SQL is logged, its values are not

    // The database is back: the providers redeliver (twice, for good measure).
    await proxy.up();
    deps.jobs.startWorkers(deps, { scheduler: false, queues: ['inbound', 'inbound-twilio'] });
    for (let i = 0; i < 2; i++) {
      expect((await postLine(app, [{ ...lineEvent, deliveryContext: { isRedelivery: true } }])).status).toBe(200);
      expect((await postTwilio(app, '/webhooks/twilio/sms', sms)).status).toBe(200);
      expect((await postTwilio(app, '/webhooks/twilio/status', status)).status).toBe(200);
    }
    expect(await count(deps.db, sql`select count(*)::int as n from inbound_events`)).toBe(3);
    await until(async () => (await count(deps.db, sql`select count(*)::int as n from inbound_events where processed_at is null`)) === 0, 'the redelivered events to be processed');
    const attempts = await queryRows<{ attempts: number }>(deps.db, sql`select attempts from inbound_events`);
    expect(attempts.map((a) => a.attempts)).toEqual([1, 1, 1]);
    // One answer each: the LINE user got one push, the SMS sender one reply.
    await until(() => w.line.stats.accepted === 1 && w.twilio.accepted.length === 1, 'the replies');
    await new Promise((r) => setTimeout(r, 200));
    expect(w.line.stats.accepted).toBe(1);
    expect(w.twilio.accepted.filter((m) => m.to === phone)).toHaveLength(1);
  });
});
