import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertEvents, alerts, auditLog, escalationPages, escalations, persons } from '../../../db/schema';
import { createApp } from '../../../src/app';
import { acknowledgeAlert } from '../../../src/domain/alerts/acknowledge-alert';
import { raiseAlert } from '../../../src/domain/alerts/raise-alert';
import { systemActor, withTransaction, type Actor } from '../../../src/domain/context';
import { addOnCallShift } from '../../../src/domain/escalation/add-on-call-shift';
import { pageNextStep } from '../../../src/domain/escalation/page-next-step';
import { runEscalations } from '../../../src/domain/escalation/run-escalations';
import { startEscalationListener } from '../../../src/jobs/escalation-listener';
import { runTick } from '../../../src/jobs/tick';
import { makeStaff } from '../../admin/support';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson, staffActor } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { parseTwiml, runInboundJobs, sid, twilioPost, TWILIO_ENV } from '../../bot/twilio/helpers';

// On-call paging with a fake clock: the tick's escalation step (runEscalations) is run at
// chosen instants; Twilio is the msw stand-in; the call's TwiML and the SMS reply go
// through the real webhooks.
const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let clock = new Date('2026-12-07T13:00:00Z'); // Monday 22:00 JST: the centre is closed
const FIRST = '+819011110001';
const SECOND = '+819011110002';
const ADMIN = '+819011110009';
let admin: Actor;
let centreId: string;
let caseNumbers: string[] = [];
let names: string[] = [];

const at = (minutes: number, from = clock) => new Date(from.getTime() + minutes * 60_000);
const tick = (t: Date) => {
  clock = t;
  return runEscalations(deps, t);
};

async function redAlert(t: Date, severity: 'red' | 'amber' = 'red'): Promise<string> {
  const p = await createPerson(deps.db, '13-951', { phone: '090-5555-0001' }, t);
  const [row] = await deps.db.select({ caseNumber: persons.caseNumber, name: persons.name }).from(persons).where(eq(persons.id, p.id));
  caseNumbers.push(row!.caseNumber);
  names.push(row!.name);
  const raised = await withTransaction(deps.db, { actor: systemActor('test'), now: t }, (ctx) =>
    raiseAlert({ ctx, input: { personId: p.id, severity, reason: 'spo2_low', reasons: [{ ruleId: 'spo2_low', ja: 'SpO2 91%', en: 'SpO2 91%', values: { spo2: 91 } }], dedupeKey: `test:${p.id}` } }),
  );
  return raised.id;
}

/** Every day (and holiday), round the clock, from 12/1. */
async function shift(name: string, phone: string, order: number | 'administrator', from: Date, to: Date) {
  return withTransaction(deps.db, { actor: admin, now: clock }, (ctx) => addOnCallShift({ ctx, input: { code: '13-951', shift: { name, phone, from: from.toISOString(), to: to.toISOString(), order, repeat: 'weekly', days: [1, 2, 3, 4, 5, 6, 7, 8] } } }));
}

const callsTo = (n: string) => twilioApi.calls.filter((c) => c.to === n);
const smsTo = (n: string) => twilioApi.messages.filter((m) => m.to === n);

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => clock });
  app = createApp(deps);
  const centre = await createCentre(deps.db, { code: '13-951', openingHours: '{"days":[1,2,3,4,5],"open":"08:30","close":"17:15"}' });
  centreId = centre.id;
  const adminId = await makeStaff(deps, { email: 'admin@951.jp', role: 'centre_admin', jurisdictionCode: '13-951' });
  admin = { ...staffActor('centre_admin', { jurisdictionId: centre.id, jurisdictionPath: centre.path }), staffId: adminId } as Actor;
  const day = new Date('2026-12-01T00:00:00Z');
  await shift('山田', '090-1111-0001', 1, day, at(24 * 60, day));
  await shift('佐藤', '０９０−１１１１−０００２', 2, day, at(24 * 60, day));
  await shift('管理者 鈴木', '090-1111-0009', 'administrator', day, at(24 * 60, day));
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});
beforeEach(async () => {
  twilioApi.reset();
  // Each test starts with no chain open.
  await deps.db.execute(sql`update escalations set status = 'resolved' where status = 'active'`);
  await deps.db.execute(sql`update alerts set status = 'resolved' where status <> 'resolved'`);
});

describe('a red alert nobody takes', () => {
  it('calls and texts the first on-call person after 10 minutes, the second 10 minutes later; key 1 takes the alert and stops the chain', async () => {
    const t0 = at(60);
    const alertId = await redAlert(t0);
    await tick(at(9, t0));
    expect(twilioApi.calls).toHaveLength(0);

    await tick(at(10, t0));
    expect(callsTo(FIRST)).toHaveLength(1);
    expect(smsTo(FIRST)).toHaveLength(1);
    expect(callsTo(FIRST)[0]!.url).toMatch(/^https:\/\/mimamori\.test\/webhooks\/twilio\/page\?p=[0-9a-f-]{36}$/);
    expect(smsTo(FIRST)[0]!.body).toContain('13-951保健所: 未対応の赤アラート1件');

    await tick(at(15, t0));
    expect(twilioApi.calls).toHaveLength(1);
    await tick(at(20, t0));
    expect(callsTo(SECOND)).toHaveLength(1);
    expect(smsTo(SECOND)).toHaveLength(1);

    // The second person answers: the call says the centre and the count, gathers one key.
    const url = callsTo(SECOND)[0]!.url.replace('https://mimamori.test', '');
    const first = parseTwiml(await (await twilioPost(app, url, { CallSid: sid('CA'), To: SECOND, From: TWILIO_ENV.TWILIO_FROM_NUMBER })).text());
    expect(first.Response.Gather).toMatchObject({ numDigits: '1' });
    const xml = await (await twilioPost(app, url, { CallSid: sid('CA'), To: SECOND, From: TWILIO_ENV.TWILIO_FROM_NUMBER })).text();
    expect(xml).toContain('赤アラート1件');
    expect(xml).toContain('1を押してください');
    const pressed = await (await twilioPost(app, url, { CallSid: sid('CA'), To: SECOND, Digits: '1' })).text();
    expect(pressed).toContain('1件のアラートを、あなたの対応にしました');

    const [alert] = await deps.db.select().from(alerts).where(eq(alerts.id, alertId));
    expect(alert!.status).toBe('acknowledged');
    const history = await deps.db.select().from(alertEvents).where(eq(alertEvents.alertId, alertId)).orderBy(alertEvents.createdAt);
    expect(history.map((h) => h.kind)).toEqual(['raised', 'escalated', 'escalated', 'acknowledged']);
    expect(history.at(-1)!.note).toBe('佐藤さんが電話で1を押して確認しました');
    expect(history[1]!.note).toBe('当番1番目（山田さん）に電話とSMSで知らせました');
    const audits = await deps.db.select().from(auditLog).where(and(eq(auditLog.entityId, alertId), eq(auditLog.entity, 'alert')));
    expect(audits.map((a) => a.action).sort()).toEqual(['acknowledge', 'escalate', 'escalate', 'raise']);

    await tick(at(30, t0));
    await tick(at(60, t0));
    expect(twilioApi.calls).toHaveLength(2); // nobody else
    const [chain] = await deps.db.select().from(escalations).where(eq(escalations.centreId, centreId)).orderBy(sql`started_at desc`).limit(1);
    expect(chain!.status).toBe('acknowledged');
  });

  it('pages nobody when a nurse takes the alert in the console before the deadline', async () => {
    const t0 = at(120);
    const alertId = await redAlert(t0);
    clock = at(5, t0);
    const nurseId = await makeStaff(deps, { email: 'nurse@951.jp', role: 'nurse', jurisdictionCode: '13-951' });
    const nurse = { ...staffActor('nurse', { jurisdictionId: centreId, jurisdictionPath: '/JP/13/13-951/' }), staffId: nurseId } as Actor;
    await withTransaction(deps.db, { actor: nurse, now: clock }, (ctx) => acknowledgeAlert({ ctx, input: { alertId } }));
    await tick(at(10, t0));
    await tick(at(30, t0));
    expect(twilioApi.calls).toHaveLength(0);
    expect(twilioApi.messages).toHaveLength(0);
  });

  it('moves on at once when the page is refused, then to the administrator', async () => {
    const t0 = at(180);
    await redAlert(t0);
    twilioApi.failNext('calls', { status: 400, code: 21217 }); // not a valid number
    await tick(at(10, t0));
    expect(callsTo(SECOND)).toHaveLength(1); // the same tick
    // The second's call is not answered (status callback: no-answer): the administrator is
    // paged as soon as the callback is processed — no tick in between.
    const [page] = await deps.db.select().from(escalationPages).where(eq(escalationPages.phone, SECOND)).orderBy(sql`created_at desc`).limit(1);
    await deps.db.execute(sql`update outbound_messages set provider_message_id = ${'CAnoanswer' + page!.id.slice(0, 8)} where id = ${page!.callOutboundId}`);
    const listener = await startEscalationListener(deps);
    try {
      clock = at(11, t0);
      await twilioPost(app, '/webhooks/twilio/status', { CallSid: 'CAnoanswer' + page!.id.slice(0, 8), CallStatus: 'no-answer', To: SECOND });
      await runInboundJobs(deps);
      await expect.poll(() => callsTo(ADMIN).length, { timeout: 5_000 }).toBe(1);
    } finally {
      await listener.close();
    }
    const history = await deps.db.select({ note: alertEvents.note }).from(alertEvents).where(eq(alertEvents.kind, 'escalated')).orderBy(sql`${alertEvents.createdAt} desc`).limit(2);
    expect(history.map((h) => h.note)).toContain('佐藤さんに電話がつながりませんでした（応答なし）。次の連絡先に知らせます');
  });

  it('walks the chain again from the first person when nobody took the alert, then gives up (ESCALATE_CHAIN_ROUNDS)', async () => {
    const t0 = at(200);
    const alertId = await redAlert(t0);
    // Three people in the chain, three rounds: first, second, administrator, ×3, every 10 minutes.
    for (let m = 10; m <= 100; m += 10) await tick(at(m, t0));
    expect(callsTo(FIRST)).toHaveLength(3);
    expect(callsTo(SECOND)).toHaveLength(3);
    expect(callsTo(ADMIN)).toHaveLength(3);
    const notes = (await deps.db.select({ note: alertEvents.note }).from(alertEvents).where(eq(alertEvents.alertId, alertId)).orderBy(alertEvents.createdAt)).map((n) => n.note);
    expect(notes).toContain('確認されないため、当番表の最初から知らせ直します（2巡目）');
    expect(notes).toContain('確認されないため、当番表の最初から知らせ直します（3巡目）');
    expect(notes.at(-1)).toBe('当番表の連絡先をすべて試しましたが、確認されませんでした');
    await tick(at(200, t0));
    expect(twilioApi.calls).toHaveLength(9);
  });

  it('a reply of 1 to the SMS from the paged number takes the alerts it announced', async () => {
    const t0 = at(240);
    const a1 = await redAlert(t0);
    const a2 = await redAlert(at(1, t0));
    await tick(at(11, t0));
    expect(smsTo(FIRST)[0]!.body).toContain('赤アラート2件');
    clock = at(13, t0);
    await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: FIRST, To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: '１' });
    await runInboundJobs(deps);
    expect(smsTo(FIRST).at(-1)!.body).toContain('2件のアラートをあなたの対応にしました');
    const rows = await deps.db.select().from(alerts).where(sql`${alerts.id} in (${a1}, ${a2})`);
    expect(rows.map((r) => r.status)).toEqual(['acknowledged', 'acknowledged']);
    const notes = await deps.db.select({ note: alertEvents.note }).from(alertEvents).where(and(eq(alertEvents.alertId, a1), eq(alertEvents.kind, 'acknowledged')));
    expect(notes[0]!.note).toBe('山田さんがSMSで1と返信して確認しました');
    await tick(at(30, t0));
    expect(twilioApi.calls).toHaveLength(1);
  });

  it('never pages a step twice: two processes at once, and a restart between commit and send', async () => {
    const t0 = at(300);
    await redAlert(t0);
    await Promise.all([tick(at(10, t0)), runEscalations(deps, at(10, t0)), runEscalations(deps, at(10, t0))]);
    expect(callsTo(FIRST)).toHaveLength(1);
    expect(smsTo(FIRST)).toHaveLength(1);
    // The next step is taken and committed, and the process dies before sending it.
    const [chain] = await deps.db.select().from(escalations).where(and(eq(escalations.centreId, centreId), eq(escalations.status, 'active')));
    const step = await withTransaction(deps.db, { actor: systemActor('escalation'), now: at(20, t0) }, (ctx) => pageNextStep(ctx, chain!.id, { repeatMs: 600_000, consoleUrl: 'https://mimamori.test/admin' }));
    expect(step.kind).toBe('paged');
    expect(callsTo(SECOND)).toHaveLength(0);
    // After the restart: the page is sent once, and the chain goes on from where it was.
    await Promise.all([tick(at(21, t0)), runEscalations(deps, at(21, t0))]);
    await tick(at(22, t0));
    expect(callsTo(SECOND)).toHaveLength(1);
    expect(smsTo(SECOND)).toHaveLength(1);
    await tick(at(31, t0));
    expect(callsTo(ADMIN)).toHaveLength(1);
    expect(callsTo(FIRST)).toHaveLength(1);
  });

  it('says no personal data: the call and the SMS name the centre and the count only', async () => {
    const texts = [...twilioApi.messages.map((m) => m.body)];
    const t0 = at(360);
    await redAlert(t0);
    await tick(at(10, t0));
    const url = callsTo(FIRST)[0]!.url.replace('https://mimamori.test', '');
    const said = await (await twilioPost(app, url, { CallSid: sid('CA'), To: FIRST })).text();
    const all = [...texts, ...twilioApi.messages.map((m) => m.body), said].join('\n');
    expect(all).toContain('13-951保健所');
    for (const s of [...names, ...caseNumbers, '090-5555-0001', '+819055550001', '5555', 'SpO2', 'spo2']) expect(all).not.toContain(s);
  });

  it('pages an amber alert after 120 minutes only while the centre is open: a holiday and the year-end closure count as closed', async () => {
    const jst = (local: string) => new Date(`${local}+09:00`);
    await redAlert(jst('2026-12-29T09:00:00'), 'amber'); // Tuesday, 年末年始
    await tick(jst('2026-12-29T11:30:00'));
    await tick(jst('2026-12-29T16:00:00'));
    expect(twilioApi.calls).toHaveLength(0);
    await deps.db.execute(sql`update alerts set status = 'resolved' where status <> 'resolved'`);
    await redAlert(jst('2026-12-22T09:00:00'), 'amber'); // an ordinary Tuesday
    await tick(jst('2026-12-22T10:59:00'));
    expect(twilioApi.calls).toHaveLength(0);
    await tick(jst('2026-12-22T11:00:00'));
    expect(callsTo(FIRST)).toHaveLength(1);
    expect(smsTo(FIRST)[0]!.body).toContain('未対応の黄アラート1件');
  });

  it('is a step of the scheduled tick', async () => {
    const t0 = at(420);
    await redAlert(t0);
    clock = at(10, t0);
    const summary = await runTick(deps, clock, { jobs: [] });
    expect(summary.escalation).toMatchObject({ alertsJoined: 1, pages: 1 });
    expect(callsTo(FIRST)).toHaveLength(1);
  });
});

describe('the prefecture\'s night rota', () => {
  it('covers a centre without its own on-call person: paged after the centre\'s own chain is empty', async () => {
    await createCentre(deps.db, { code: '13-952' });
    const day = new Date('2026-12-01T08:00:00Z'); // 17:00 JST
    await withTransaction(deps.db, { actor: systemActor('test'), now: clock }, (ctx) =>
      addOnCallShift({ ctx, input: { code: '13', shift: { name: '都の夜間当番', phone: '03-5555-0000', from: day.toISOString(), to: at(16 * 60, day).toISOString(), order: 1, repeat: 'weekly', days: [1, 2, 3, 4, 5, 6, 7, 8] } } }),
    );
    const t0 = new Date('2026-12-08T13:00:00Z'); // Tuesday 22:00 JST
    const p = await createPerson(deps.db, '13-952', {}, t0);
    const raised = await withTransaction(deps.db, { actor: systemActor('test'), now: t0 }, (ctx) =>
      raiseAlert({ ctx, input: { personId: p.id, severity: 'red', reason: 'spo2_low', reasons: [], dedupeKey: `pref:${p.id}` } }),
    );
    await tick(at(10, t0));
    expect(callsTo('+81355550000')).toHaveLength(1);
    const [event] = await deps.db.select().from(alertEvents).where(and(eq(alertEvents.alertId, raised.id), eq(alertEvents.kind, 'escalated')));
    expect(event!.note).toBe('県の夜間当番1番目（都の夜間当番さん）に電話とSMSで知らせました');
  });
});
