import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, persons } from '../../db/schema';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makeAlert, makePerson } from '../admin/fixtures';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from '../admin/support';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let nurseA: ReturnType<typeof bearer>;
let ownId: string;
let otherId: string;
const MISSING = '6f1c2b7e-0d4a-4c5e-9a3b-2e7f8d9c0a1b';

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-995');
  await ensureCentre(deps, '13-996');
  await makeStaff(deps, { email: 'acc-a@a.jp', role: 'nurse', jurisdictionCode: '13-995' });
  nurseA = bearer(app, await makeToken(deps, 'acc-a@a.jp'));
  ownId = await makePerson(deps, '13-995', { caseNumber: 'OWN-1', name: '自所 一郎' });
  otherId = await makePerson(deps, '13-996', { caseNumber: 'OTHER-1', name: '他所 二郎' });
});
afterAll(async () => {
  await deps?.close();
});

const count = async () => (await deps.db.select({ n: sql<number>`count(*)::int` }).from(persons))[0]!.n;
const snapshot = async (id: string) => JSON.stringify((await deps.db.select().from(persons).where(eq(persons.id, id)))[0]);

describe("another centre's person: cannot be changed, exported or even confirmed to exist", () => {
  it('every write answers exactly what a missing id answers, and changes nothing', async () => {
    const before = await snapshot(otherId);
    const calls: [string, string, unknown][] = [
      ['PATCH', '', { nameKana: 'カイザン' }],
      ['POST', '/link-code', {}],
      ['POST', '/checks', {}],
      ['POST', '/transfer', { centreCode: '13-995' }],
      ['POST', '/shares', { centreCode: '13-995' }],
      ['GET', '/observations', undefined],
    ];
    for (const [method, suffix, body] of calls) {
      const other = await nurseA(method, `/api/v1/persons/${otherId}${suffix}`, body);
      const missing = await nurseA(method, `/api/v1/persons/${MISSING}${suffix}`, body);
      expect([other.status, suffix]).toEqual([missing.status, suffix]);
      expect(other.status).toBe(404);
      const strip = (j: Record<string, unknown>) => ({ ...j, requestId: undefined, message: String(j.message ?? '').replace(/[0-9a-f-]{36}/g, 'ID') });
      expect(strip(await other.json())).toEqual(strip(await missing.json()));
    }
    expect(await snapshot(otherId)).toBe(before);
  });

  it('the CSV export and the search never show it', async () => {
    const csv = await (await nurseA('GET', '/api/v1/export/persons.csv')).text();
    expect(csv).toContain('OWN-1');
    expect(csv).not.toContain('OTHER-1');
    expect(csv).not.toContain('他所');
    const found = await (await nurseA('GET', `/api/v1/persons?q=${encodeURIComponent('他所')}`)).json();
    expect(JSON.stringify(found)).not.toContain(otherId);
  });

  it('ids in URLs are random UUIDs, not sequences that leak counts', async () => {
    const alertId = await makeAlert(deps, ownId);
    for (const id of [ownId, otherId, alertId]) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ownId.slice(0, 8)).not.toBe(otherId.slice(0, 8));
  });
});

describe('bad input: 422 naming every field, nothing half-saved', () => {
  it('the API names each invalid field and stores nothing (no person, no audit row)', async () => {
    const n = await count();
    const audits = (await deps.db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(eq(auditLog.action, 'create')))[0]!.n;
    const res = await nurseA('POST', '/api/v1/persons', { caseNumber: '', name: 'x'.repeat(101), phone: 'call me', email: 'nope', dateOfBirth: '2026-02-30', classification: 'vip' });
    expect(res.status).toBe(422);
    const fields = (await res.json()).fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['caseNumber', 'name', 'phone', 'email', 'dateOfBirth', 'classification']));
    expect(await count()).toBe(n);
    expect((await deps.db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(eq(auditLog.action, 'create')))[0]!.n).toBe(audits);
  });

  it('a change with one valid and one invalid field saves neither', async () => {
    const before = await snapshot(ownId);
    const res = await nurseA('PATCH', `/api/v1/persons/${ownId}`, { address: '東京都千代田区1-1', phone: 'call me' });
    expect(res.status).toBe(422);
    expect((await res.json()).fields.map((f: { field: string }) => f.field)).toEqual(['phone']);
    expect(await snapshot(ownId)).toBe(before);
  });

  it('the console answers 422 in Japanese at the field, and stores nothing', async () => {
    const c = new Client(app);
    await c.signIn('acc-a@a.jp');
    const n = await count();
    const res = await c.form('/admin/persons', { caseNumber: 'F-9', name: '入力 確認', classification: 'confirmed', phone: '12', email: 'nope' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="err-phone"');
    // The message at the field is Japanese (not the typed value echoed back).
    const message = /id="err-phone"[^>]*>([^<]*)</.exec(html)?.[1] ?? '';
    expect(message).toMatch(/[ぁ-んァ-ン一-龥]/);
    expect(await count()).toBe(n);
  });
});
