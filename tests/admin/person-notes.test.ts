import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, personNotes } from '../../db/schema';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { HOSTILE, makeAlert, makePerson } from './fixtures';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from './support';

/** The person page shows every note: the staff notes on the person and those on their alerts. */
let deps: TestDeps;
let nurse: Client;
let api: ReturnType<typeof bearer>;
let outsider: ReturnType<typeof bearer>;
let person: string;

beforeAll(async () => {
  deps = await createTestDeps();
  const app = createApp(deps);
  await ensureCentre(deps, '13-731');
  await ensureCentre(deps, '13-732');
  await makeStaff(deps, { email: 'notes@n.jp', role: 'nurse', jurisdictionCode: '13-731', displayName: '伊藤 保健師' });
  await makeStaff(deps, { email: 'notes-b@n.jp', role: 'nurse', jurisdictionCode: '13-732' });
  nurse = new Client(app);
  await nurse.signIn('notes@n.jp');
  api = bearer(app, await makeToken(deps, 'notes@n.jp'));
  outsider = bearer(app, await makeToken(deps, 'notes-b@n.jp'));
  person = await makePerson(deps, '13-731', { name: 'メモ 対象' });
});
afterAll(async () => deps?.close());

describe('notes on a person', () => {
  it('are added from the page and the API, scoped, audited without their text', async () => {
    expect((await nurse.form(`/admin/persons/${person}/notes`, { note: '本人と電話。食事は取れている。' })).status).toBe(303);
    expect((await api('POST', `/api/v1/persons/${person}/notes`, { note: HOSTILE[0] })).status).toBe(201);
    expect((await api('POST', `/api/v1/persons/${person}/notes`, { note: '  ' })).status).toBe(422);
    expect((await outsider('POST', `/api/v1/persons/${person}/notes`, { note: '範囲外' })).status).toBe(404);
    const rows = await deps.db.select().from(personNotes).where(eq(personNotes.personId, person));
    expect(rows.map((r) => r.note).sort()).toEqual([HOSTILE[0], '本人と電話。食事は取れている。'].sort());
    const audits = await deps.db.select().from(auditLog).where(and(eq(auditLog.personId, person), eq(auditLog.entity, 'person_note')));
    expect(audits).toHaveLength(2);
    expect(JSON.stringify(audits)).not.toContain('食事');
  });

  it('are shown on the person page with the notes and resolutions of their alerts, newest first, escaped', async () => {
    const alert = await makeAlert(deps, person);
    expect((await api('POST', `/api/v1/alerts/${alert}/notes`, { note: '折り返し待ち' })).status).toBe(201);
    expect((await api('POST', `/api/v1/alerts/${alert}/resolve`, { outcome: 'arranged_admission', note: '入院調整済み' })).status).toBe(200);
    const html = await (await nurse.get(`/admin/persons/${person}`)).text();
    const section = /<section class="card" id="notes">([\s\S]*?)<\/section>/.exec(html)![1]!;
    expect(section).toContain('本人と電話。食事は取れている。');
    expect(section).toContain('伊藤 保健師');
    expect(section).toContain('折り返し待ち');
    expect(section).toContain('入院調整した: 入院調整済み');
    expect(section).toContain(`href="/admin/alerts/${alert}"`);
    expect(section).toContain('&lt;script&gt;');
    expect(section).not.toContain('<script>');
    expect(section.indexOf('入院調整済み')).toBeLessThan(section.indexOf('食事は取れている'));
    const record = await (await api('GET', `/api/v1/persons/${person}`)).json();
    expect(record.notes.map((n: { source: string }) => n.source)).toEqual(['alert', 'alert', 'person', 'person']);
  });
});
