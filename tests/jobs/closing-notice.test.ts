import { sql } from 'drizzle-orm';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { TransientSendError } from '../../src/bot/dispatch';
import { closingNoticeJob } from '../../src/jobs/closing-notice';
import { runTick } from '../../src/jobs/tick';
import { TWILIO_ENV } from '../bot/twilio/helpers';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createLineApiMock, LINE_TEST_BASE_URL } from '../support/line-api-mock';
import { createTwilioApiMock } from '../support/twilio-api-mock';
import { createCentre, createPersons } from './support/fixtures';
import { drained } from './support/wait';

// When monitoring ends the person gets one closing message on their own channel, never in
// quiet hours; prompts stop.
describe('the closing message at the end of monitoring', () => {
  const line = createLineApiMock();
  const twilioApi = createTwilioApiMock();
  let deps: TestDeps;
  let centreId: string;
  // The workers' clock follows the tick's: a job checks quiet hours at send time, and the
  // real time of day (21:00 JST in an evening CI run) must not decide what these tests see.
  let clock = new Date('2026-07-06T00:00:00Z');
  beforeAll(async () => {
    line.server.use(...twilioApi.server.listHandlers()); // one msw server for both providers
    line.server.listen({ onUnhandledRequest: 'bypass' });
    deps = await createTestDeps({ LINE_CHANNEL_SECRET: 'test-secret', LINE_CHANNEL_ACCESS_TOKEN: 'test-token', LINE_API_BASE_URL: LINE_TEST_BASE_URL, ...TWILIO_ENV }, { now: () => clock });
    centreId = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    deps.jobs.startWorkers(deps, { scheduler: false, queues: ['rounds'] });
  });
  afterAll(async () => {
    line.server.close();
    await deps.close();
  });

  const closingRows = () => queryRows<{ person_id: string; status: string; channel: string }>(deps.db, sql`select person_id, status, channel from outbound_messages where kind = 'closing'`);
  const tick = async (at: Date) => {
    clock = at;
    const summary = await runTick(deps, at);
    await drained(deps.jobs, ['rounds']);
    return summary;
  };

  it('goes once on the person’s own channel: LINE by LINE, SMS by SMS, voice by a short call that says it', async () => {
    // Everyone has LINE linked and a phone number, and both providers are configured.
    const [byLine, bySms, byVoice, stillMonitored] = [
      (await createPersons(deps.db, { centreId, channel: 'line', plannedEnd: '2026-07-05', phone: '+819011110001' }))[0]!,
      (await createPersons(deps.db, { centreId, channel: 'sms', plannedEnd: '2026-07-05', phone: '+819011110002' }))[0]!,
      (await createPersons(deps.db, { centreId, channel: 'voice', plannedEnd: '2026-07-05', phone: '+81311110003' }))[0]!,
      (await createPersons(deps.db, { centreId, channel: 'line', plannedEnd: '2026-07-20' }))[0]!,
    ];
    const at = new Date('2026-07-06T00:00:00Z'); // 09:00 JST the day after the planned end
    const first = await tick(at);
    expect(first.monitoringEnded).toBe(3);
    const again = await tick(new Date(at.getTime() + 60_000));
    expect(again.closingNotices).toBe(0);

    const rows = await closingRows();
    const of = (id: string) => rows.filter((r) => r.person_id === id).map((r) => r.channel);
    expect(of(byLine)).toEqual(['line']);
    expect(of(bySms)).toEqual(['sms']);
    expect(of(byVoice)).toEqual(['voice']);
    expect(of(stillMonitored)).toEqual([]);

    const pushes = line.calls.filter((c) => c.endpoint === 'push' && JSON.stringify(c.body).includes('健康観察の期間が終わりました'));
    expect(pushes).toHaveLength(1);
    expect(JSON.stringify(pushes[0]!.body)).toContain('03-0000-0000');
    const texts = twilioApi.messages.filter((m) => m.body.includes('健康観察の期間が終わりました'));
    expect(texts.map((m) => m.to)).toEqual(['+819011110002']);
    const [call] = twilioApi.calls;
    expect(twilioApi.calls).toHaveLength(1);
    expect(call).toMatchObject({ to: '+81311110003', url: '', statusCallback: 'https://mimamori.test/webhooks/twilio/status' });
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(call!.twiml!) as { Response: { Say: { language: string }[]; Hangup: unknown } };
    expect(parsed.Response.Say.every((s) => s.language === 'ja-JP')).toBe(true);
    expect(call!.twiml).toContain('健康観察の期間が終わりました');
    expect(call!.twiml).toContain('03-0000-0000');
    expect(parsed.Response.Hangup).toBeDefined();
  });

  it('waits for the end of quiet hours: monitoring that ends at local midnight is told at 08:00', async () => {
    const [personId] = await createPersons(deps.db, { centreId, channel: 'sms', plannedEnd: '2026-08-01', phone: '+819011110004' });
    const night = await tick(new Date('2026-08-01T15:05:00Z')); // 00:05 JST on 08-02
    expect(night.monitoringEnded).toBeGreaterThanOrEqual(1);
    const [p] = await queryRows<{ status: string }>(deps.db, sql`select status from persons where id = ${personId!}`);
    expect(p!.status).toBe('monitoring_ended');
    expect(night.closingNotices).toBe(0);
    await tick(new Date('2026-08-01T22:59:00Z')); // 07:59
    expect(twilioApi.messages.filter((m) => m.to === '+819011110004')).toHaveLength(0);
    const morning = await tick(new Date('2026-08-01T23:00:00Z')); // 08:00
    expect(morning.closingNotices).toBeGreaterThanOrEqual(1);
    expect(twilioApi.messages.filter((m) => m.to === '+819011110004')).toHaveLength(1);
    expect((await closingRows()).filter((r) => r.person_id === personId)).toHaveLength(1);
  });

  it('a closing job that runs in quiet hours sends nothing and asks to come back when they end', async () => {
    const [personId] = await createPersons(deps.db, { centreId, channel: 'sms', plannedEnd: '2026-09-01', phone: '+819011110005' });
    await deps.db.execute(sql`update persons set status = 'monitoring_ended', monitoring_actual_end = '2026-09-01' where id = ${personId!}`);
    const late = { ...deps, now: () => new Date('2026-09-01T12:30:00Z') }; // 21:30 JST
    const err = await closingNoticeJob.handler({ personId: personId! }, late, undefined as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientSendError);
    expect((err as TransientSendError).retryAfterMs).toBe(new Date('2026-09-01T23:00:00Z').getTime() - new Date('2026-09-01T12:30:00Z').getTime());
    expect(twilioApi.messages.filter((m) => m.to === '+819011110005')).toHaveLength(0);
    expect((await closingRows()).filter((r) => r.person_id === personId)).toHaveLength(0);
  });
});
