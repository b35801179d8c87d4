import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, checkSessions, lineMulticasts, persons, personStatusHistory } from '../../db/schema';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { answerDailyCheck, dailyAnswers } from './fixtures';
import { bearer, ensureCentre, makeStaff, makeToken } from './support';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let nurseA: ReturnType<typeof bearer>;
let created: string;

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-701');
  await makeStaff(deps, { email: 'n@a.jp', role: 'nurse', jurisdictionCode: '13-701' });
  nurseA = bearer(app, await makeToken(deps, 'n@a.jp'));
});
afterAll(async () => {
  await deps?.close();
});

const person = { caseNumber: 'A-001', name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1948-02-03', sex: 'male', phone: '090-1111-2222', classification: 'confirmed', riskFactors: ['diabetes'], onsetDate: '2026-04-28' };

describe('POST /api/v1/persons', () => {
  it('registers a person at the nurse\'s centre', async () => {
    const res = await nurseA('POST', '/api/v1/persons', person);
    expect(res.status).toBe(201);
    created = (await res.json()).id;
    const [row] = await deps.db.select().from(persons).where(eq(persons.id, created));
    expect(row!.phone).toBe('+819011112222');
    expect(row!.status).toBe('home_recuperation');
  });

  it('answers 422 with the field and a message, and 409 for a duplicate case number', async () => {
    const res = await nurseA('POST', '/api/v1/persons', { ...person, caseNumber: 'A-002', name: '', dateOfBirth: '3 Feb' });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['dateOfBirth', 'name']);
    expect(body.fields[0].message).toBeTruthy();
    expect((await nurseA('POST', '/api/v1/persons', person)).status).toBe(409);
    const notJson = await app.request('/api/v1/persons', { method: 'POST', body: 'name=x', headers: { authorization: (await tokenHeader()), 'content-type': 'application/json' } });
    expect(notJson.status).toBe(422);
  });
});

async function tokenHeader() {
  return `Bearer ${await makeToken(deps, 'n@a.jp')}`;
}

describe('GET and PATCH /api/v1/persons/:id', () => {
  it('reads the record and writes an audit row', async () => {
    const res = await nurseA('GET', `/api/v1/persons/${created}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.person.name).toBe('山田 太郎');
    expect(body.person.age).toBeGreaterThan(70);
    expect(body.channels.map((c: { kind: string }) => c.kind).sort()).toEqual(['sms', 'voice']);
    const audits = await deps.db.select().from(auditLog).where(and(eq(auditLog.personId, created), eq(auditLog.action, 'read')));
    expect(audits.length).toBeGreaterThan(0);
    expect(audits[0]!.actorKind).toBe('token');
  });

  it('edits fields, lists the changed ones, and refuses unknown fields with 422', async () => {
    const res = await nurseA('PATCH', `/api/v1/persons/${created}`, { address: '東京都新宿区1-1', nameKana: 'ヤマダ タロウ' });
    expect(res.status).toBe(200);
    expect((await res.json()).changed).toEqual(['address']);
    const bad = await nurseA('PATCH', `/api/v1/persons/${created}`, { shoeSize: 27 });
    expect(bad.status).toBe(422);
    const badPhone = await nurseA('PATCH', `/api/v1/persons/${created}`, { phone: 'call me' });
    expect((await badPhone.json()).fields[0].field).toBe('phone');
  });

  it('changes status to hospitalized with history, cancelling open checks; moves the planned end', async () => {
    const sent = await nurseA('POST', `/api/v1/persons/${created}/checks`, {});
    expect(sent.status).toBe(202);
    const { sessionId, channel } = await sent.json();
    expect(channel).toBe('sms'); // preferred LINE is not linked: falls back to SMS
    const res = await nurseA('PATCH', `/api/v1/persons/${created}`, { status: 'hospitalized', statusNote: '入院調整済み' });
    expect(res.status).toBe(200);
    const [session] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, sessionId));
    expect(session!.status).toBe('cancelled');
    const history = await deps.db.select().from(personStatusHistory).where(eq(personStatusHistory.personId, created));
    expect(history.map((h) => h.status)).toContain('hospitalized');
    expect((await nurseA('POST', `/api/v1/persons/${created}/checks`, {})).status).toBe(409);
    await nurseA('PATCH', `/api/v1/persons/${created}`, { status: 'home_recuperation' });
    const moved = await nurseA('PATCH', `/api/v1/persons/${created}`, { monitoringPlannedEnd: '2099-05-20' });
    expect(moved.status).toBe(200);
    const [row] = await deps.db.select().from(persons).where(eq(persons.id, created));
    expect(row!.monitoringPlannedEnd).toBe('2099-05-20');
    expect(row!.dischargeDate).not.toBeNull();
  });
});

describe('link codes, send check now, observations', () => {
  it('issues a 6-digit link code with a QR code', async () => {
    const res = await nurseA('POST', `/api/v1/persons/${created}/link-code`);
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.code).toMatch(/^\d{4}-\d{4}-\d{4}$/);
    expect(body.qrDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(body.qrDataUrl.split(',')[1], 'base64').toString()).toContain('<svg');
  });

  it('sends a check now: a pending manual session and a dispatch job with the session as id', async () => {
    const res = await nurseA('POST', `/api/v1/persons/${created}/checks`, { channel: 'voice' });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toMatchObject({ channel: 'voice', queued: true });
    const [session] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, body.sessionId));
    expect(session).toMatchObject({ status: 'pending', source: 'manual', channel: 'voice' });
    expect((await nurseA('POST', `/api/v1/persons/${created}/checks`, { channel: 'fax' })).status).toBe(422);
  });

  it('lists check sessions and observations', async () => {
    await answerDailyCheck(deps, created, dailyAnswers('37.9', 'のどが痛い'));
    const res = await nurseA('GET', `/api/v1/persons/${created}/observations`);
    expect(res.status).toBe(200);
    const body = await res.json();
    const temp = body.observations.find((o: { questionId: string }) => o.questionId === 'temperature');
    expect(temp.valueNumber).toBe(37.9);
    expect(body.observations.some((o: { raw: string }) => o.raw === 'のどが痛い')).toBe(true);
    expect((await nurseA('GET', `/api/v1/persons/${created}/observations?from=yesterday`)).status).toBe(422);
  });

  it('shows a check a LINE multicast sent as sent before the tick marks it prompted', async () => {
    const [pending] = await deps.db.select().from(checkSessions).where(and(eq(checkSessions.personId, created), eq(checkSessions.status, 'pending')));
    const shown = async () => ((await (await nurseA('GET', `/api/v1/persons/${created}/observations`)).json()) as { sessions: { id: string; status: string }[] }).sessions.find((x) => x.id === pending!.id)!.status;
    expect(await shown()).toBe('pending');
    await deps.db.insert(lineMulticasts).values({ kind: 'prompt', retryKey: `obs-test-${pending!.id}`, personIds: [created], sessionIds: [pending!.id], status: 'sent', providerMessageId: 'req-1', sentAt: new Date() });
    expect(await shown()).toBe('prompted');
  });

  it('serves an OpenAPI document describing every endpoint', async () => {
    const res = await app.request('/api/v1/openapi.json');
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, method] of [['/persons', 'post'], ['/persons/{id}', 'get'], ['/persons/{id}', 'patch'], ['/persons/{id}/link-code', 'post'], ['/persons/{id}/checks', 'post'], ['/persons/{id}/observations', 'get'], ['/alerts', 'get'], ['/alerts/{id}/acknowledge', 'post'], ['/alerts/{id}/resolve', 'post']] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(doc.paths['/persons'].post.requestBody.content['application/json'].schema.properties.name).toBeDefined();
    expect(doc.paths['/alerts/{id}/resolve'].post.requestBody.content['application/json'].schema.properties.outcome.enum).toContain('called_ambulance');
  });
});

describe('PUT /api/v1/households/{id}/contact', () => {
  it('sets a reporter contact who is not a person; a bad number is a 422 that changes nothing', async () => {
    const child = await (await nurseA('POST', '/api/v1/persons', { ...person, caseNumber: 'A-HH1', name: '見守 花子', dateOfBirth: '2020-12-01', phone: undefined })).json();
    const { id } = await (await nurseA('POST', '/api/v1/households', { reporterPersonId: child.id })).json();
    const bad = await nurseA('PUT', `/api/v1/households/${id}/contact`, { name: '見守 花江', relation: '母', channel: 'sms', address: '090-12' });
    expect(bad.status).toBe(422);
    expect((await (await nurseA('GET', `/api/v1/persons/${child.id}/household`)).json()).contact).toBeNull();
    const ok = await nurseA('PUT', `/api/v1/households/${id}/contact`, { name: '見守 花江', relation: '母', channel: 'sms', address: '090−1234−5678' });
    expect(ok.status).toBe(200);
    expect((await ok.json()).contact).toMatchObject({ name: '見守 花江', address: '090-1234-5678' });
    const view = await (await nurseA('GET', `/api/v1/persons/${child.id}/household`)).json();
    expect(view.contact).toMatchObject({ name: '見守 花江', relation: '母', channel: 'sms' });
    const doc = await (await app.request('/api/v1/openapi.json')).json();
    expect(doc.paths['/households/{id}/contact'].put.requestBody.content['application/json'].schema.properties.channel.enum).toContain('sms');
  });
});
