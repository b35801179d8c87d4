import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { alerts, auditLog, checkSessions, persons } from '../../db/schema';
import { createApp } from '../../src/app';
import { startCheck } from '../../src/domain/checks/start-check';
import { systemActor, withTransaction } from '../../src/domain/context';
import { addDays, localDateOf } from '../../src/domain/time';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makeAlert, makePerson } from './fixtures';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from './support';

/** Transfer, unsharing, the "ending soon" list and ending monitoring through the API. */
let deps: TestDeps;
let nurseA: ReturnType<typeof bearer>;
let nurseB: ReturnType<typeof bearer>;
let pageA: Client;

beforeAll(async () => {
  deps = await createTestDeps({ WORKERS: 'off' });
  const app = createApp(deps);
  await ensureCentre(deps, '13-711');
  await ensureCentre(deps, '13-712');
  await makeStaff(deps, { email: 'mv-a@n.jp', role: 'nurse', jurisdictionCode: '13-711' });
  await makeStaff(deps, { email: 'mv-b@n.jp', role: 'nurse', jurisdictionCode: '13-712' });
  nurseA = bearer(app, await makeToken(deps, 'mv-a@n.jp'));
  nurseB = bearer(app, await makeToken(deps, 'mv-b@n.jp'));
  pageA = new Client(app);
  await pageA.signIn('mv-a@n.jp');
});
afterAll(async () => deps?.close());

const list = async (call: ReturnType<typeof bearer>, name: string) =>
  ((await (await call('GET', `/api/v1/persons?list=${name}&limit=200`)).json()).persons as { id: string }[]).map((p) => p.id);

describe('moving a person between health centres', () => {
  it('transfers: the new centre takes the person and the open alerts; the old one loses access', async () => {
    const id = await makePerson(deps, '13-711', { caseNumber: 'MV-1' });
    const alert = await makeAlert(deps, id);
    const res = await nurseA('POST', `/api/v1/persons/${id}/transfer`, { centreCode: '13-712' });
    expect(res.status).toBe(200);
    const [row] = await deps.db.select().from(persons).where(eq(persons.id, id));
    const [centreB] = await deps.db.select({ id: alerts.centreId }).from(alerts).where(eq(alerts.id, alert));
    expect(row!.responsibleCentreId).toBe(centreB!.id);
    expect((await nurseA('GET', `/api/v1/persons/${id}`)).status).toBe(404);
    expect((await nurseB('GET', `/api/v1/persons/${id}`)).status).toBe(200);
    expect(((await (await nurseB('GET', '/api/v1/alerts')).json()).alerts as { id: string }[]).map((a) => a.id)).toContain(alert);
    const [audit] = await deps.db.select().from(auditLog).where(and(eq(auditLog.personId, id), eq(auditLog.action, 'transfer')));
    expect(audit!.details).toMatchObject({ to: row!.responsibleCentreId });
  });

  it('transfers from the person page too, landing back on the list', async () => {
    const id = await makePerson(deps, '13-711', { caseNumber: 'MV-2' });
    const res = await pageA.form(`/admin/persons/${id}/transfer`, { centreCode: '13-712' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/persons?saved=1');
    expect((await pageA.get(`/admin/persons/${id}`)).status).toBe(404);
  });

  it('shares and stops sharing: the other centre sees the person only while shared', async () => {
    const id = await makePerson(deps, '13-711', { caseNumber: 'MV-3' });
    expect((await nurseB('GET', `/api/v1/persons/${id}`)).status).toBe(404);
    expect((await nurseA('POST', `/api/v1/persons/${id}/shares`, { centreCode: '13-712' })).status).toBe(201);
    expect((await nurseB('GET', `/api/v1/persons/${id}`)).status).toBe(200);
    expect((await nurseA('DELETE', `/api/v1/persons/${id}/shares/13-712`)).status).toBe(204);
    expect((await nurseB('GET', `/api/v1/persons/${id}`)).status).toBe(404);
    // From the page as well.
    await nurseA('POST', `/api/v1/persons/${id}/shares`, { centreCode: '13-712' });
    expect((await pageA.form(`/admin/persons/${id}/unshare`, { centreCode: '13-712' })).status).toBe(303);
    expect((await nurseB('GET', `/api/v1/persons/${id}`)).status).toBe(404);
    const actions = (await deps.db.select().from(auditLog).where(eq(auditLog.personId, id))).map((r) => r.action);
    expect(actions.filter((a) => a === 'unshare')).toHaveLength(2);
  });
});

describe('the end of monitoring', () => {
  it('"ending soon" lists monitored persons whose planned end is within two days (local date)', async () => {
    const today = localDateOf(deps.now(), 'Asia/Tokyo');
    const soon = await makePerson(deps, '13-711', { caseNumber: 'MV-S1', monitoringPlannedEnd: addDays(today, 1) });
    const later = await makePerson(deps, '13-711', { caseNumber: 'MV-S2', monitoringPlannedEnd: addDays(today, 5) });
    const none = await makePerson(deps, '13-711', { caseNumber: 'MV-S3' });
    const onList = await list(nurseA, 'ending_soon');
    expect(onList).toContain(soon);
    expect(onList).not.toContain(later);
    expect(onList).not.toContain(none);
    const html = await (await pageA.get('/admin/persons?list=ending_soon')).text();
    expect(html).toContain(`/admin/persons/${soon}`);
    expect(html).not.toContain(`/admin/persons/${later}`);
  });

  it('POST /persons/:id/end-monitoring ends it now: status, open checks cancelled, audited; a second call is a conflict', async () => {
    const id = await makePerson(deps, '13-711', { caseNumber: 'MV-E1' });
    const { sessionId } = await withTransaction(deps.db, { actor: systemActor('test'), now: deps.now() }, (ctx) => startCheck({ ctx, input: { personId: id, channel: 'sms', source: 'manual' } }));
    expect((await nurseB('POST', `/api/v1/persons/${id}/end-monitoring`, { reason: '範囲外' })).status).toBe(404);
    const res = await nurseA('POST', `/api/v1/persons/${id}/end-monitoring`, { reason: '症状消失のため' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ personId: id });
    const [row] = await deps.db.select().from(persons).where(eq(persons.id, id));
    expect(row).toMatchObject({ status: 'monitoring_ended', monitoringEndReason: '症状消失のため' });
    expect(row!.monitoringActualEnd).toBe(localDateOf(deps.now(), 'Asia/Tokyo'));
    const [session] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, sessionId));
    expect(session!.status).toBe('cancelled');
    expect((await deps.db.select().from(auditLog).where(and(eq(auditLog.personId, id), eq(auditLog.action, 'end_monitoring')))).length).toBe(1);
    expect(await list(nurseA, 'ended')).toContain(id);
    const again = await nurseA('POST', `/api/v1/persons/${id}/end-monitoring`, {});
    expect(again.status).toBe(409);
  });
});
