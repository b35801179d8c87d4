import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, staffUsers } from '../../db/schema';
import { createApp } from '../../src/app';
import { IDENTIFIER_ACCESS, IDENTIFIER_VIEWS, identifierAccess } from '../../src/domain/personal-identifiers';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makeAlert, makePerson } from './fixtures';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from './support';

/**
 * 「国は役割に応じて集計表示のみ」: the national officer's person lists, alert queue and
 * exports carry no names, kana, birth dates, phones or addresses (pages, API, CSV); one
 * record may still be opened, and that read is marked in the audit log.
 */
let deps: TestDeps;
let nationApi: ReturnType<typeof bearer>;
let nurseApi: ReturnType<typeof bearer>;
let nation: Client;
let person: string;
let alert: string;

const NAME = '識別 秘子';
const KANA = 'シキベツ ヒコ';

beforeAll(async () => {
  deps = await createTestDeps();
  const app = createApp(deps);
  await ensureCentre(deps, '13-771');
  await makeStaff(deps, { email: 'nat@ids.jp', role: 'national_officer', jurisdictionCode: 'JP' });
  await makeStaff(deps, { email: 'nurse@ids.jp', role: 'nurse', jurisdictionCode: '13-771' });
  person = await makePerson(deps, '13-771', { caseNumber: 'ID-001', name: NAME, nameKana: KANA, phone: '090-4444-7777', address: '東京都千代田区1-1' });
  alert = await makeAlert(deps, person);
  nationApi = bearer(app, await makeToken(deps, 'nat@ids.jp'));
  nurseApi = bearer(app, await makeToken(deps, 'nurse@ids.jp'));
  nation = new Client(app);
  await nation.signInWithTotp('nat@ids.jp');
});
afterAll(async () => deps?.close());

const identifying = [NAME, KANA, '+819044447777', '090-4444-7777', '東京都千代田区', '1950-04-01'];
const expectNoIdentifiers = (text: string) => {
  for (const s of identifying) expect(text).not.toContain(s);
};

describe('the identifier table', () => {
  it('has an entry for every role and view, and only the national level (and a facility account, which reaches none of these views) hides anything', () => {
    for (const [role, views] of Object.entries(IDENTIFIER_ACCESS)) {
      expect(Object.keys(views).sort()).toEqual([...IDENTIFIER_VIEWS].sort());
      const hidden = IDENTIFIER_VIEWS.filter((v) => views[v] === 'hidden');
      expect(hidden).toEqual(role === 'national_officer' ? ['person_list', 'alert_queue', 'export'] : role === 'facility_reporter' ? [...IDENTIFIER_VIEWS] : []);
    }
    expect(identifierAccess({ kind: 'system', name: 'rounds' }, 'export')).toBe('shown');
  });
});

describe('a national officer', () => {
  it('gets the person list without names, kana or phones (API and page), and cannot search by name or phone', async () => {
    const res = await nationApi('GET', '/api/v1/persons?list=all');
    const body = await res.json();
    const row = body.persons.find((p: { id: string }) => p.id === person);
    expect(row).toMatchObject({ caseNumber: 'ID-001', name: null, nameKana: null, phone: null });
    expect(body.identifiers).toBe(false);
    expectNoIdentifiers(JSON.stringify(body));
    // A search by name or phone would tell who is on the list: it matches nothing.
    for (const q of ['識別', 'しきべつ', '7777']) expect((await (await nationApi('GET', `/api/v1/persons?list=all&q=${encodeURIComponent(q)}`)).json()).total).toBe(0);
    expect((await (await nationApi('GET', '/api/v1/persons?list=all&q=ID-001')).json()).total).toBe(1);

    const page = await nation.get('/admin/persons?list=all');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('ID-001');
    expect(html).toContain('data-identifiers="hidden"');
    expectNoIdentifiers(html);
  });

  it('gets the alert queue without them (API, page and the live rows fragment)', async () => {
    const body = await (await nationApi('GET', '/api/v1/alerts')).json();
    const row = body.alerts.find((a: { id: string }) => a.id === alert);
    expect(row.person).toEqual({ id: person, name: null, nameKana: null, caseNumber: 'ID-001', phone: null });
    expectNoIdentifiers(JSON.stringify(body));
    for (const path of ['/admin', '/admin/triage/rows']) {
      const html = await (await nation.get(path)).text();
      expect(html).toContain(alert);
      expectNoIdentifiers(html);
    }
    const [list] = await deps.db.select().from(auditLog).where(and(eq(auditLog.action, 'list'), eq(auditLog.entity, 'alert'), eq(auditLog.actorId, await staffId('nat@ids.jp'))));
    expect((list!.details as { identifiers: boolean }).identifiers).toBe(false);
  });

  it('gets pseudonymous exports (persons and observations), audited as such', async () => {
    for (const kind of ['persons', 'observations']) {
      const res = await nationApi('GET', `/api/v1/export/${kind}.csv`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expectNoIdentifiers(text);
      expect(text).not.toContain('氏名');
    }
    const csv = await (await nationApi('GET', '/api/v1/export/persons.csv')).text();
    expect(csv).toContain('ID-001');
    const exports = await deps.db.select().from(auditLog).where(and(eq(auditLog.action, 'export'), eq(auditLog.actorId, await staffId('nat@ids.jp'))));
    expect(exports.every((e) => (e.details as { identifiers: boolean }).identifiers === false)).toBe(true);
  });

  it('may open one record, and that read is marked in the audit log (page and API)', async () => {
    const html = await (await nation.get(`/admin/persons/${person}`)).text();
    expect(html).toContain(NAME);
    expect((await nationApi('GET', `/api/v1/alerts/${alert}`)).status).toBe(200);
    const reads = await deps.db.select().from(auditLog).where(and(eq(auditLog.action, 'read'), eq(auditLog.personId, person), eq(auditLog.actorId, await staffId('nat@ids.jp'))));
    const marked = reads.filter((r) => expect.objectContaining({ identifiers: 'shown', view: 'person_record', role: 'national_officer' }).asymmetricMatch(r.details));
    expect(marked.map((r) => r.entity).sort()).toEqual(['alert', 'person']);
  });
});

describe('a nurse of the centre', () => {
  it('still sees names and phones in lists, the queue and exports; her reads are not marked', async () => {
    const persons = await (await nurseApi('GET', '/api/v1/persons?list=all&q=しきべつ')).json();
    expect(persons.persons[0]).toMatchObject({ name: NAME, phone: '+819044447777' });
    const alerts = await (await nurseApi('GET', '/api/v1/alerts')).json();
    expect(alerts.alerts[0].person.name).toBe(NAME);
    expect(await (await nurseApi('GET', '/api/v1/export/persons.csv')).text()).toContain(NAME);
    await nurseApi('GET', `/api/v1/persons/${person}`);
    const reads = await deps.db.select().from(auditLog).where(and(eq(auditLog.action, 'read'), eq(auditLog.actorId, await staffId('nurse@ids.jp'))));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((r) => r.details === null)).toBe(true);
  });
});

async function staffId(email: string): Promise<string> {
  const [row] = await deps.db.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.email, email));
  return row!.id;
}
