import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { auditLog, flowAssignments, flows } from '../../db/schema';
import { createApp } from '../../src/app';
import { facilityRoundLinkJob } from '../../src/jobs/facility-round-link';
import { withTransaction } from '../../src/domain/context';
import { linkLineUser } from '../../src/domain/persons/link-channel';
import { createTestDeps, type TestDeps } from '../support/deps';
import { Client, ensureCentre, makeStaff } from './support';

const NOW = new Date('2026-11-24T00:30:00Z'); // 09:30 in Tokyo, during the 09:00 round
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let nurse: Client;

beforeAll(async () => {
  deps = await createTestDeps({ PUBLIC_BASE_URL: 'https://mimamori.test' }, { now: () => NOW });
  app = createApp(deps);
  await ensureCentre(deps, '13-601');
  await ensureCentre(deps, '13-602');
  await makeStaff(deps, { email: 'f@n.jp', role: 'nurse', jurisdictionCode: '13-601' });
  await makeStaff(deps, { email: 'other@n.jp', role: 'nurse', jurisdictionCode: '13-602' });
  nurse = new Client(app);
  await nurse.signIn('f@n.jp');
});
afterAll(async () => deps?.close());

async function register(fields: Record<string, string>): Promise<string> {
  const res = await nurse.form('/admin/persons', { classification: 'confirmed', responsibleCentreCode: '13-601', preferredChannel: 'sms', phone: '090-5555-0101', ...fields });
  expect(res.status).toBe(303);
  return res.headers.get('location')!.split('/')[3]!.split('?')[0]!;
}

const contactRow = (i: number, c: { name?: string; phone?: string; email?: string; lineUserId?: string; id?: string }) => ({
  [`contact.${i}.id`]: c.id ?? '',
  [`contact.${i}.name`]: c.name ?? '',
  [`contact.${i}.phone`]: c.phone ?? '',
  [`contact.${i}.email`]: c.email ?? '',
  [`contact.${i}.lineUserId`]: c.lineUserId ?? '',
});

describe('facility console pages (施設一括報告)', () => {
  it('registers a facility with contacts; a bad form comes back with everything typed and says what is wrong', async () => {
    const bad = await nurse.form('/admin/facilities', { kind: 'care_home', name: 'みどり園', roundTimes: '9:00 25:00', ...contactRow(0, { name: '看護師 田中', phone: '12' }) });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('value="みどり園"');
    expect(html).toContain('value="看護師 田中"');
    expect(html).toContain('時刻（09:00 の形式）で入力してください');
    expect(html).toContain('電話番号（090-1234-5678 など）で入力してください');

    const ok = await nurse.form('/admin/facilities', { kind: 'recuperation_hotel', name: 'みどりホテル', roundTimes: '９:００、15:00', ...contactRow(0, { name: '看護師 田中', phone: '090-1111-2222', email: 'tanaka@example.jp' }), ...contactRow(1, {}) });
    expect(ok.status).toBe(303);
    const page = await (await nurse.get(ok.headers.get('location')!)).text();
    expect(page).toContain('施設を登録しました');
    expect(page).toContain('宿泊療養施設');
    expect(page).toContain('報告時刻 09:00 15:00');
    expect(page).toContain('value="+819011112222"'); // stored in E.164
  });

  it('adds residents (from the centre’s list and by 患者ID), shows the list’s round state and the facility page’s rounds, alerts and who was not entered; audits every read', async () => {
    const create = await nurse.form('/admin/facilities', { kind: 'care_home', name: 'さくら苑', roundTimes: '09:00', ...contactRow(0, { name: '介護士 鈴木', phone: '090-3333-4444' }) });
    const fid = /\/admin\/facilities\/([0-9a-f-]{36})/.exec(create.headers.get('location')!)![1]!;
    const a = await register({ caseNumber: 'F-1', name: '入所 一郎', dateOfBirth: '1940-01-01' });
    const b = await register({ caseNumber: 'F-2', name: '入所 二郎', dateOfBirth: '1941-01-01' });
    await register({ caseNumber: 'F-3', name: '入所 三郎', dateOfBirth: '1942-01-01' });

    const facilityPage = await (await nurse.get(`/admin/facilities/${fid}`)).text();
    expect(facilityPage).toContain(`<option value="${a}">F-1 入所 一郎</option>`); // the centre's persons to choose from
    expect((await nurse.form(`/admin/facilities/${fid}/residents`, { personId: a, room: '101' })).status).toBe(303);
    expect((await nurse.form(`/admin/facilities/${fid}/residents`, { caseNumber: 'F-2', room: '102' })).status).toBe(303);
    const unknown = await nurse.form(`/admin/facilities/${fid}/residents`, { caseNumber: 'NOPE' });
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain('この患者IDの対象者は施設の保健所にいません');
    const twice = await nurse.form(`/admin/facilities/${fid}/residents`, { caseNumber: 'F-1' });
    expect(twice.status).toBe(409);
    const [assigned] = await deps.db.select({ key: flows.key }).from(flowAssignments).innerJoin(flows, eq(flows.id, flowAssignments.flowId)).where(eq(flowAssignments.personId, b));
    expect(assigned!.key).toBe('facility-daily');

    // Before the round is submitted: open. The link is shown on request (a staff action, audited).
    let list = await (await nurse.get('/admin/facilities')).text();
    let row = list.slice(list.indexOf(`data-facility="${fid}"`));
    expect(row).toContain('2人');
    const shown = await (await nurse.form(`/admin/facilities/${fid}/link`, {})).text();
    const path = /https:\/\/mimamori\.test(\/f\/[A-Za-z0-9_.-]+)/.exec(shown)![1]!;
    expect(shown).toContain('09:00 の回のリンク');
    list = await (await nurse.get('/admin/facilities')).text();
    row = list.slice(list.indexOf(`data-facility="${fid}"`));
    expect(row).toContain('09:00 受付中');

    // The facility's staff submit: 一郎 red (SpO2 91), 二郎 left blank.
    const body = new URLSearchParams({ [`t.${a}`]: '37.2', [`o.${a}`]: '91', [`c.${a}`]: '', [`t.${b}`]: '', [`o.${b}`]: '', [`c.${b}`]: '' });
    expect((await app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(303);

    list = await (await nurse.get('/admin/facilities')).text();
    row = list.slice(list.indexOf(`data-facility="${fid}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('09:00 入力 1/2');
    const after = await (await nurse.get(`/admin/facilities/${fid}`)).text();
    const rounds = after.slice(after.indexOf('id="facility-rounds"'), after.indexOf('id="facility-link"'));
    expect(rounds).toContain('入力 1/2');
    expect(rounds).toMatch(/<td>入所 一郎<\/td><td>入所 二郎<\/td>/); // entered / not entered
    expect(rounds).toContain('入所 一郎 緊急');
    expect(rounds).toContain('入所 二郎 注意'); // the facility's one non-responder alert

    const audits = await deps.db.select().from(auditLog).where(and(eq(auditLog.entity, 'facility'), eq(auditLog.entityId, fid), eq(auditLog.action, 'view')));
    expect(audits.length).toBeGreaterThanOrEqual(2);
    expect((audits.at(-1)!.details as { personIds: string[] }).personIds.sort()).toEqual([a, b].sort());
    const listed = await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from audit_log where action = 'list' and details->>'list' = 'facility_candidates'`);
    expect(listed[0]!.n).toBeGreaterThan(0);

    // Another centre's nurse sees neither the facility in the list nor its page.
    const other = new Client(app);
    await other.signIn('other@n.jp');
    expect(await (await other.get('/admin/facilities')).text()).not.toContain('さくら苑');
    expect((await other.get(`/admin/facilities/${fid}`)).status).toBe(404);

    // Deactivation is refused while residents remain; after they leave it goes through.
    expect((await nurse.form(`/admin/facilities/${fid}/active`, { active: 'false' })).status).toBe(409);
    for (const p of [a, b]) expect((await nurse.form(`/admin/facilities/${fid}/residents/remove`, { personId: p })).status).toBe(303);
    expect((await nurse.form(`/admin/facilities/${fid}/active`, { active: 'false' })).status).toBe(303);
    expect(await (await nurse.get('/admin/facilities')).text()).not.toContain(`data-facility="${fid}"`);
    expect(await (await nurse.get('/admin/facilities?all=1')).text()).toContain(`data-facility="${fid}"`);
    const leaves = await deps.db.select().from(auditLog).where(and(eq(auditLog.entityId, fid), eq(auditLog.action, 'facility_leave')));
    expect(leaves).toHaveLength(2);
  });

  it('changes contacts and round times (kept by id, removed when cleared); 「リンクを再送」 queues the job and the contact log lists the sends', async () => {
    const create = await nurse.form('/admin/facilities', { kind: 'group_home', name: 'ひまわりの家', roundTimes: '10:00', ...contactRow(0, { name: '世話人 A', phone: '090-7777-0001' }), ...contactRow(1, { name: '世話人 B', email: 'b@example.jp' }) });
    const fid = /\/admin\/facilities\/([0-9a-f-]{36})/.exec(create.headers.get('location')!)![1]!;
    const page = await (await nurse.get(`/admin/facilities/${fid}`)).text();
    const idA = /name="contact\.0\.id" value="([0-9a-f-]{36})"/.exec(page)![1]!;
    const save = await nurse.form(`/admin/facilities/${fid}`, { kind: 'group_home', name: 'ひまわりの家', roundTimes: '09:00 18:00', ...contactRow(0, { id: idA, name: '世話人 A（夜勤）', phone: '090-7777-0001', lineUserId: `U${'cd'.repeat(16)}` }), ...contactRow(1, {}) });
    expect(save.status).toBe(303);
    const contacts = await queryRows<{ id: string; name: string; line_user_id: string | null }>(deps.db, sql`select id, name, line_user_id from facility_contacts where facility_id = ${fid}`);
    expect(contacts).toEqual([{ id: idA, name: '世話人 A（夜勤）', line_user_id: `U${'cd'.repeat(16)}` }]);
    const badLine = await nurse.form(`/admin/facilities/${fid}`, { kind: 'group_home', name: 'ひまわりの家', roundTimes: '09:00', ...contactRow(0, { id: idA, name: '世話人 A', lineUserId: 'tanaka' }) });
    expect(badLine.status).toBe(422);
    expect(await badLine.text()).toContain('LINE ユーザーID（U と英数字32桁）で入力してください');

    // The same through the API.
    const api = await nurse.json('GET', `/api/v1/facilities/${fid}`);
    expect(api.status).toBe(200);
    expect(((await api.json()) as { contacts: { name: string }[] }).contacts.map((c) => c.name)).toEqual(['世話人 A（夜勤）']);
    const badPut = await nurse.json('PUT', `/api/v1/facilities/${fid}`, { kind: 'group_home', name: 'ひまわりの家', roundTimes: ['25:00'], contacts: [] });
    expect(badPut.status).toBe(422);
    expect((await nurse.json('GET', '/api/v1/facilities')).status).toBe(200);

    const resend = await nurse.form(`/admin/facilities/${fid}/resend`, {});
    expect(resend.status).toBe(303);
    expect(resend.headers.get('location')).toContain('flash=resent');
    const jobs = await deps.jobs.queue('rounds').getJobs(['waiting', 'delayed', 'prioritized']);
    const job = jobs.find((j) => j.name === 'facilities.round-link');
    expect(job?.data).toMatchObject({ roundId: expect.any(String), sendKey: expect.stringMatching(/^r\d+$/) });
    expect(JSON.stringify(job?.data)).not.toContain('090'); // ids only
    // Run it here (no Twilio, LINE or mail configured in this file): each route is in the contact log, failed with why.
    await facilityRoundLinkJob.handler(job!.data, deps, undefined as never);
    const log = await (await nurse.get(`/admin/facilities/${fid}`)).text();
    const section = log.slice(log.indexOf('id="contact-log"'), log.indexOf('id="facility-residents"'));
    expect(section).toContain('世話人 A（夜勤）');
    expect(section).toContain('（再送）');
    expect(section.match(/失敗<span class="muted" data-error-code="not_configured">（この送信手段はサーバーで未設定）/g)).toHaveLength(2); // SMS and LINE
  });

  it('issues a LINE link code per contact (shown once, audited; another centre’s nurse cannot), and the contact shows linked once it was sent', async () => {
    const ok = await nurse.form('/admin/facilities', { kind: 'care_home', name: 'ひかり園', roundTimes: '09:00', ...contactRow(0, { name: '介護士 鈴木', phone: '090-1111-3333' }) });
    expect(ok.status).toBe(303);
    const fid = ok.headers.get('location')!.split('/')[3]!.split('?')[0]!;
    const page = await (await nurse.get(`/admin/facilities/${fid}`)).text();
    const cid = /<li data-contact="([0-9a-f-]{36})">介護士 鈴木 — LINE未連携/.exec(page)![1]!;
    const issued = await nurse.form(`/admin/facilities/${fid}/contacts/${cid}/link-code`, {});
    expect(issued.status).toBe(200);
    const html = await issued.text();
    const digits = /id="link-code-digits">(\d{4}-\d{4}-\d{4})</.exec(html)![1]!;
    expect(html).toContain('介護士 鈴木');
    expect(html).toContain('連絡先の方に、LINEで公式アカウントを友だち追加して');
    const audits = await deps.db.select().from(auditLog).where(and(eq(auditLog.entity, 'facility_contact'), eq(auditLog.entityId, cid), eq(auditLog.action, 'issue_link_code')));
    expect(audits).toHaveLength(1);
    expect((await nurse.form(`/admin/facilities/${fid}/contacts/00000000-0000-4000-8000-000000000001/link-code`, {})).status).toBe(404);

    const other = new Client(app);
    await other.signIn('other@n.jp');
    expect((await other.form(`/admin/facilities/${fid}/contacts/${cid}/link-code`, {})).status).toBe(404);

    const user = `U${'ef'.repeat(16)}`;
    expect(await withTransaction(deps.db, { actor: { kind: 'webhook', provider: 'line' }, now: NOW }, (ctx) => linkLineUser({ ctx, input: { lineUserId: user, code: digits }, env: deps.env }))).toEqual({ status: 'linked_facility_contact', facilityContactId: cid });
    expect(await (await nurse.get(`/admin/facilities/${fid}`)).text()).toContain('介護士 鈴木 — LINE連携済み');
  });
});
