import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, checkSessions, householdMembers, households, observations } from '../../../db/schema';
import { smsDispatcher } from '../../../src/bot/sms/dispatcher';
import { systemActor, withTransaction, type Actor } from '../../../src/domain/context';
import { startCheck } from '../../../src/domain/checks/start-check';
import { householdById } from '../../../src/domain/households/household-members';
import { carryContactChain, contactReporterOf } from '../../../src/domain/households/household-contact-session';
import { getAlert } from '../../../src/domain/alerts/get-alert';
import { listAlerts } from '../../../src/domain/alerts/list-alerts';
import { searchPatients } from '../../../src/domain/fhir/search-patients';
import { listPersons } from '../../../src/domain/persons/list-persons';
import { getStats } from '../../../src/domain/reports/stats';
import { runTick } from '../../../src/jobs/tick';
import { nextMemberIntro } from '../../../src/flows';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson, staffActor } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { prepareCall } from '../../../src/domain/channels/place-call';
import { lockSession } from '../../../src/domain/checks/session';
import { createPendingSession, runInboundJobs, sid, twilioApp, twilioPost, TWILIO_ENV } from '../twilio/helpers';

/**
 * Issue 20: a household whose reporter is a contact who is not a person (a mother of two
 * monitored children, reached by SMS). The round's prompt goes to her number naming the
 * first child; she answers for both in one conversation; a red answer is the child's alert
 * with 「回答者: 母 見守 花江」; she is in no person list, statistic or FHIR Patient search.
 */
const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
const now = new Date('2026-03-10T00:00:00Z'); // 09:00 in Tokyo
const CONTACT = '+819022240001';
let centreId: string;

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => now });
  app = await twilioApp(deps);
  centreId = (await createCentre(deps.db, { code: '13-904' })).id;
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

describe('a household whose reporter is a contact (not a person), by SMS', () => {
  it('gets the round for two children at her number, answers for both in one conversation; a red answer is the child’s alert, answered by her', async () => {
    // Each child registered with its own (different) channel: the round still goes to the contact.
    const hanako = await createPerson(deps.db, '13-904', { name: '見守 花子', dateOfBirth: '2020-12-01', preferredChannel: 'sms', phone: '090-2224-0091', roundTimes: ['09:00'] }, now);
    const taro = await createPerson(deps.db, '13-904', { name: '見守 太郎', dateOfBirth: '2018-05-01', preferredChannel: 'line', roundTimes: ['09:00'] }, now);
    const [h] = await deps.db
      .insert(households)
      .values({ responsibleCentreId: centreId, householdNumber: 'C-1', reporterPersonId: null, contactName: '見守 花江', contactRelation: '母', contactLanguage: 'ja', contactChannel: 'sms', contactAddress: CONTACT })
      .returning();
    await deps.db.insert(householdMembers).values([
      { householdId: h!.id, personId: taro.id, relation: '子', position: 2 },
      { householdId: h!.id, personId: hanako.id, relation: '子', position: 1 },
    ]);

    await runTick(deps, now);
    const created = await deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, [hanako.id, taro.id]));
    expect(created).toHaveLength(2);
    expect(created.every((s) => s.channel === 'sms')).toBe(true);
    // The worker's prompts: only 花子's (first in household order) is sent; 太郎's rides along.
    for (const s of created) await smsDispatcher.sendPrompts(deps, [s.id], 'prompt');
    const hanakos = created.find((s) => s.personId === hanako.id)!;
    const taros = created.find((s) => s.personId === taro.id)!;
    const [taroRider] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, taros.id));
    expect(taroRider).toMatchObject({ status: 'pending', source: 'household', nextActionAt: null });
    const toContact = () => twilioApi.messages.filter((m) => m.to === CONTACT);
    expect(toContact().map((m) => m.body).join('\n')).toContain('次は 花子さん（5歳）について伺います。');
    expect(twilioApi.messages.some((m) => m.to === '+819022240091')).toBe(false); // not the child's own number

    let sawTaro = false;
    for (let turn = 0; turn < 40; turn++) {
      const [t] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, taros.id));
      if (t!.status === 'completed') break;
      const last = toContact().at(-1)!.body;
      sawTaro = toContact().some((m) => m.body.includes('次は 太郎さん（7歳）について伺います。'));
      // 花子 is well; 太郎 had a seizure (red).
      const answer = last.includes('体温') ? (sawTaro ? '38.4' : '36.6') : last.includes('伝言') ? 'なし' : last.includes('けいれん') && sawTaro ? 'はい' : 'いいえ';
      expect((await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: CONTACT, To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: answer })).status).toBe(200);
      await runInboundJobs(deps);
    }
    expect(sawTaro).toBe(true);
    const sessions = await deps.db.select().from(checkSessions).where(inArray(checkSessions.id, [hanakos.id, taros.id]));
    expect(sessions.map((s) => [s.personId === hanako.id ? 'hanako' : 'taro', s.status, s.answeredByHouseholdId, s.answeredByPersonId]).sort()).toEqual([
      ['hanako', 'completed', h!.id, null],
      ['taro', 'completed', h!.id, null],
    ]);
    const obs = await deps.db.select().from(observations).where(inArray(observations.sessionId, [hanakos.id, taros.id]));
    expect(obs.length).toBeGreaterThan(2);
    expect(obs.every((o) => o.answeredByHouseholdId === h!.id)).toBe(true);
    const raised = await deps.db.select().from(alerts).where(inArray(alerts.personId, [hanako.id, taro.id]));
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ personId: taro.id, severity: 'red', sessionId: taros.id });

    // The console: 「回答者: 母 見守 花江」 on the alert page and in the queue.
    const admin: Actor = staffActor('centre_admin', { jurisdictionId: centreId });
    const as = <T>(fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor: admin, now }, fn);
    expect(await as((ctx) => getAlert({ ctx, input: { alertId: raised[0]!.id } }))).toMatchObject({ answeredBy: '母 見守 花江', answeredByPhone: CONTACT }); // the 回答者 line's 電話
    const queue = await as((ctx) => listAlerts({ ctx, input: {} }));
    expect(queue.alerts.find((a) => a.id === raised[0]!.id)?.answeredBy).toBe('母 見守 花江');

    // The contact is no person: not listed, not counted, no FHIR Patient.
    const listed = await as((ctx) => listPersons({ ctx, input: {} }));
    expect(listed.persons.map((p) => p.id).sort()).toEqual([hanako.id, taro.id].sort());
    expect(JSON.stringify(listed)).not.toContain('花江');
    expect((await as((ctx) => listPersons({ ctx, input: { q: '花江' } }))).persons).toEqual([]);
    const stats = await as((ctx) => getStats({ ctx, input: {} }));
    expect(stats.perCentre.find((c) => c.code === '13-904')).toMatchObject({ persons: 2, monitored: 2 });
    expect(stats.personsByStatus.reduce((n, r) => n + r.count, 0)).toBe(2);
    const patients = await as((ctx) => searchPatients({ ctx, input: { count: 50, offset: 0 } }));
    expect(patients.resources).toHaveLength(2);
    expect(JSON.stringify(patients.resources)).not.toContain('花江');
    expect((await as((ctx) => searchPatients({ ctx, input: { name: ['花江'], count: 50, offset: 0 } }))).resources).toEqual([]);
  }, 180_000); // some twenty webhook round trips

  it('after the contact answered for the first child, the second child carries the chain: its reminder goes to her number naming only the child still open', async () => {
    const at = now; // the reminder is sent at the dispatcher's clock (deps.now)
    const jiro = await createPerson(deps.db, '13-904', { name: '見守 次郎', dateOfBirth: '2019-01-01', preferredChannel: 'sms', roundTimes: ['09:00'] }, at);
    const saburo = await createPerson(deps.db, '13-904', { name: '見守 三郎', dateOfBirth: '2017-01-01', preferredChannel: 'sms', roundTimes: ['09:00'] }, at);
    const contact = '+819022240002';
    const [h] = await deps.db
      .insert(households)
      .values({ responsibleCentreId: centreId, householdNumber: 'C-2', reporterPersonId: null, contactName: '見守 二葉', contactRelation: '父', contactLanguage: 'ja', contactChannel: 'sms', contactAddress: contact })
      .returning();
    await deps.db.insert(householdMembers).values([
      { householdId: h!.id, personId: jiro.id, relation: '子', position: 1 },
      { householdId: h!.id, personId: saburo.id, relation: '子', position: 2 },
    ]);
    const made = await withTransaction(deps.db, { actor: systemActor('test'), now: at }, async (ctx) => {
      const ids: string[] = [];
      for (const p of [jiro, saburo]) ids.push((await startCheck({ ctx, input: { personId: p.id, channel: 'sms', source: 'patient' } })).sessionId);
      return ids;
    });
    // 次郎's check answered (by the contact) and over; 三郎's open and never begun.
    await deps.db.update(checkSessions).set({ status: 'completed', completedAt: at, nextActionAt: null, answeredByHouseholdId: h!.id }).where(eq(checkSessions.id, made[0]!));
    await deps.db.update(checkSessions).set({ status: 'pending', source: 'household', state: null, promptedAt: null, nextActionAt: null }).where(eq(checkSessions.id, made[1]!));
    await withTransaction(deps.db, { actor: systemActor('test'), now: at }, (ctx) => carryContactChain(ctx, h!.id));
    const [carrying] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, made[1]!));
    expect(carrying).toMatchObject({ status: 'prompted', promptedAt: at, nextActionAt: at });
    const before = twilioApi.messages.filter((m) => m.to === contact).length;
    await smsDispatcher.sendPrompts(deps, [made[1]!], 'reminder');
    const sent = twilioApi.messages.filter((m) => m.to === contact).slice(before).map((m) => m.body).join('\n');
    expect(sent).toContain('【再送】');
    expect(sent).toContain('三郎さんの健康観察がまだです。');
    expect(sent).not.toContain('次郎');
    expect(sent).toContain('体温'); // 三郎's first question, begun now
  }, 60_000);

  it('the chain’s call step never rings a member’s own number: a member of a contact’s household has no call placed', async () => {
    const shiro = await createPerson(deps.db, '13-904', { name: '見守 四郎', dateOfBirth: '2015-01-01', preferredChannel: 'voice', phone: '090-2224-0093' }, now);
    const [h] = await deps.db
      .insert(households)
      .values({ responsibleCentreId: centreId, householdNumber: 'C-3', reporterPersonId: null, contactName: '見守 三葉', contactRelation: '母', contactLanguage: 'ja', contactChannel: 'sms', contactAddress: '+819022240003' })
      .returning();
    await deps.db.insert(householdMembers).values({ householdId: h!.id, personId: shiro.id, relation: '子', position: 1 });
    const session = await createPendingSession(deps, shiro.id, 'voice', now);
    const call = await withTransaction(deps.db, { actor: systemActor('test'), now }, async (ctx) => prepareCall(deps, ctx, (await lockSession(ctx, session.id))!));
    expect(call).toBeNull();
    // Without the household, the same person's own number would be called.
    await deps.db.delete(householdMembers).where(eq(householdMembers.personId, shiro.id));
    const own = await withTransaction(deps.db, { actor: systemActor('test'), now }, async (ctx) => prepareCall(deps, ctx, (await lockSession(ctx, session.id))!));
    expect(own?.to).toBe('+819022240093');
  }, 60_000);
  it('STOP from the contact’s number is honoured, not taken as an answer: she is sent nothing, the children’s rounds go to their own channels, START resumes', async () => {
    const ichiro = await createPerson(deps.db, '13-904', { name: '見守 一郎', dateOfBirth: '2019-02-01', preferredChannel: 'sms', phone: '090-2224-0094', roundTimes: ['09:00'] }, now);
    const number = '+819022240004';
    const [h] = await deps.db
      .insert(households)
      .values({ responsibleCentreId: centreId, householdNumber: 'C-9', reporterPersonId: null, contactName: '見守 春子', contactRelation: '母', contactLanguage: 'ja', contactChannel: 'sms', contactAddress: number })
      .returning();
    await deps.db.insert(householdMembers).values({ householdId: h!.id, personId: ichiro.id, relation: '子', position: 1 });
    const toContact = () => twilioApi.messages.filter((m) => m.to === number).map((m) => m.body);
    const send = async (Body: string) => {
      expect((await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: number, To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body })).status).toBe(200);
      await runInboundJobs(deps);
    };
    expect(await contactReporterOf(deps.db, ichiro.id)).not.toBeNull();

    await send('停止');
    expect(toContact().at(-1)).toContain('配信を停止しました');
    const [stopped] = await deps.db.select().from(households).where(eq(households.id, h!.id));
    expect(stopped!.contactOptedOutAt).not.toBeNull();
    expect((await householdById(deps.db, h!.id))?.contact?.optedOut).toBe(true); // the household card says so
    expect(await deps.db.select().from(observations).where(eq(observations.personId, ichiro.id))).toEqual([]);
    // While she is opted out the child is reached on his own channel, and she is sent nothing.
    expect(await contactReporterOf(deps.db, ichiro.id)).toBeNull();
    const session = await createPendingSession(deps, ichiro.id, 'sms', now, '15:00');
    const before = toContact().length;
    await smsDispatcher.sendPrompts(deps, [session.id], 'prompt');
    expect(twilioApi.messages.some((m) => m.to === '+819022240094')).toBe(true);
    expect(toContact()).toHaveLength(before);

    await send('再開');
    expect(toContact().at(-1)).toContain('配信を再開しました');
    const [resumed] = await deps.db.select().from(households).where(eq(households.id, h!.id));
    expect(resumed!.contactOptedOutAt).toBeNull();
    expect(await contactReporterOf(deps.db, ichiro.id)).not.toBeNull();
  });

  it('「言語」 from the contact’s number lists the languages; 「言語 6」 switches her to Vietnamese: the card shows it and the child’s questions come in Vietnamese', async () => {
    const natsuko = await createPerson(deps.db, '13-904', { name: '見守 夏子', dateOfBirth: '2019-02-01', preferredChannel: 'sms', phone: '090-2224-0095', roundTimes: ['09:00'] }, now);
    const number = '+819022240005';
    const [h] = await deps.db
      .insert(households)
      .values({ responsibleCentreId: centreId, householdNumber: 'C-10', reporterPersonId: null, contactName: 'Nguyen Lan', contactRelation: '母', contactLanguage: 'ja', contactChannel: 'sms', contactAddress: number })
      .returning();
    await deps.db.insert(householdMembers).values({ householdId: h!.id, personId: natsuko.id, relation: '子', position: 1 });
    const toContact = () => twilioApi.messages.filter((m) => m.to === number).map((m) => m.body);
    const send = async (Body: string) => {
      expect((await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: number, To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body })).status).toBe(200);
      await runInboundJobs(deps);
    };
    await send('言語');
    expect(toContact().at(-1)).toContain('6 Tiếng Việt');
    await send('言語 6');
    expect(toContact().at(-1)).toContain('Tiếng Việt');
    expect((await householdById(deps.db, h!.id))?.contact?.language).toBe('vi'); // the household card
    expect(await deps.db.select().from(observations).where(eq(observations.personId, natsuko.id))).toEqual([]); // no answer recorded

    const session = await createPendingSession(deps, natsuko.id, 'sms', now, '15:00');
    const before = toContact().length;
    await smsDispatcher.sendPrompts(deps, [session.id], 'prompt');
    const prompt = toContact().slice(before).join('\n');
    expect(prompt).toContain(nextMemberIntro({ name: '見守 夏子', age: 7 }, 'vi', 'sms'));
    expect(prompt).not.toMatch(/体温|伺います/);
    expect(prompt).toContain('Nhiet do cua be?'); // the child's first question, in her language (an SMS wording)
  });
});
