import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { alertEvents, alerts, auditLog, staffUsers } from '../../db/schema';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { answerDailyCheck, dailyAnswers, makeAlert, makePerson } from './fixtures';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from './support';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let nurseA: Client;
let nurseA2: Client;
let personA: string;
let personB: string;

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-801');
  await ensureCentre(deps, '13-802');
  await makeStaff(deps, { email: 'a1@c.jp', role: 'nurse', jurisdictionCode: '13-801', displayName: '佐藤 看護師' });
  await makeStaff(deps, { email: 'a2@c.jp', role: 'nurse', jurisdictionCode: '13-801', displayName: '鈴木 看護師' });
  await makeStaff(deps, { email: 'b1@c.jp', role: 'nurse', jurisdictionCode: '13-802' });
  personA = await makePerson(deps, '13-801', { name: '田中 一郎' });
  personB = await makePerson(deps, '13-802', { name: '別所 次郎' });
  await answerDailyCheck(deps, personA, dailyAnswers('39.8', '息が少し苦しいです'));
  nurseA = new Client(app);
  await nurseA.signIn('a1@c.jp');
  nurseA2 = new Client(app);
  await nurseA2.signIn('a2@c.jp');
});
afterAll(async () => {
  await deps?.close();
});

describe('the alert queue', () => {
  it('lists red first, then oldest, only in scope, and audits the list', async () => {
    const amberOld = await makeAlert(deps, personA, { severity: 'amber' });
    const redNew = await makeAlert(deps, personA, { severity: 'red' });
    const otherCentre = await makeAlert(deps, personB);
    const res = await nurseA.get('/admin');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.indexOf(redNew)).toBeGreaterThan(0);
    expect(html.indexOf(redNew)).toBeLessThan(html.indexOf(amberOld));
    expect(html).not.toContain(otherCentre);
    expect(html).not.toContain('別所');
    const api = await nurseA.json('GET', '/api/v1/alerts?status=open');
    const body = await api.json();
    expect(body.alerts.map((a: { id: string }) => a.id)).not.toContain(otherCentre);
    expect(body.alerts[0].severity).toBe('red');
    const lists = await deps.db.select().from(auditLog).where(eq(auditLog.action, 'list'));
    expect(lists.length).toBeGreaterThan(0);
  });

  it('filters by severity and status', async () => {
    const amber = await makeAlert(deps, personA, { severity: 'amber' });
    const red = await makeAlert(deps, personA, { severity: 'red' });
    const res = await nurseA.json('GET', '/api/v1/alerts?severity=amber');
    const body = await res.json();
    expect(body.alerts.map((a: { id: string }) => a.id)).toContain(amber);
    expect(body.alerts.length).toBeGreaterThan(0);
    expect(body.alerts.every((a: { severity: string }) => a.severity === 'amber')).toBe(true);
    expect(body.alerts.map((a: { id: string }) => a.id)).not.toContain(red);

    // Resolved alerts leave the default queue and are found with status=resolved (API and page).
    await nurseA.json('POST', `/api/v1/alerts/${amber}/resolve`, { outcome: 'no_action_needed' });
    const open = await (await nurseA.json('GET', '/api/v1/alerts')).json();
    expect(open.alerts.map((a: { id: string }) => a.id)).not.toContain(amber);
    const resolved = await (await nurseA.json('GET', '/api/v1/alerts?status=resolved')).json();
    expect(resolved.alerts.map((a: { id: string }) => a.id)).toContain(amber);
    expect(resolved.alerts.every((a: { status: string }) => a.status === 'resolved')).toBe(true);
    const page = await (await nurseA.get('/admin?status=resolved')).text();
    expect(page).toContain(amber);
    expect(page).not.toContain(red);
    expect(page).toMatch(/<option value="resolved" selected="">/);

    const bad = await nurseA.json('GET', '/api/v1/alerts?status=nonsense');
    expect(bad.status).toBe(422);
    expect((await bad.json()).fields[0].field).toBe('status.0');
  });

  it('filters by reason (API and page)', async () => {
    const silent = await makeAlert(deps, personA, { severity: 'amber', reason: 'non_responder', reasons: [] });
    const fever = await makeAlert(deps, personA);
    const api = await (await nurseA.json('GET', '/api/v1/alerts?reason=non_responder')).json();
    expect(api.alerts.map((a: { id: string }) => a.id)).toEqual([silent]);
    const html = await (await nurseA.get('/admin?reason=non_responder')).text();
    expect(html).toContain(silent);
    expect(html).not.toContain(fever);
    expect(html).toMatch(/<option value="non_responder" selected="">未回答<\/option>/);
  });

  it('filters by health centre for an officer who sees several (API and page)', async () => {
    await makeStaff(deps, { email: 'pref@c.jp', role: 'prefecture_officer', jurisdictionCode: '13' });
    const inA = await makeAlert(deps, personA);
    const inB = await makeAlert(deps, personB);
    const pref = bearer(app, await makeToken(deps, 'pref@c.jp'));
    const all = (await (await pref('GET', '/api/v1/alerts?limit=500')).json()).alerts.map((a: { id: string }) => a.id);
    expect(all).toEqual(expect.arrayContaining([inA, inB]));
    const onlyB = await (await pref('GET', '/api/v1/alerts?centre=13-802')).json();
    expect(onlyB.alerts.map((a: { id: string }) => a.id)).toContain(inB);
    expect(onlyB.alerts.every((a: { centre: { code: string } }) => a.centre.code === '13-802')).toBe(true);
    const officer = new Client(app);
    await officer.signInWithTotp('pref@c.jp');
    const html = await (await officer.get('/admin?centre=13-802')).text();
    expect(html).toMatch(/<select name="centre">[\s\S]*<option value="13-802" selected="">/);
    expect(html).toContain(inB);
    expect(html).not.toContain(inA);
  });
});

describe('acting on an alert', () => {
  it('shows why, the risk factors, the phone and the recent answers; audited as a read', async () => {
    const id = await makeAlert(deps, personA);
    const res = await nurseA.get(`/admin/alerts/${id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('38.5℃以上の発熱');
    // The reason's values in words (issue 18: never a raw key or E.164): 体温 39.8℃, the risk factor by name, the phone in domestic form.
    expect(html).toContain('体温 39.8℃');
    expect(html).toContain('糖尿病');
    expect(html).not.toContain('diabetes');
    expect(html).toContain('090-1234-5678');
    expect(html).not.toContain('>+819012345678<');
    expect(html).toContain('息が少し苦しいです');
    const reads = await deps.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    expect(reads.some((r) => r.action === 'read' && r.personId === personA)).toBe(true);
  });

  it('acknowledge: the second nurse sees who took it (409, page and API)', async () => {
    const id = await makeAlert(deps, personA);
    const [first, second] = await Promise.all([nurseA.json('POST', `/api/v1/alerts/${id}/acknowledge`), nurseA2.json('POST', `/api/v1/alerts/${id}/acknowledge`)]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = first.status === 409 ? first : second;
    const conflict = await loser.json();
    expect(conflict.status).toBe('acknowledged');
    expect(['佐藤 看護師', '鈴木 看護師']).toContain(conflict.by);
    expect(conflict.message).toBe(`already taken by ${conflict.by}`);
    expect(conflict.messageJa).toBe(`${conflict.by}さんがすでに対応中です`);

    const id2 = await makeAlert(deps, personA);
    expect((await nurseA.form(`/admin/alerts/${id2}/acknowledge`, {})).status).toBe(303);
    const page = await nurseA2.form(`/admin/alerts/${id2}/acknowledge`, {});
    expect(page.status).toBe(409);
    expect(await page.text()).toContain('佐藤 看護師さんが対応中です');
  });

  it('assigns, notes and resolves with an outcome; a second resolve is a conflict', async () => {
    const id = await makeAlert(deps, personA);
    const detail = await (await nurseA.json('GET', `/api/v1/alerts/${id}`)).json();
    expect(detail.person.riskFactors).toEqual(['diabetes']);
    const staff = await nurseA.get(`/admin/alerts/${id}`);
    const nurse2Id = /<option value="([^"]+)"[^>]*>鈴木 看護師/.exec(await staff.text())![1]!;
    expect((await nurseA.json('POST', `/api/v1/alerts/${id}/assign`, { staffId: nurse2Id })).status).toBe(200);
    expect((await nurseA.json('POST', `/api/v1/alerts/${id}/notes`, { note: '本人に電話、折り返し待ち' })).status).toBe(201);
    expect((await nurseA.json('POST', `/api/v1/alerts/${id}/notes`, { note: '' })).status).toBe(422);
    const bad = await nurseA.json('POST', `/api/v1/alerts/${id}/resolve`, { outcome: 'shrugged' });
    expect(bad.status).toBe(422);
    expect((await bad.json()).fields[0].field).toBe('outcome');
    const ok = await nurseA2.form(`/admin/alerts/${id}/resolve`, { outcome: 'arranged_admission', note: '入院調整済み' });
    expect(ok.status).toBe(303);
    const [row] = await deps.db.select().from(alerts).where(eq(alerts.id, id));
    expect(row!.status).toBe('resolved');
    expect(row!.outcome).toBe('arranged_admission');
    expect(row!.assignedTo).toBe(nurse2Id);
    const again = await nurseA.json('POST', `/api/v1/alerts/${id}/resolve`, { outcome: 'called' });
    expect(again.status).toBe(409);
    const refused = await again.json();
    expect(refused).toMatchObject({ code: 'conflict', by: '鈴木 看護師', message: 'already resolved by 鈴木 看護師', messageJa: '鈴木 看護師さんがすでに完了にしました' });
    // Taking a resolved alert is refused the same way, in both languages.
    const take = await (await nurseA.json('POST', `/api/v1/alerts/${id}/acknowledge`)).json();
    expect(take).toMatchObject({ status: 'resolved', messageJa: '鈴木 看護師さんがすでに完了にしました' });
    const events = await deps.db.select().from(alertEvents).where(eq(alertEvents.alertId, id));
    expect(events.map((e) => e.kind).sort()).toEqual(['assigned', 'noted', 'raised', 'resolved']);
  });

  it('offers in the assign dropdown only the staff who may take the alert', async () => {
    const id = await makeAlert(deps, personA);
    // Someone still attached to the centre whose role no longer takes alerts (a role change), and a disabled nurse.
    const [centre] = await deps.db.select({ id: alerts.centreId }).from(alerts).where(eq(alerts.id, id));
    await deps.db.insert(staffUsers).values([
      { email: 'moved@c.jp', displayName: '異動 済子', passwordHash: 'x', role: 'prefecture_officer', jurisdictionId: centre!.id },
      { email: 'gone@c.jp', displayName: '退職 済男', passwordHash: 'x', role: 'nurse', jurisdictionId: centre!.id, disabled: true },
    ]);
    const html = await (await nurseA.get(`/admin/alerts/${id}`)).text();
    const options = [...(/<select name="staffId"[^>]*>([\s\S]*?)<\/select>/.exec(html)![1]!).matchAll(/<option value="([^"]+)"[^>]*>([^<]+)</g)];
    expect(options.map((o) => o[2]).sort()).toEqual(['佐藤 看護師', '鈴木 看護師']);
    for (const [, staffId] of options) expect((await nurseA.json('POST', `/api/v1/alerts/${id}/assign`, { staffId })).status).toBe(200);
  });

  it('answers 404 for an alert of another centre, in pages and API, and for a malformed id', async () => {
    const other = await makeAlert(deps, personB);
    expect((await nurseA.get(`/admin/alerts/${other}`)).status).toBe(404);
    expect((await nurseA.json('GET', `/api/v1/alerts/${other}`)).status).toBe(404);
    expect((await nurseA.json('POST', `/api/v1/alerts/${other}/acknowledge`)).status).toBe(404);
    expect((await nurseA.json('POST', `/api/v1/alerts/${other}/resolve`, { outcome: 'called' })).status).toBe(404);
    expect((await nurseA.get('/admin/alerts/not-a-uuid')).status).toBe(404);
    const [row] = await deps.db.select().from(alerts).where(eq(alerts.id, other));
    expect(row!.status).toBe('open');
  });

  it('works with a bearer token too (no CSRF needed)', async () => {
    const id = await makeAlert(deps, personA);
    const call = bearer(app, await makeToken(deps, 'a1@c.jp'));
    expect((await call('POST', `/api/v1/alerts/${id}/acknowledge`)).status).toBe(200);
    expect((await call('POST', `/api/v1/alerts/${id}/resolve`, { outcome: 'no_action_needed' })).status).toBe(200);
  });
});
