import { and, desc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alerts, auditLog, checkSessions, staffUsers, facilityContacts, householdMembers, households, jurisdictions, observations } from '../../../db/schema';
import { PersonHouseholdCard } from '../../../src/admin/pages/persons/person-household';
import { lineDispatcher } from '../../../src/bot/line/dispatcher';
import { senderKeyOf } from '../../../src/bot/line/intake';
import { systemActor, withTransaction, type Actor } from '../../../src/domain/context';
import { getAlert } from '../../../src/domain/alerts/get-alert';
import { issueHouseholdContactLinkCode, unlinkHouseholdContactLine } from '../../../src/domain/households/household-contact-line';
import { householdById } from '../../../src/domain/households/household-members';
import { issueFacilityContactLinkCode } from '../../../src/domain/facilities/facility-contact-line';
import { issueFacilityRoundLink, facilityRoundKeys } from '../../../src/domain/facilities/facility-round';
import { createFacility } from '../../../src/domain/facilities/facility-verbs';
import { facilityRoundLinkJob } from '../../../src/jobs/facility-round-link';
import { runTick } from '../../../src/jobs/tick';
import { runDispatch } from '../../../src/jobs/dispatch';
import { staffActor } from '../../support/fixtures';
import { buttonsOf, clock, lineEvent, newUserId, postbackEvent, registerPatient, say, setupLine, textEvent, type LineTest } from './helpers';

/**
 * Issue 20 on LINE: a household whose reporter is a contact who is not a person (a mother of
 * two monitored children) links her LINE by a code staff issued on the household card; the
 * round goes to her LINE naming the first child, she answers for both in one conversation,
 * a red answer is the child's alert answered by her; blocking the account stops it. A
 * facility's staff contact links the same way and gets the round link by LINE.
 */
let t: LineTest;
let centreId: string;
let nurse: Actor;
beforeAll(async () => {
  t = await setupLine();
  const [c] = await t.deps.db.select().from(jurisdictions).where(eq(jurisdictions.code, t.centreCode));
  centreId = c!.id;
  nurse = staffActor('nurse', { jurisdictionId: c!.id, jurisdictionPath: c!.path });
  // The nurse who issues codes (enrollment_codes.created_by).
  await t.deps.db.insert(staffUsers).values({ id: (nurse as { staffId: string }).staffId, email: 'nurse@minato.test', displayName: '保健師 見守', passwordHash: 'x', role: 'nurse', jurisdictionId: c!.id }).onConflictDoNothing();
});
afterAll(async () => t.close());
beforeEach(() => t.line.reset());

type Calls = Awaited<ReturnType<typeof say>>;
const allText = (calls: Calls): string => calls.flatMap((c) => (c.body?.messages ?? []).map((m: { text: string }) => m.text)).join('\n');
const lastText = (calls: Calls): string => (calls.at(-1)?.body?.messages ?? []).at(-1)?.text ?? '';
const asNurse = <T>(fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(t.deps.db, { actor: nurse, now: clock.at }, fn);

/** A household of two children (花子 5, 一郎 8) whose reporter is 母 見守 花江, not a person; her channel LINE, not linked yet. */
async function contactHousehold(number: string) {
  const hanako = await registerPatient(t, { name: '見守 花子', dateOfBirth: '2020-12-01', preferredChannel: 'sms', phone: '090-3334-0001', roundTimes: ['09:00'] });
  const ichiro = await registerPatient(t, { name: '見守 一郎', dateOfBirth: '2017-06-01', preferredChannel: 'sms', phone: '090-3334-0002', roundTimes: ['09:00'] });
  const [h] = await t.deps.db
    .insert(households)
    .values({ responsibleCentreId: centreId, householdNumber: number, reporterPersonId: null, contactName: '見守 花江', contactRelation: '母', contactLanguage: 'ja', contactChannel: 'line' })
    .returning();
  await t.deps.db.insert(householdMembers).values([
    { householdId: h!.id, personId: hanako, relation: '子', position: 1 },
    { householdId: h!.id, personId: ichiro, relation: '子', position: 2 },
  ]);
  return { householdId: h!.id, hanako, ichiro };
}

/** Staff issue the code on the card; the mother adds the account and sends it. */
async function linkMother(householdId: string): Promise<{ user: string; reply: Calls }> {
  const { code } = await asNurse((ctx) => issueHouseholdContactLinkCode({ ctx, input: { householdId }, env: t.deps.env }));
  const user = newUserId();
  await say(t, lineEvent(user, 'follow'));
  return { user, reply: await say(t, textEvent(user, code)) };
}

/** Answer what each message asks (buttons by `press`, typed temperature, 「なし」 otherwise) until `stop` sees the reply. */
async function answerUntil(user: string, from: Calls, press: (questionId: string) => string, temperature: string, stop: (text: string) => boolean): Promise<Calls> {
  let last = from;
  for (let step = 0; step < 40; step++) {
    if (step > 0 && stop(allText(last))) return last;
    const buttons = buttonsOf(last);
    if (buttons.length) {
      const want = press(new URLSearchParams(buttons[0]!.data).get('q')!);
      last = await say(t, postbackEvent(user, (buttons.find((b) => new URLSearchParams(b.data).get('v') === want) ?? buttons[0]!).data));
    } else if (lastText(last).includes('体温')) last = await say(t, textEvent(user, temperature));
    else last = await say(t, textEvent(user, 'なし'));
  }
  throw new Error(`did not reach the expected reply: ${allText(last)}`);
}

describe('a household whose reporter is a contact (not a person), on LINE', () => {
  it('she links by code, gets the round for both children on LINE in one conversation; a red answer is the child’s alert, answered by her', async () => {
    const { householdId, hanako, ichiro } = await contactHousehold('L-1');
    const { user, reply } = await linkMother(householdId);
    expect(allText(reply)).toContain('連携が完了しました。みなと保健所から、ご家族の健康観察');
    const [h] = await t.deps.db.select().from(households).where(eq(households.id, householdId));
    expect(h).toMatchObject({ contactChannel: 'line', contactLineUserId: user, contactAddress: null, contactOptedOutAt: null });
    const audited = await t.deps.db.select().from(auditLog).where(and(eq(auditLog.entityId, householdId), eq(auditLog.action, 'link_channel')));
    expect(audited).toHaveLength(1);
    expect(JSON.stringify(audited[0]!.details)).not.toContain(user); // no LINE id in the audit

    await runTick(t.deps, clock.at);
    const created = await t.deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, [hanako, ichiro]));
    expect(created.map((s) => s.channel)).toEqual(['line', 'line']); // not the children's own SMS
    t.line.reset();
    // A hint left from another question (a typed 「はい」 was red there) must not outlive the prompt that asks a new one.
    const herKey = await senderKeyOf(user);
    await t.deps.jobs.typedRedHints.remember(new Map([[herKey, { kind: 'yes' as const }]]));
    await runDispatch(t.deps, 'line', created.map((s) => s.id), 'prompt'); // the round's batch, as the worker's job sends it (then marks them prompted)
    expect(t.line.of('multicast')).toHaveLength(0);
    expect((await t.deps.jobs.typedRedHints.read([herKey])).size).toBe(0); // a 5-year-old's temperature is red at no reading
    const pushes = t.line.of('push');
    expect(pushes.map((p) => p.body.to)).toEqual([user]); // one prompt, to her: 一郎's rides along
    expect(allText(pushes)).toContain('次は 花子さん（5歳）について伺います。');
    const ichiros = created.find((s) => s.personId === ichiro)!;
    expect((await t.deps.db.select().from(checkSessions).where(eq(checkSessions.id, ichiros.id)))[0]).toMatchObject({ status: 'pending', source: 'household', nextActionAt: null });

    const toIchiro = await answerUntil(user, pushes, () => 'no', '36.6', (x) => x.includes('次は 一郎さん'));
    expect(allText(toIchiro)).toContain('次は 一郎さん（8歳）について伺います。');
    await answerUntil(user, toIchiro, (q) => (q === 'convulsion' ? 'yes' : 'no'), '38.4', (x) => x.includes('ご回答ありがとうございました'));

    const sessions = await t.deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, [hanako, ichiro]));
    expect(sessions.map((s) => [s.personId === hanako ? 'hanako' : 'ichiro', s.status, s.answeredByHouseholdId, s.answeredByPersonId]).sort()).toEqual([
      ['hanako', 'completed', householdId, null],
      ['ichiro', 'completed', householdId, null],
    ]);
    const obs = await t.deps.db.select().from(observations).where(inArray(observations.sessionId, sessions.map((s) => s.id)));
    expect(obs.every((o) => o.answeredByHouseholdId === householdId)).toBe(true);
    expect(obs.find((o) => o.personId === ichiro && o.questionId === 'temperature')!.valueNumber).toBe(38.4);
    const raised = await t.deps.db.select().from(alerts).where(inArray(alerts.personId, [hanako, ichiro]));
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ personId: ichiro, severity: 'red', sessionId: ichiros.id });
    expect(await asNurse((ctx) => getAlert({ ctx, input: { alertId: raised[0]!.id } }))).toMatchObject({ answeredBy: '母 見守 花江', answeredByPhone: null }); // she gave no phone
  }, 180_000);

  it('blocking the account stops sending to her: the next round goes to the children’s own channels and the card says so; adding it again resumes', async () => {
    const { householdId, hanako, ichiro } = await contactHousehold('L-2');
    const { user } = await linkMother(householdId);
    clock.at = new Date(clock.at.getTime() + 24 * 3600_000); // the next day
    await runTick(t.deps, clock.at);
    const today = await t.deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, [hanako, ichiro]));
    await lineDispatcher.sendPrompts(t.deps, today.map((s) => s.id), 'prompt');
    const prompted = t.line.of('push');
    expect(prompted.map((p) => p.body.to)).toEqual([user]);
    // No answer yet: the reminder goes to her LINE, naming both children, with 花子's question again.
    const carrier = today.find((s) => s.personId === hanako)!;
    t.line.reset();
    await lineDispatcher.sendPrompts(t.deps, [carrier.id], 'reminder');
    const [reminder] = t.line.of('push');
    expect(reminder!.body.to).toBe(user);
    expect(allText([reminder!])).toContain('ご回答がまだ');
    expect(allText([reminder!])).toContain('花子さん、一郎さんの健康観察がまだです。');
    expect(lastText([reminder!])).toBe(lastText(prompted)); // the question it waits on

    t.line.reset();
    expect(await say(t, lineEvent(user, 'unfollow'))).toEqual([]);
    expect((await householdById(t.deps.db, householdId))!.contact).toMatchObject({ channel: 'line', optedOut: true });
    // Her open check's next reminder is not sent to her.
    await t.deps.db.update(checkSessions).set({ remindersSent: 1 }).where(eq(checkSessions.id, carrier.id));
    await lineDispatcher.sendPrompts(t.deps, [carrier.id], 'reminder');
    expect(t.line.calls.filter((c) => c.body?.to === user)).toEqual([]);
    // The next round: each child's own channel (SMS), nothing for her.
    clock.at = new Date(clock.at.getTime() + 24 * 3600_000);
    await runTick(t.deps, clock.at);
    const next = await t.deps.db.select().from(checkSessions).where(and(inArray(checkSessions.personId, [hanako, ichiro]), eq(checkSessions.localDate, today[0]!.localDate.replace(/\d\d$/, (d) => String(Number(d) + 1).padStart(2, '0')))));
    expect(next.map((s) => s.channel)).toEqual(['sms', 'sms']);

    // She adds the account again: welcomed back, and the waiting question of 花子 is shown.
    const back = await say(t, lineEvent(user, 'follow'));
    expect((await householdById(t.deps.db, householdId))!.contact!.optedOut).toBeUndefined();
    expect(allText(back)).toContain('おかえりなさい');

    // Unlinking on the card: her LINE is forgotten (audited), and a code is needed again.
    expect(await asNurse((ctx) => unlinkHouseholdContactLine({ ctx, input: { householdId } }))).toEqual({ unlinked: true });
    expect((await householdById(t.deps.db, householdId))!.contact).toMatchObject({ channel: 'line', address: null }); // no phone: still LINE, not linked
    expect((await householdById(t.deps.db, householdId))!.contact!.lineLinked).toBeUndefined();
    expect(allText(await say(t, textEvent(user, 'こんにちは')))).toContain('12桁の連携コード');
  }, 60_000);

  it('a wrong or expired code gets the same reply as a person’s, and links nothing', async () => {
    const { householdId } = await contactHousehold('L-3');
    const { code } = await asNurse((ctx) => issueHouseholdContactLinkCode({ ctx, input: { householdId }, env: t.deps.env }));
    const user = newUserId();
    const wrong = code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
    expect(allText(await say(t, textEvent(user, wrong)))).toContain('連携コードが正しくないか、有効期限が切れています');
    clock.at = new Date(clock.at.getTime() + 73 * 3600_000); // past the 72 hours
    expect(allText(await say(t, textEvent(user, code)))).toContain('連携コードが正しくないか、有効期限が切れています');
    const [h] = await t.deps.db.select().from(households).where(eq(households.id, householdId));
    expect(h!.contactLineUserId).toBeNull();
  });

  it('a contact on SMS with a phone links LINE: the phone is kept (the card’s 電話 and the alert’s nurse can call it), the round goes to LINE; unlinking returns her to SMS at the same phone', async () => {
    const { householdId, hanako } = await contactHousehold('L-4');
    const phone = '+819033349999';
    await t.deps.db.update(households).set({ contactChannel: 'sms', contactAddress: phone }).where(eq(households.id, householdId));
    const { user, reply } = await linkMother(householdId);
    expect(allText(reply)).toContain('連携が完了しました');
    const [h] = await t.deps.db.select().from(households).where(eq(households.id, householdId));
    expect(h).toMatchObject({ contactChannel: 'line', contactLineUserId: user, contactAddress: phone });
    const view = (await householdById(t.deps.db, householdId))!;
    expect(view.contact).toMatchObject({ channel: 'line', address: '090-3334-9999', lineLinked: true });
    const card = String(await PersonHouseholdCard({ lang: 'ja', csrf: 'x', personId: hanako, today: '2026-12-05', household: view }));
    expect(card).toContain('href="tel:09033349999"');
    expect(card).toContain('LINE連携済み');
    expect(card).not.toContain(user);

    // The next round goes to her LINE, not her phone.
    clock.at = new Date(clock.at.getTime() + 24 * 3600_000);
    await runTick(t.deps, clock.at);
    const [s] = await t.deps.db.select().from(checkSessions).where(eq(checkSessions.personId, hanako)).orderBy(desc(checkSessions.dueAt)).limit(1);
    expect(s!.channel).toBe('line');
    await lineDispatcher.sendPrompts(t.deps, [s!.id], 'prompt');
    expect(t.line.of('push').map((p) => p.body.to)).toEqual([user]);

    expect(await asNurse((ctx) => unlinkHouseholdContactLine({ ctx, input: { householdId } }))).toEqual({ unlinked: true });
    const [back] = await t.deps.db.select().from(households).where(eq(households.id, householdId));
    expect(back).toMatchObject({ contactChannel: 'sms', contactAddress: phone, contactLineUserId: null });
    expect((await householdById(t.deps.db, householdId))!.contact).toEqual({ name: '見守 花江', relation: '母', language: 'ja', channel: 'sms', address: '090-3334-9999' });
    // The day after: the children's checks go to her phone by SMS again.
    clock.at = new Date(clock.at.getTime() + 24 * 3600_000);
    await runTick(t.deps, clock.at);
    const [next] = await t.deps.db.select().from(checkSessions).where(eq(checkSessions.personId, hanako)).orderBy(desc(checkSessions.dueAt)).limit(1);
    expect(next!.channel).toBe('sms');
  }, 60_000);
});

describe('a facility’s staff contact on LINE', () => {
  it('links by a code from the facility page, and the round link reaches them by LINE', async () => {
    const { id: facilityId } = await asNurse((ctx) => createFacility({ ctx, input: { responsibleCentreId: centreId, kind: 'care_home', name: 'さくら苑', roundTimes: ['09:00'], contacts: [{ name: '介護士 鈴木' }] } }));
    const [contact] = await t.deps.db.select().from(facilityContacts).where(eq(facilityContacts.facilityId, facilityId));
    const { code, contactName } = await asNurse((ctx) => issueFacilityContactLinkCode({ ctx, input: { facilityId, contactId: contact!.id }, env: t.deps.env }));
    expect(contactName).toBe('介護士 鈴木');
    const user = newUserId();
    expect(allText(await say(t, textEvent(user, code)))).toContain('さくら苑の健康観察の一括報告のリンクを、このトークでお送りします');
    expect((await t.deps.db.select().from(facilityContacts).where(eq(facilityContacts.id, contact!.id)))[0]!.lineUserId).toBe(user);
    expect(allText(await say(t, textEvent(user, 'よろしく')))).toContain('報告はリンク先のページで');

    const { roundId } = await asNurse((ctx) => issueFacilityRoundLink({ ctx, input: { facilityId }, keys: facilityRoundKeys(t.deps.env) }));
    t.line.reset();
    await facilityRoundLinkJob.handler({ roundId, sendKey: 'auto' }, t.deps, {} as Parameters<typeof facilityRoundLinkJob.handler>[2]);
    const [push] = t.line.of('push');
    expect(push!.body.to).toBe(user);
    expect(allText([push!])).toContain('さくら苑');
  });
});
