import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makeAlert } from './fixtures';
import { buildScopeWorld, VISIBLE } from './scope-world';
import { bearer, Client, makeToken } from './support';

/**
 * Role × scope: who sees which person, through every person endpoint and the pages.
 * Out of scope is 404, exactly like a record that does not exist.
 */
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
const P: Record<string, string> = {};
const callers: Record<string, ReturnType<typeof bearer>> = {};

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  const world = await buildScopeWorld(deps, { a: '13-601', b: '13-602', osaka: '27-601', clinic: 'X-CLINIC' });
  Object.assign(P, world.P);
  for (const [k, email] of Object.entries(world.emails)) callers[k] = bearer(app, await makeToken(deps, email));
});
afterAll(async () => {
  await deps?.close();
});

describe('role × scope matrix (API)', () => {
  for (const [who, visible] of Object.entries(VISIBLE)) {
    it(`${who} sees exactly ${visible.join(', ')}`, async () => {
      const call = callers[who]!;
      for (const [key, id] of Object.entries(P)) {
        const expected = visible.includes(key) ? 200 : 404;
        expect((await call('GET', `/api/v1/persons/${id}`)).status, `${who} GET ${key}`).toBe(expected);
        expect((await call('GET', `/api/v1/persons/${id}/observations`)).status, `${who} observations ${key}`).toBe(expected);
        if (expected === 404) {
          // A clinician may not do these for anyone (src/domain/permissions.ts): 403 before any lookup, the same for every id.
          const refused = who === 'clinicianX' ? 403 : 404;
          expect((await call('PATCH', `/api/v1/persons/${id}`, { address: 'x' })).status, `${who} PATCH ${key}`).toBe(refused);
          expect((await call('POST', `/api/v1/persons/${id}/link-code`)).status, `${who} link-code ${key}`).toBe(refused);
          expect((await call('POST', `/api/v1/persons/${id}/checks`, {})).status, `${who} checks ${key}`).toBe(refused);
        }
      }
      const list = await (await call('GET', '/api/v1/persons?list=all&limit=200')).json();
      expect(list.persons.map((p: { id: string }) => p.id).sort()).toEqual(visible.map((k) => P[k]).sort());
    });
  }

  it('the out-of-scope 404 is the same answer as for a person that does not exist', async () => {
    const outOfScope = await callers.nurseA!('GET', `/api/v1/persons/${P.b}`);
    const missing = await callers.nurseA!('GET', '/api/v1/persons/00000000-0000-4000-8000-000000000000');
    const strip = (b: { requestId?: string; message: string; code: string }) => ({ code: b.code, message: b.message });
    expect(strip(await outOfScope.json())).toEqual(strip(await missing.json()));
  });

  it('alerts of persons out of scope are neither listed nor reachable', async () => {
    const alertB = await makeAlert(deps, P.b!);
    const listA = await (await callers.nurseA!('GET', '/api/v1/alerts?status=open')).json();
    expect(listA.alerts.map((a: { id: string }) => a.id)).not.toContain(alertB);
    expect((await callers.nurseA!('POST', `/api/v1/alerts/${alertB}/acknowledge`)).status).toBe(404);
    const listPref = await (await callers.pref13!('GET', '/api/v1/alerts?status=open')).json();
    expect(listPref.alerts.map((a: { id: string }) => a.id)).toContain(alertB);
  });
});

describe('role × scope in the pages', () => {
  it('a nurse of centre A gets 404 pages for a person of centre B, and 200 for their own and shared', async () => {
    const nurse = new Client(app);
    await nurse.signIn('nurse-a@m.jp');
    expect((await nurse.get(`/admin/persons/${P.a}`)).status).toBe(200);
    expect((await nurse.get(`/admin/persons/${P.shared}`)).status).toBe(200);
    const b = await nurse.get(`/admin/persons/${P.b}`);
    expect(b.status).toBe(404);
    expect(await b.text()).not.toContain('ビー 患者');
    expect((await nurse.get(`/admin/persons/${P.b}/edit`)).status).toBe(404);
    expect((await nurse.form(`/admin/persons/${P.b}/status`, { status: 'hospitalized' })).status).toBe(404);
    expect((await nurse.form(`/admin/persons/${P.b}/link-code`, {})).status).toBe(404);
    const search = await (await nurse.get('/admin/persons?list=all&q=%E3%83%93%E3%83%BC')).text();
    expect(search).not.toContain('ビー 患者');
  });

  it('the audit log is for centre administrators and up, scoped to their centre', async () => {
    const nurse = new Client(app);
    await nurse.signIn('nurse-a@m.jp');
    expect((await nurse.get('/admin/audit')).status).toBe(403);
    const admin = new Client(app);
    await admin.signIn('admin-a@m.jp');
    await callers.nurseB!('GET', `/api/v1/persons/${P.b}`);
    await callers.nurseA!('GET', `/api/v1/persons/${P.a}`);
    const html = await (await admin.get('/admin/audit?action=read&entity=person')).text();
    expect(html).toContain(P.a!.slice(0, 8));
    expect(html).not.toContain(P.b!.slice(0, 8));
  });
});
