import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, checkSessions, flowAssignments, flows, householdMembers, households, persons } from '../../db/schema';
import { linkLineUser } from '../../src/domain/persons/link-channel';
import { createApp } from '../../src/app';
import { answerCheck } from '../../src/domain/checks/answer-check';
import { startCheck } from '../../src/domain/checks/start-check';
import { systemActor, withTransaction } from '../../src/domain/context';
import { createTestDeps, type TestDeps } from '../support/deps';
import { Client, ensureCentre, makeStaff } from './support';

const NOW = new Date('2026-03-10T01:00:00Z'); // 10:00 in Tokyo
let deps: TestDeps;
let nurse: Client;

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => NOW });
  const app = createApp(deps);
  await ensureCentre(deps, '13-501');
  await makeStaff(deps, { email: 'h@n.jp', role: 'nurse', jurisdictionCode: '13-501' });
  nurse = new Client(app);
  await nurse.signIn('h@n.jp');
});
afterAll(async () => deps?.close());

async function register(fields: Record<string, string>): Promise<string> {
  const res = await nurse.form('/admin/persons', { classification: 'confirmed', responsibleCentreCode: '13-501', ...fields });
  expect(res.status).toBe(303);
  return res.headers.get('location')!.split('/')[3]!.split('?')[0]!;
}

describe('households in the console', () => {
  it('registers a household from the person page, shows it on every member’s page in order, answers for the child in the queue, acts on everyone, moves a member out', async () => {
    const mother = await register({ caseNumber: 'HH-1', name: '見守 花江', phone: '090-5555-0001', preferredChannel: 'sms' });
    const child = await register({ caseNumber: 'HH-2', name: '見守 花子', dateOfBirth: '2020-12-01' });
    const [flow] = await deps.db.select({ key: flows.key }).from(flowAssignments).innerJoin(flows, eq(flows.id, flowAssignments.flowId)).where(eq(flowAssignments.personId, child));
    expect(flow!.key).toBe('child-daily'); // chosen by age

    expect(await (await nurse.get(`/admin/persons/${mother}`)).text()).toContain('世帯に登録されていません');
    expect((await nurse.form(`/admin/persons/${mother}/household`, { relation: '母', householdNumber: 'S-7' })).status).toBe(303);
    const page1 = await (await nurse.get(`/admin/persons/${mother}`)).text();
    const hid = /action="\/admin\/households\/([0-9a-f-]{36})\/members"/.exec(page1)![1]!;
    const added = await nurse.form(`/admin/households/${hid}/members`, { caseNumber: 'HH-2', relation: '子' });
    expect(added.status).toBe(303);
    const unknown = await nurse.form(`/admin/households/${hid}/members`, { caseNumber: 'NOPE' });
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain('この患者IDの対象者は世帯の保健所にいません');

    const childPage = await (await nurse.get(`/admin/persons/${child}`)).text();
    const section = childPage.slice(childPage.indexOf('id="person-household"'));
    expect(section).toContain('世帯番号 S-7');
    expect(section.indexOf('見守 花江')).toBeLessThan(section.indexOf('見守 花子')); // the reporter first
    expect(section).toContain('（母）');
    expect(section).toContain('5歳');

    // The mother answers her child's check (proxy): a red answer is the child's alert, "answered by 母 見守 花江" in the queue.
    const { sessionId } = await withTransaction(deps.db, { actor: systemActor('test'), now: NOW }, (ctx) => startCheck({ ctx, input: { personId: child, channel: 'sms', source: 'patient' } }));
    const asMother = { kind: 'patient' as const, personId: mother, channel: 'sms' as const };
    await withTransaction(deps.db, { actor: asMother, now: NOW }, async (ctx) => {
      await answerCheck({ ctx, input: { sessionId, input: { type: 'message', text: '37.0' }, channel: 'sms' } });
      await answerCheck({ ctx, input: { sessionId, input: { type: 'message', text: 'はい' }, channel: 'sms' } });
    });
    const queue = await (await nurse.get('/admin')).text();
    expect(queue).toContain('回答者: 母 見守 花江');
    const alertId = /data-alert-id="([0-9a-f-]{36})"/.exec(queue)![1]!;
    expect(await (await nurse.get(`/admin/alerts/${alertId}`)).text()).toContain('回答者: 母 見守 花江');

    // The whole household at once: change the channel, then send a check now.
    expect((await nurse.form(`/admin/households/${hid}/act`, { action: 'set_channel', channel: 'sms' })).status).toBe(303);
    const channels = await deps.db.select({ c: persons.preferredChannel }).from(persons).where(inArray(persons.id, [mother, child]));
    expect(channels.map((c) => c.c)).toEqual(['sms', 'sms']);
    await deps.db.update(checkSessions).set({ status: 'completed' }).where(eq(checkSessions.id, sessionId));
    expect((await nurse.form(`/admin/households/${hid}/act`, { action: 'send_check' })).status).toBe(303);
    const open = await deps.db.select().from(checkSessions).where(and(inArray(checkSessions.personId, [mother, child]), eq(checkSessions.status, 'pending')));
    expect(open.map((s) => [s.personId === mother ? 'mother' : 'child', s.source]).sort()).toEqual([['child', 'household'], ['mother', 'manual']]);

    // The reporter cannot leave while the child remains; the child can move out.
    expect((await nurse.form(`/admin/households/${hid}/remove`, { personId: mother })).status).toBe(409);
    expect((await nurse.form(`/admin/households/${hid}/remove`, { personId: child })).status).toBe(303);
    expect(await deps.db.select().from(householdMembers).where(eq(householdMembers.personId, child))).toHaveLength(0);
  });

  it('registers a child together with the household from the person form (報告者の患者ID); an unknown reporter keeps what was typed', async () => {
    const form = await (await nurse.get('/admin/persons/new')).text();
    expect(form).toContain('name="householdReporterCase"');
    const father = await register({ caseNumber: 'HH-10', name: '見守 健', phone: '090-5555-0010' });
    const child = await register({ caseNumber: 'HH-11', name: '見守 陽', dateOfBirth: '2023-01-01', householdReporterCase: 'HH-10', householdRelation: '子' });
    const page = await (await nurse.get(`/admin/persons/${father}`)).text();
    expect(page.slice(page.indexOf('id="person-household"'))).toContain('見守 陽');
    expect(await deps.db.select().from(householdMembers).where(eq(householdMembers.personId, child))).toHaveLength(1);
    const refused = await nurse.form('/admin/persons', { classification: 'confirmed', responsibleCentreCode: '13-501', caseNumber: 'HH-12', name: '見守 空', householdReporterCase: 'NOPE' });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain('この患者IDの報告者がこの保健所にいません');
    expect(html).toContain('value="NOPE"');
    expect(await deps.db.select().from(persons).where(eq(persons.caseNumber, 'HH-12'))).toHaveLength(0); // one transaction: not registered either
  });

  it('sets a reporter who is not registered on the household card: a phone in any dash form, shown domestic; a bad one keeps nothing', async () => {
    const child = await register({ caseNumber: 'HH-31', name: '見守 三郎', dateOfBirth: '2019-04-01' });
    expect((await nurse.form(`/admin/persons/${child}/household`, { relation: '子', householdNumber: 'S-21' })).status).toBe(303);
    const page = await (await nurse.get(`/admin/persons/${child}`)).text();
    const hid = /action="\/admin\/households\/([0-9a-f-]{36})\/contact"/.exec(page)![1]!;
    expect(page).toContain('登録外の報告者');
    const bad = await nurse.form(`/admin/households/${hid}/contact`, { contactName: '見守 花江', contactRelation: '母', contactChannel: 'sms', contactAddress: '090-12' });
    expect(bad.status).toBe(422);
    expect(await (await nurse.get(`/admin/persons/${child}`)).text()).not.toContain('id="household-contact"');
    const ok = await nurse.form(`/admin/households/${hid}/contact`, { contactName: '見守 花江', contactRelation: '母', contactLanguage: 'vi', contactChannel: 'sms', contactAddress: '０９０－５５５５－０１２１' });
    expect(ok.status).toBe(303);
    const after = await (await nurse.get(`/admin/persons/${child}`)).text();
    const shown = after.slice(after.indexOf('id="household-contact"'), after.indexOf('id="household-contact-form"'));
    expect(shown).toContain('報告者: 見守 花江 （母）');
    expect(shown).toContain('href="tel:09055550121"'); // the nurse's 「電話」
    expect(shown).toContain('電話 090-5555-0121');
    expect(shown).toContain('ベトナム語');
    // Voice: a phone, and a language with an automated voice — Nepali is refused in Japanese, suggesting SMS.
    const nepali = await nurse.form(`/admin/households/${hid}/contact`, { contactName: '見守 花江', contactLanguage: 'ne', contactChannel: 'voice', contactAddress: '090-5555-0121' });
    expect(nepali.status).toBe(422);
    expect(await nepali.text()).toContain('この言語の自動音声はありません。SMS か Web を選んでください');
    expect((await nurse.form(`/admin/households/${hid}/contact`, { contactName: '見守 花江', contactLanguage: 'ja', contactChannel: 'voice', contactAddress: '' })).status).toBe(422);
    expect((await nurse.form(`/admin/households/${hid}/contact`, { contactName: '見守 花江', contactLanguage: 'ja', contactChannel: 'voice', contactAddress: '090-5555-0121' })).status).toBe(303);
    const voice = await (await nurse.get(`/admin/persons/${child}`)).text();
    expect(voice.slice(voice.indexOf('id="household-contact"'), voice.indexOf('id="household-contact-form"'))).toContain('自動音声電話');
    // One stored on voice in Nepali before (an older import): the card says she is sent the web link instead.
    await deps.db.update(households).set({ contactLanguage: 'ne' }).where(eq(households.id, hid));
    expect(await (await nurse.get(`/admin/persons/${child}`)).text()).toContain('ネパール語の自動音声はありません。電話を選んでも、健康観察はSMSのリンク（Web）で届きます。');
  });

  it('a reporter reached by LINE: the card says she is not linked, issues her link code (shown once, audited), says linked once she sent it, and unlinks', async () => {
    const child = await register({ caseNumber: 'HH-41', name: '見守 四郎', dateOfBirth: '2019-04-01' });
    expect((await nurse.form(`/admin/persons/${child}/household`, { relation: '子', householdNumber: 'S-41' })).status).toBe(303);
    const hid = /action="\/admin\/households\/([0-9a-f-]{36})\/contact"/.exec(await (await nurse.get(`/admin/persons/${child}`)).text())![1]!;
    // No contact yet: no code to issue.
    expect((await nurse.form(`/admin/households/${hid}/contact/link-code`, {})).status).toBe(409);
    expect((await nurse.form(`/admin/households/${hid}/contact`, { contactName: '見守 花江', contactRelation: '母', contactChannel: 'line', contactAddress: '' })).status).toBe(303);
    const card = await (await nurse.get(`/admin/persons/${child}`)).text();
    expect(card).toContain('報告者に連絡できません（LINE未連携・電話番号なし）'); // no phone either: nobody reaches her yet
    expect(card).toContain(`action="/admin/households/${hid}/contact/link-code"`);
    expect(card).not.toContain('LINE連携を解除');

    const issued = await nurse.form(`/admin/households/${hid}/contact/link-code`, {});
    expect(issued.status).toBe(200);
    const html = await issued.text();
    const digits = /id="link-code-digits">(\d{4}-\d{4}-\d{4})</.exec(html)![1]!;
    expect(html).toContain('報告者に、LINEで公式アカウントを友だち追加して');
    const [audit] = await deps.db.select().from(auditLog).where(and(eq(auditLog.entity, 'household'), eq(auditLog.entityId, hid), eq(auditLog.action, 'issue_link_code')));
    expect(audit!.personId).toBe(child);
    expect(JSON.stringify(audit!.details)).not.toContain(digits.replace(/-/g, ''));

    // She sends it in LINE (the webhook's verb): the card says linked.
    const user = `U${'cd'.repeat(16)}`;
    const linked = await withTransaction(deps.db, { actor: { kind: 'webhook', provider: 'line' }, now: NOW }, (ctx) => linkLineUser({ ctx, input: { lineUserId: user, code: digits }, env: deps.env }));
    expect(linked).toEqual({ status: 'linked_contact', householdId: hid });
    const after = await (await nurse.get(`/admin/persons/${child}`)).text();
    expect(after).toContain('LINE連携済み');
    expect(after).not.toContain(user); // her LINE user id is never shown
    expect((await deps.db.select().from(households).where(eq(households.id, hid)))[0]).toMatchObject({ contactLineUserId: user, contactAddress: null });
    expect((await nurse.form(`/admin/households/${hid}/contact/unlink-line`, {})).status).toBe(303);
    const [h] = await deps.db.select().from(households).where(eq(households.id, hid));
    expect(h).toMatchObject({ contactChannel: 'line', contactAddress: null, contactLineUserId: null }); // no phone to return to: still LINE, unlinked
    expect(await (await nurse.get(`/admin/persons/${child}`)).text()).toContain('報告者に連絡できません（LINE未連携・電話番号なし）');
  });

  it('facilities through the API: register, move residents in, get the round link a facility’s tablet opens', async () => {
    const created = await nurse.json('POST', '/api/v1/facilities', { kind: 'recuperation_hotel', name: 'ホテル見守', roundTimes: ['09:00'], contacts: [{ name: '受付 佐藤', phone: '+819088880000' }] });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const a = await register({ caseNumber: 'HH-20', name: '宿泊 一' });
    const b = await register({ caseNumber: 'HH-21', name: '宿泊 二' });
    for (const [p, room] of [[a, '301'], [b, '302']] as const) expect((await nurse.json('POST', `/api/v1/facilities/${id}/residents`, { personId: p, room })).status).toBe(201);
    expect((await nurse.json('POST', `/api/v1/facilities/${id}/residents`, { personId: a })).status).toBe(409);
    const link = (await (await nurse.json('POST', `/api/v1/facilities/${id}/round-link`)).json()) as { path: string; url: string };
    expect(link.path).toMatch(/^\/f\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const page = await (await nurse.get(link.path)).text();
    expect(page).toContain('301 宿泊 一');
    expect(page).toContain('302 宿泊 二');
    const [assigned] = await deps.db.select({ key: flows.key }).from(flowAssignments).innerJoin(flows, eq(flows.id, flowAssignments.flowId)).where(eq(flowAssignments.personId, a));
    expect(assigned!.key).toBe('facility-daily');
    expect((await nurse.json('DELETE', `/api/v1/facilities/${id}/residents/${b}`)).status).toBe(200);
    expect(await (await nurse.get(link.path)).text()).not.toContain('宿泊 二');
  });
});
