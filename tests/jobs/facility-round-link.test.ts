import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { createApp } from '../../src/app';
import { systemActor, withTransaction } from '../../src/domain/context';
import { resendFacilityRoundLink } from '../../src/domain/facilities/facility-round-link';
import { addFacilityResident, createFacility } from '../../src/domain/facilities/facility-verbs';
import { facilityRoundLinkJob } from '../../src/jobs/facility-round-link';
import { runTick } from '../../src/jobs/tick';
import { TWILIO_ENV } from '../bot/twilio/helpers';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPerson } from '../support/fixtures';
import { createLineApiMock, LINE_TEST_BASE_URL } from '../support/line-api-mock';
import { startSmtpServer, type LocalSmtpServer } from '../support/smtp-server';
import { createTwilioApiMock } from '../support/twilio-api-mock';
import { drained } from './support/wait';

// At each round time the round's signed link goes to the facility's staff contacts — SMS
// (Twilio stand-in), LINE (LINE stand-in) and mail (a local SMTP server) — once per round,
// through the one outbox; 「リンクを再送」 sends it again; the rows are the contact log.
describe('the facility round link to the facility’s contacts', () => {
  const line = createLineApiMock();
  const twilioApi = createTwilioApiMock();
  let smtp: LocalSmtpServer;
  let deps: TestDeps;
  let clock = new Date('2026-11-24T00:00:30Z'); // 09:00:30 in Tokyo
  const LINE_ID = `U${'ab'.repeat(16)}`;
  let facilityId: string;

  beforeAll(async () => {
    line.server.use(...twilioApi.server.listHandlers());
    line.server.listen({ onUnhandledRequest: 'bypass' });
    smtp = await startSmtpServer();
    deps = await createTestDeps({ LINE_CHANNEL_SECRET: 'test-secret', LINE_CHANNEL_ACCESS_TOKEN: 'test-token', LINE_API_BASE_URL: LINE_TEST_BASE_URL, ...TWILIO_ENV, SMTP_URL: smtp.url }, { now: () => clock });
    await createCentre(deps.db, { code: 'fl-1' });
    deps.jobs.startWorkers(deps, { scheduler: false, queues: ['rounds'] });
    const tx = <T,>(fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor: systemActor('test'), now: clock }, fn);
    const centre = await queryRows<{ id: string }>(deps.db, sql`select id from jurisdictions where code = 'fl-1'`);
    facilityId = (
      await tx((ctx) =>
        createFacility({
          ctx,
          input: {
            responsibleCentreId: centre[0]!.id,
            kind: 'care_home',
            name: 'さくら苑',
            roundTimes: ['09:00', '15:00'],
            contacts: [{ name: '看護師 田中', phone: '090-1111-2222', email: 'tanaka@sakura.example.jp' }, { name: '介護士 鈴木', lineUserId: LINE_ID }, { name: '事務 佐藤' }],
          },
        }),
      )
    ).id;
    const { id } = await createPerson(deps.db, 'fl-1', { name: '入所 一郎', dateOfBirth: '1940-01-01' }, clock);
    await tx((ctx) => addFacilityResident({ ctx, input: { facilityId, personId: id, room: '101' } }));
  });
  afterAll(async () => {
    line.server.close();
    await deps?.close();
    await smtp?.close();
  });

  const linkRows = () =>
    queryRows<{ channel: string; status: string; person_id: string | null; contact: string; resend: boolean; text: string; error_code: string | null }>(
      deps.db,
      sql`select channel, status, person_id, body->>'contactName' as contact, (body->>'resend')::boolean as resend, body->>'text' as text, error_code
          from outbound_messages where kind = 'facility_round_link' order by created_at, channel`,
    );
  const tick = async (at: Date) => {
    clock = at;
    await runTick(deps, at);
    await drained(deps.jobs, ['rounds']);
  };

  it('goes at the round time by SMS, LINE and mail to each contact that has one, once, with no resident named; the link opens the round page', async () => {
    await tick(clock);
    const rows = await linkRows();
    expect(rows.map((r) => `${r.contact}:${r.channel}`).sort()).toEqual(['介護士 鈴木:line', '看護師 田中:mail', '看護師 田中:sms']);
    expect(rows.every((r) => r.person_id === null && !r.resend)).toBe(true);
    expect(rows.find((r) => r.channel === 'mail')!.status).toBe('sent');
    expect(rows.find((r) => r.channel === 'line')!.status).toBe('sent');
    expect(['sending', 'sent']).toContain(rows.find((r) => r.channel === 'sms')!.status); // Twilio's callback says the rest

    expect(twilioApi.messages).toHaveLength(1);
    const sms = twilioApi.messages[0]!;
    expect(sms.to).toBe('+819011112222');
    expect(sms.body).toContain('さくら苑 11/24 09:00の一括報告');
    expect(sms.body).not.toContain('入所 一郎');
    const path = /https:\/\/mimamori\.test(\/f\/[A-Za-z0-9_.-]+)/.exec(sms.body)![1]!;

    const push = line.calls.filter((c) => c.endpoint === 'push');
    expect(push).toHaveLength(1);
    expect(push[0]!.body.to).toBe(LINE_ID);
    expect(push[0]!.body.messages[0].text).toContain(path);

    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual(['tanaka@sakura.example.jp']);
    expect(mail!.subject).toContain('さくら苑');
    expect(mail!.text).toContain(path);
    expect(mail!.text).toContain('Please report the 09:00 round');

    // The link is the round's page.
    const page = await createApp(deps).request(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('入所 一郎');

    // The next tick of the same round sends nothing more.
    await tick(new Date(clock.getTime() + 60_000));
    expect(await linkRows()).toHaveLength(3);
    expect(twilioApi.messages).toHaveLength(1);
  });

  it('「リンクを再送」 sends the same round again to every route, marked as a resend in the contact log; a retried job sends nothing twice', async () => {
    const { roundId, sendKey } = await withTransaction(deps.db, { actor: systemActor('test'), now: clock }, (ctx) => resendFacilityRoundLink({ ctx, input: { facilityId }, env: deps.env }));
    await facilityRoundLinkJob.handler({ roundId, sendKey }, deps, undefined as never);
    await facilityRoundLinkJob.handler({ roundId, sendKey }, deps, undefined as never); // a retry
    const rows = await linkRows();
    expect(rows.filter((r) => r.resend).map((r) => r.channel).sort()).toEqual(['line', 'mail', 'sms']);
    expect(twilioApi.messages).toHaveLength(2);
    expect(line.calls.filter((c) => c.endpoint === 'push')).toHaveLength(2);
    expect(await smtp.waitFor(2)).toHaveLength(2);
    // The same round: the same page.
    expect(/\/f\/[A-Za-z0-9_.-]+/.exec(twilioApi.messages[1]!.body)![0]).toBe(/\/f\/[A-Za-z0-9_.-]+/.exec(twilioApi.messages[0]!.body)![0]);
  });

  it('a contact whose route has no provider gets a failed row saying so; a facility without reachable contacts cannot resend', async () => {
    const noMail = { ...deps, mailer: undefined };
    const { roundId } = await withTransaction(deps.db, { actor: systemActor('test'), now: clock }, (ctx) => resendFacilityRoundLink({ ctx, input: { facilityId }, env: deps.env }));
    await facilityRoundLinkJob.handler({ roundId, sendKey: 'r1796000000000' }, noMail, undefined as never);
    const rows = await queryRows<{ channel: string; status: string; error_code: string | null }>(deps.db, sql`select channel, status, error_code from outbound_messages where retry_key like ${`facility-link:${roundId}:r1796000000000:%`} order by channel`);
    expect(rows).toEqual([
      { channel: 'line', status: 'sent', error_code: null },
      { channel: 'mail', status: 'failed', error_code: 'not_configured' },
      { channel: 'sms', status: 'sending', error_code: null },
    ]);

    const bare = await withTransaction(deps.db, { actor: systemActor('test'), now: clock }, async (ctx) => {
      const centre = await queryRows<{ id: string }>(ctx.tx, sql`select id from jurisdictions where code = 'fl-1'`);
      return createFacility({ ctx, input: { responsibleCentreId: centre[0]!.id, kind: 'group_home', name: '連絡先なし', contacts: [{ name: '名前だけ' }] } });
    });
    const refused = await withTransaction(deps.db, { actor: systemActor('test'), now: clock }, (ctx) => resendFacilityRoundLink({ ctx, input: { facilityId: bare.id }, env: deps.env })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 422 });
  });

  it('a round inside quiet hours (21:00-08:00): LINE at once, the SMS held until 08:00; a night round over before they end gets no SMS, and the log says why', async () => {
    const lineId = `U${'cd'.repeat(16)}`;
    const night = await withTransaction(deps.db, { actor: systemActor('test'), now: clock }, async (ctx) => {
      const centre = await queryRows<{ id: string }>(ctx.tx, sql`select id from jurisdictions where code = 'fl-1'`);
      return createFacility({ ctx, input: { responsibleCentreId: centre[0]!.id, kind: 'care_home', name: 'あけぼの荘', roundTimes: ['07:00', '22:00'], contacts: [{ name: '夜勤 山田', phone: '090-3333-4444', lineUserId: lineId }] } });
    });
    const runAt = async (at: string) => {
      clock = new Date(at);
      const { roundId } = await withTransaction(deps.db, { actor: systemActor('test'), now: clock }, (ctx) => resendFacilityRoundLink({ ctx, input: { facilityId: night.id }, env: deps.env }));
      const err = await facilityRoundLinkJob.handler({ roundId, sendKey: 'auto' }, deps, undefined as never).then(() => null, (e: unknown) => e as Error & { retryAfterMs?: number });
      const rows = await queryRows<{ channel: string; status: string; error_code: string | null }>(deps.db, sql`select channel, status, error_code from outbound_messages where retry_key like ${`facility-link:${roundId}:auto:%`} order by channel`);
      return { err, rows };
    };
    const texts = () => twilioApi.messages.filter((m) => m.to === '+819033334444');
    const pushes = () => line.calls.filter((c) => c.endpoint === 'push' && c.body.to === lineId);

    const early = await runAt('2026-11-25T07:00:30+09:00');
    expect(early.err?.retryAfterMs).toBe(59.5 * 60_000); // the job comes back at 08:00
    expect(early.rows).toEqual([{ channel: 'line', status: 'sent', error_code: null }]);
    expect(texts()).toHaveLength(0);
    expect(pushes()).toHaveLength(1);

    const at8 = await runAt('2026-11-25T08:00:00+09:00'); // the retry
    expect(at8.err).toBeNull();
    expect(at8.rows.map((r) => r.channel)).toEqual(['line', 'sms']);
    expect(texts()).toHaveLength(1);
    expect(pushes()).toHaveLength(1);

    const late = await runAt('2026-11-25T22:00:30+09:00'); // over at midnight, before 08:00
    expect(late.err).toBeNull();
    expect(late.rows).toEqual([{ channel: 'line', status: 'sent', error_code: null }, { channel: 'sms', status: 'failed', error_code: 'quiet_hours' }]);
    expect(texts()).toHaveLength(1);
    expect(pushes()).toHaveLength(2);
  });
});
