import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { raiseAlert } from '../../src/domain/alerts/raise-alert';
import { systemActor, withTransaction } from '../../src/domain/context';
import { runEscalations } from '../../src/domain/escalation/run-escalations';
import { Client, makeStaff } from './support';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPerson } from '../support/fixtures';
import { createTwilioApiMock } from '../support/twilio-api-mock';
import { TWILIO_ENV } from '../bot/twilio/helpers';

// The console's on-call page (/admin/on-call) and the triage queue's waiting time and
// escalation state, through the real routes (no browser).
const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let admin: Client;
let nurse: Client;
let clock = new Date('2026-12-07T03:00:00Z'); // Monday 12:00 JST

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => clock });
  await createCentre(deps.db, { code: '13-981', openingHours: '{"days":[1,2,3,4,5],"open":"08:30","close":"17:15"}' });
  await makeStaff(deps, { email: 'a@981.jp', role: 'centre_admin', jurisdictionCode: '13-981' });
  await makeStaff(deps, { email: 'n@981.jp', role: 'nurse', jurisdictionCode: '13-981' });
  admin = new Client(createApp(deps));
  nurse = new Client(createApp(deps));
  await admin.signIn('a@981.jp');
  await nurse.signIn('n@981.jp');
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

describe('the on-call page', () => {
  it('warns on the triage screen and the rota page while tonight has nobody on call', async () => {
    const triage = await (await nurse.get('/admin')).text();
    expect(triage).toContain('当番がいない時間があります（12/7 17:30〜');
    const rota = await (await nurse.get('/admin/on-call')).text();
    expect(rota).toContain('id="on-call-warning"');
    expect(rota).not.toContain('id="add-shift"'); // nurses read it, administrators change it
  });

  it('refuses a shift without a valid number in Japanese, keeping what was typed', async () => {
    const res = await admin.form('/admin/on-call/shifts', { code: '13-981', tz: 'Asia/Tokyo', name: '山田', phone: '123', from: '2026-12-07T17:15', to: '2026-12-08T08:30', order: '1', repeat: 'once' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('電話番号: 電話番号（090-1234-5678 など）で入力してください');
    expect(html).toContain('value="山田"');
  });

  it('adds every-night shifts typed in local time; the warning goes; a red alert shows its wait and its page', async () => {
    const res = await admin.form('/admin/on-call/shifts', { code: '13-981', tz: 'Asia/Tokyo', name: '山田', phone: '090−1111−2222', from: '2026-12-07T17:15', to: '2026-12-08T08:30', order: '1', repeat: 'weekly', days: ['1', '2', '3', '4', '5'] });
    expect(res.status).toBe(200);
    await admin.form('/admin/on-call/shifts', { code: '13-981', tz: 'Asia/Tokyo', name: '休日当番', phone: '090-1111-3333', from: '2026-12-05T08:30', to: '2026-12-06T08:30', order: '1', repeat: 'weekly', days: ['6', '7', '8'] });
    const page = await (await admin.get('/admin/on-call')).text();
    expect(page).toContain('2026/12/07 17:15');
    expect(page).toContain('090-1111-2222');
    expect(page).not.toContain('id="on-call-warning"');
    expect(await (await nurse.get('/admin')).text()).not.toContain('id="on-call-warning"');

    clock = new Date('2026-12-07T13:00:00Z'); // 22:00 JST
    const p = await createPerson(deps.db, '13-981', {}, clock);
    await withTransaction(deps.db, { actor: systemActor('test'), now: clock }, (ctx) =>
      raiseAlert({ ctx, input: { personId: p.id, severity: 'red', reason: 'spo2_low', reasons: [{ ruleId: 'spo2_low', ja: 'SpO2 90%', en: 'SpO2 90%', values: {} }], dedupeKey: `p:${p.id}` } }),
    );
    clock = new Date('2026-12-07T13:12:00Z');
    await runEscalations(deps, clock);
    expect(twilioApi.calls.map((c) => c.to)).toEqual(['+819011112222']);
    await nurse.signIn('n@981.jp'); // ten hours later: a new session
    const triage = await (await nurse.get('/admin')).text();
    expect(triage).toContain('12分待ち');
    expect(triage).toContain('山田さんに連絡中（1人目）');
    expect(triage).toContain('id="notify-toggle"');
  });
});
