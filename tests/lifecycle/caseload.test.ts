import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makeAlert, makePerson } from '../admin/fixtures';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from '../admin/support';

// 担当 and 電話連絡: assignment (one nurse, round-robin over a team, reassignment), the
// triage queue filtered to "mine", and "lost to follow-up" only after the centre's number
// of unsuccessful calls.
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let admin: ReturnType<typeof bearer>;
let nurseA: ReturnType<typeof bearer>;
let nurseB: ReturnType<typeof bearer>;
const ids: Record<string, string> = {};
let persons: string[] = [];

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-501');
  await ensureCentre(deps, '13-502');
  ids.admin = await makeStaff(deps, { email: 'adm@cl.jp', role: 'centre_admin', jurisdictionCode: '13-501' });
  ids.a = await makeStaff(deps, { email: 'a@cl.jp', role: 'nurse', jurisdictionCode: '13-501', displayName: '看護師A' });
  ids.b = await makeStaff(deps, { email: 'b@cl.jp', role: 'nurse', jurisdictionCode: '13-501', displayName: '看護師B' });
  ids.c = await makeStaff(deps, { email: 'c@cl.jp', role: 'nurse', jurisdictionCode: '13-501', displayName: '看護師C' });
  ids.other = await makeStaff(deps, { email: 'o@cl.jp', role: 'nurse', jurisdictionCode: '13-502' });
  admin = bearer(app, await makeToken(deps, 'adm@cl.jp'));
  nurseA = bearer(app, await makeToken(deps, 'a@cl.jp'));
  nurseB = bearer(app, await makeToken(deps, 'b@cl.jp'));
  persons = [];
  for (let i = 0; i < 6; i++) persons.push(await makePerson(deps, '13-501', { name: `担当 太郎${i}`, nameKana: `タントウ タロウ${i}` }));
  ids.foreign = await makePerson(deps, '13-502');
});
afterAll(async () => deps?.close());

const caseload = async (api: ReturnType<typeof bearer>, query = '') => (await (await api('GET', `/api/v1/caseload${query}`)).json()) as { persons: { id: string; staff: { id: string } | null; team: { id: string } | null }[] };

describe('caseloads', () => {
  it('assigns persons to a nurse; the nurse sees them as "mine", the other nurse does not', async () => {
    const res = await nurseA('POST', '/api/v1/caseload/assign', { personIds: persons.slice(0, 2), staffId: ids.a });
    expect(res.status).toBe(200);
    expect((await caseload(nurseA)).persons.map((p) => p.id).sort()).toEqual(persons.slice(0, 2).sort());
    expect((await caseload(nurseB)).persons).toEqual([]);
  });

  it('refuses a person of another centre and changes nothing', async () => {
    const res = await nurseA('POST', '/api/v1/caseload/assign', { personIds: [persons[2], ids.foreign], staffId: ids.b });
    expect(res.status).toBe(422);
    expect((await res.json()).messageJa).toContain('自所の対象者ではない人');
    expect((await caseload(nurseB)).persons).toEqual([]);
  });

  it('spreads persons round-robin over a team, fewest persons first', async () => {
    const team = (await (await admin('POST', '/api/v1/caseload/teams', { name: 'A班' })).json()) as { id: string };
    for (const s of [ids.a, ids.b, ids.c]) expect((await admin('POST', `/api/v1/caseload/teams/${team.id}/members`, { staffId: s })).status).toBe(204);
    const res = await admin('POST', '/api/v1/caseload/assign', { personIds: persons.slice(2, 6), teamId: team.id, roundRobin: true });
    const { assigned } = (await res.json()) as { assigned: { staffId: string }[] };
    const per = (s: string) => assigned.filter((x) => x.staffId === s).length;
    // A already has 2, so B and C get the first turns: B 2, C 1, A 1 (or B 1, C 2) — never A twice.
    expect(per(ids.a!)).toBe(1);
    expect(per(ids.b!) + per(ids.c!)).toBe(3);
    expect(Math.abs(per(ids.b!) - per(ids.c!))).toBe(1);
    // A team member also sees the team's unassigned-to-them persons as theirs (by team).
    expect((await caseload(nurseB)).persons.length).toBe(4);
  });

  it('reassigns a nurse\'s persons to another nurse (a nurse is off)', async () => {
    const before = (await caseload(nurseA, '?view=staff&staffId=' + ids.a)).persons.map((p) => p.id).sort();
    const res = await admin('POST', '/api/v1/caseload/reassign', { fromStaffId: ids.a, staffId: ids.b });
    expect(((await res.json()) as { assigned: unknown[] }).assigned).toHaveLength(before.length);
    expect((await caseload(nurseA, '?view=staff&staffId=' + ids.a)).persons).toEqual([]);
    const ofB = (await caseload(nurseB, '?view=staff&staffId=' + ids.b)).persons.map((p) => p.id);
    for (const id of before) expect(ofB).toContain(id);
  });

  it('bulk-assigns from the console\'s 担当 page (select many)', async () => {
    const web = new Client(app);
    await web.signIn('c@cl.jp');
    const extra = [await makePerson(deps, '13-501', { nameKana: 'ア イチ' }), await makePerson(deps, '13-501', { nameKana: 'ア ニ' })];
    const unassigned = await (await web.get('/admin/caseload?view=unassigned')).text();
    for (const id of extra) expect(unassigned).toContain(`data-person-id="${id}"`);
    const res = await web.form('/admin/caseload/assign', { personIds: extra, staffId: ids.c! });
    expect(res.status).toBe(303);
    const mine = await (await web.get('/admin/caseload')).text();
    expect(mine).toContain('担当一覧');
    for (const id of extra) expect(mine).toContain(`data-person-id="${id}"`);
    const none = await web.form('/admin/caseload/assign', { staffId: ids.c! });
    expect(none.status).toBe(422);
    expect(await none.text()).toContain('入力してください');
  });

  it('filters the triage queue to "mine" (persons of my caseload, and alerts assigned to me)', async () => {
    const mineAlert = await makeAlert(deps, persons[0]!); // persons[0] is B's now
    const otherAlert = await makeAlert(deps, ids.foreign!);
    const notMine = await makePerson(deps, '13-501');
    const notMineAlert = await makeAlert(deps, notMine);
    const listed = async (api: ReturnType<typeof bearer>, q: string) => ((await (await api('GET', `/api/v1/alerts${q}`)).json()) as { alerts: { id: string }[] }).alerts.map((a) => a.id);
    expect(await listed(nurseB, '?mine=1')).toContain(mineAlert);
    expect(await listed(nurseB, '?mine=1')).not.toContain(notMineAlert);
    expect(await listed(nurseB, '')).toContain(notMineAlert);
    expect(await listed(nurseA, '?mine=1')).not.toContain(mineAlert);
    expect(await listed(nurseB, '?mine=1')).not.toContain(otherAlert);
    // The console's queue has the same filter as a checkbox.
    const web = new Client(app);
    await web.signIn('b@cl.jp');
    const page = await (await web.get('/admin?mine=1')).text();
    expect(page).toContain('自分の担当のみ');
    expect(page).toContain(mineAlert);
    expect(page).not.toContain(notMineAlert);
  });
});

describe('staff calls and lost to follow-up', () => {
  it('a third unsuccessful call allows "lost to follow-up", listing the calls; not before', async () => {
    const p = persons[1]!;
    expect((await nurseA('POST', `/api/v1/persons/${p}/calls`, { outcome: 'no_answer', note: '呼び出し音のみ' })).status).toBe(201);
    expect((await nurseA('POST', `/api/v1/persons/${p}/calls`, { outcome: 'wrong_number' })).status).toBe(201);
    const early = await nurseA('POST', `/api/v1/persons/${p}/lost-to-follow-up`, {});
    expect(early.status).toBe(409);
    expect((await early.json()).messageJa).toBe('追跡不能にするには、つながらなかった電話連絡が3回以上必要です（現在2回）');
    expect((await nurseA('POST', `/api/v1/persons/${p}/calls`, { outcome: 'no_answer' })).status).toBe(201);
    const ok = await nurseA('POST', `/api/v1/persons/${p}/lost-to-follow-up`, { note: '3回不通' });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { callIds: string[] };
    expect(body.callIds).toHaveLength(3);
    const [row] = await queryRows<{ status: string; monitoring_end_reason: string }>(deps.db, sql`select status, monitoring_end_reason from persons where id = ${p}`);
    expect(row).toEqual({ status: 'monitoring_ended', monitoring_end_reason: 'lost_to_follow_up' });
    const audit = await queryRows<{ action: string }>(deps.db, sql`select action from audit_log where person_id = ${p} and action in ('record_call', 'declare_lost') order by id`);
    expect(audit.map((a) => a.action)).toEqual(['record_call', 'record_call', 'record_call', 'declare_lost']);
    const rec = (await (await nurseA('GET', `/api/v1/persons/${p}/calls`)).json()) as { lost: { calls: { id: string }[] } };
    expect(rec.lost.calls.map((c) => c.id).sort()).toEqual([...body.callIds].sort());
  });

  it('a call that reached the person starts the count again; the centre may set another number', async () => {
    const p = persons[2]!;
    for (const outcome of ['no_answer', 'no_answer', 'reached', 'no_answer']) await nurseA('POST', `/api/v1/persons/${p}/calls`, { outcome });
    expect((await nurseA('POST', `/api/v1/persons/${p}/lost-to-follow-up`, {})).status).toBe(409);
    expect((await admin('PUT', '/api/v1/caseload/settings', { unsuccessfulCallsBeforeLost: 1 })).status).toBe(200);
    expect((await nurseA('POST', `/api/v1/persons/${p}/lost-to-follow-up`, {})).status).toBe(200);
  });

  it('shows the calls on the person page beside the automated messages, in Japanese, with the note escaped', async () => {
    const p = persons[3]!;
    await nurseA('POST', `/api/v1/persons/${p}/calls`, { outcome: 'refused', note: '<b>電話を切られた</b>' });
    const web = new Client(app);
    await web.signIn('a@cl.jp');
    const page = await (await web.get(`/admin/persons/${p}`)).text();
    const card = page.slice(page.indexOf('id="person-caseload"'));
    expect(card).toContain('電話連絡');
    expect(card).toContain('拒否');
    expect(card).toContain('&lt;b&gt;電話を切られた&lt;/b&gt;');
    expect(page.indexOf('id="contact-attempts"') === -1 || page.indexOf('id="contact-attempts"') < page.indexOf('id="person-caseload"')).toBe(true);
    const bad = await web.form(`/admin/persons/${p}/calls`, { outcome: 'maybe', note: '大事なメモ' });
    expect(bad.status).toBe(422);
    const text = await bad.text();
    expect(text).toContain('選択肢から選んでください');
    expect(text).toContain('大事なメモ'); // what was typed is not lost
  });

  it('refuses bad input with clear errors', async () => {
    const res = await nurseA('POST', `/api/v1/persons/${persons[4]}/calls`, { outcome: 'reached', calledAt: '2099-01-01T00:00:00Z' });
    expect(res.status).toBe(422);
    expect((await res.json()).messageJa).toContain('未来の日時');
    expect((await nurseA('POST', `/api/v1/persons/${ids.foreign}/calls`, { outcome: 'reached' })).status).toBe(404);
  });
});
