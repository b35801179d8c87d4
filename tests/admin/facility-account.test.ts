import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, auditLog, facilityRounds, observations, staffUsers } from '../../db/schema';
import { createApp } from '../../src/app';
import { inviteFacilityAccountCommand } from '../../src/cli/invite-facility-account';
import { systemActor, withTransaction } from '../../src/domain/context';
import { facilityRoundKeys, issueFacilityRoundLink } from '../../src/domain/facilities/facility-round';
import { addFacilityResident, createFacility } from '../../src/domain/facilities/facility-verbs';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createPerson } from '../support/fixtures';
import { Client, ensureCentre, makeStaff } from './support';

/**
 * A facility's own account (role facility_reporter, issue 20): invited from the facility's
 * page, no second factor, lands on its round page, submits through the same verb as the
 * link, and reaches nothing else.
 */
const NOW = new Date('2026-11-24T00:30:00Z'); // 09:30 in Tokyo, during the 09:00 round
const PASSWORD = 'a care home tablet passphrase';
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let nurse: Client;
let centreId: string;

beforeAll(async () => {
  deps = await createTestDeps({ PUBLIC_BASE_URL: 'https://mimamori.test', REQUIRE_TOTP_FOR: 'all' }, { now: () => NOW });
  app = createApp(deps);
  centreId = await ensureCentre(deps, '13-701');
  await makeStaff(deps, { email: 'fa-nurse@n.jp', role: 'nurse', jurisdictionCode: '13-701' });
  nurse = new Client(app);
  await nurse.signInWithTotp('fa-nurse@n.jp', NOW);
});
afterAll(async () => deps?.close());

const tx = <T>(fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor: systemActor('test'), now: NOW }, fn);

async function careHome(name: string, n: number) {
  const { id: facilityId } = await tx((ctx) => createFacility({ ctx, input: { responsibleCentreId: centreId, kind: 'care_home', name, roundTimes: ['09:00', '15:00'] } }));
  const residents: string[] = [];
  for (let i = 0; i < n; i++) {
    const { id } = await createPerson(deps.db, '13-701', { name: `${name} ${i + 1}郎`, dateOfBirth: '1940-01-01' }, NOW);
    await tx((ctx) => addFacilityResident({ ctx, input: { facilityId, personId: id, room: String(101 + i) } }));
    residents.push(id);
  }
  const link = await tx((ctx) => issueFacilityRoundLink({ ctx, input: { facilityId }, keys: facilityRoundKeys(deps.env) }));
  return { facilityId, residents, link };
}

/** The nurse invites an account on the facility's page; the invitee sets the password on the link (no second factor). */
async function enrolAccount(facilityId: string, email: string): Promise<Client> {
  const invited = await nurse.form(`/admin/facilities/${facilityId}/accounts`, { email, displayName: '夜勤 タブレット' });
  expect(invited.status).toBe(200);
  const html = await invited.text();
  const path = new URL(/https:\/\/mimamori\.test\/admin\/enrol\/[\w-]+/.exec(html)![0]).pathname;
  const account = new Client(app);
  const set = await account.request(path, { method: 'POST', body: new URLSearchParams({ password: PASSWORD, confirm: PASSWORD }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(set.status).toBe(303);
  expect(set.headers.get('location')).toBe('/admin'); // no TOTP enrolment step
  return account;
}

async function csrfOf(c: Client): Promise<void> {
  c.csrf = /<meta name="csrf-token" content="([^"]*)"/.exec(await (await c.get('/admin/facility-rounds')).text())![1]!;
}

function rowsForm(rows: Record<string, { t?: string; o?: string; s?: string[] }>): Record<string, string | string[]> {
  const f: Record<string, string | string[]> = {};
  for (const [id, r] of Object.entries(rows)) Object.assign(f, { [`t.${id}`]: r.t ?? '', [`o.${id}`]: r.o ?? '', [`s.${id}`]: r.s ?? [], [`c.${id}`]: '' });
  return f;
}

describe('a facility account (施設アカウント)', () => {
  it('signs in without a second factor, lands on its round, submits 20 residents (two red → two alerts) through the link’s verb; the link then records nothing twice', async () => {
    const { facilityId, residents, link } = await careHome('さくら苑', 20);
    await enrolAccount(facilityId, 'sakura@care.example');

    const account = new Client(app);
    const signIn = await account.signIn('sakura@care.example', PASSWORD);
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/admin');
    const home = await account.get('/admin');
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/admin/facility-rounds');
    await csrfOf(account);
    const list = await (await account.get('/admin/facility-rounds')).text();
    expect(list).toContain(`/admin/facility-rounds/${link.roundId}`);
    expect(list).not.toContain('/admin/persons'); // the nav has its round pages only

    const page = await account.get(`/admin/facility-rounds/${link.roundId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html.match(/name="t\.[0-9a-f-]{36}"/g)).toHaveLength(20);
    expect(html).toContain('101 さくら苑 1郎');
    const [staff] = await deps.db.select().from(staffUsers).where(eq(staffUsers.email, 'sakura@care.example'));
    const reads = await deps.db.select().from(auditLog).where(and(eq(auditLog.actorId, staff!.id), eq(auditLog.entity, 'facility_round'), eq(auditLog.action, 'view')));
    expect(reads).toHaveLength(1);
    expect((reads[0]!.details as { personIds: string[] }).personIds).toHaveLength(20);

    const rows: Record<string, { t?: string; o?: string; s?: string[] }> = {};
    residents.forEach((id) => (rows[id] = { t: '36.6', o: '97' }));
    rows[residents[3]!] = { t: '37.9', o: '92' }; // SpO2 ≤ 93: red
    rows[residents[11]!] = { t: '36.9', o: '96', s: ['breathless'] }; // an urgent symptom: red
    const sent = await account.form(`/admin/facility-rounds/${link.roundId}`, rowsForm(rows));
    expect(sent.status).toBe(303);
    const raised = await deps.db.select().from(alerts).where(inArray(alerts.personId, residents));
    expect(raised.map((a) => a.severity).sort()).toEqual(['red', 'red']);
    const [round] = await deps.db.select().from(facilityRounds).where(eq(facilityRounds.id, link.roundId));
    expect(round!.submittedBy).toBe(`staff:${staff!.id}`);
    expect(round!.missingPersonIds).toEqual([]);
    expect(await (await account.get(`/admin/facility-rounds/${link.roundId}`)).text()).toContain('記入 20 名・未記入 0 名');

    // The link posting the same round afterwards: nothing recorded twice.
    const obs = await deps.db.select().from(observations).where(inArray(observations.personId, residents));
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(rowsForm(rows))) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const byLink = await app.request(link.path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(byLink.status).toBe(303);
    expect(await deps.db.select().from(observations).where(inArray(observations.personId, residents))).toHaveLength(obs.length);
    expect(await deps.db.select().from(alerts).where(inArray(alerts.personId, residents))).toHaveLength(2);
  }, 120_000);

  it('reaches nothing else: persons, the alert queue, another facility, the facility console and the API are refused as for any staff without the right', async () => {
    const own = await careHome('ひまわり荘', 2);
    const other = await careHome('あおば園', 1);
    await enrolAccount(own.facilityId, 'himawari@care.example');
    const account = new Client(app);
    await account.signIn('himawari@care.example', PASSWORD);
    await csrfOf(account);

    // Role refusals: 403, as for a clinician on a centre-only page.
    expect((await account.get('/admin/persons')).status).toBe(403);
    expect((await account.get(`/admin/persons/${own.residents[0]}`)).status).toBe(403);
    expect((await account.get(`/admin/alerts/${randomUUID()}`)).status).toBe(403); // the role is refused before the alert is looked up
    expect((await account.get('/admin/facilities')).status).toBe(403);
    expect((await account.get(`/admin/facilities/${own.facilityId}`)).status).toBe(403);
    expect((await account.get('/admin/account')).status).toBe(403);
    // Every other page of the console's navigation, and the API.
    const pages = ['/admin/caseload', '/admin/notifications', '/admin/imports', '/admin/flows', '/admin/reports', '/admin/on-call', '/admin/audit', '/admin/staff', '/admin/staff/invitations', '/admin/centres', '/admin/institutions', '/admin/retention', '/admin/fhir-clients'];
    const statuses = Object.fromEntries(await Promise.all(pages.map(async (p) => [p, (await account.get(p)).status] as const)));
    expect(statuses).toEqual(Object.fromEntries(pages.map((p) => [p, 403])));
    expect((await account.json('GET', '/api/v1/alerts')).status).toBe(403);
    expect((await account.json('GET', '/api/v1/persons')).status).toBe(403);
    // Another facility's round: not found, as a facility outside a nurse's scope.
    expect((await account.get(`/admin/facility-rounds/${other.link.roundId}`)).status).toBe(404);
    const posted = await account.form(`/admin/facility-rounds/${other.link.roundId}`, rowsForm({ [other.residents[0]!]: { t: '36.5', o: '98' } }));
    expect(posted.status).toBe(404);
    const [otherRound] = await deps.db.select().from(facilityRounds).where(eq(facilityRounds.id, other.link.roundId));
    expect(otherRound!.submittedAt).toBeNull();
    // A nurse's own facility list stays the nurse's: the alert queue is not the account's home.
    expect((await account.get('/admin')).headers.get('location')).toBe('/admin/facility-rounds');
  }, 60_000);

  it('the nurse sees the account on the facility page and disables it: its session ends, its sign-in is refused', async () => {
    const { facilityId } = await careHome('もみじ館', 1);
    const account = await enrolAccount(facilityId, 'momiji@care.example');
    expect((await account.get('/admin/facility-rounds')).status).toBe(200);
    const page = await (await nurse.get(`/admin/facilities/${facilityId}`)).text();
    expect(page).toContain('data-account="momiji@care.example"');
    const [staff] = await deps.db.select().from(staffUsers).where(eq(staffUsers.email, 'momiji@care.example'));
    // It signs out like any staff member (the page's 「ログアウト」).
    const other = new Client(app);
    await other.signIn('momiji@care.example', PASSWORD);
    await csrfOf(other);
    expect((await other.form('/admin/logout', {})).headers.get('location')).toBe('/admin/login');
    expect((await other.get('/admin/facility-rounds')).status).toBe(303);
    expect(staff).toMatchObject({ role: 'facility_reporter', facilityId, jurisdictionId: null });
    expect(staff!.passwordHash).toMatch(/^\$argon2id\$/);

    const off = await nurse.form(`/admin/facilities/${facilityId}/accounts/${staff!.id}/disabled`, { disabled: 'true' });
    expect(off.status).toBe(303);
    const after = await account.get('/admin/facility-rounds');
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toContain('/admin/login');
    expect((await new Client(app).signIn('momiji@care.example', PASSWORD)).status).toBe(401);
    expect(await (await nurse.get(`/admin/facilities/${facilityId}`)).text()).toContain('有効に戻す');
    // The CLI invites as the facility page does.
    const lines: string[] = [];
    expect(await inviteFacilityAccountCommand.run({ positional: [], flags: { facility: facilityId, email: 'momiji-2@care.example', name: 'もみじ 夜勤' } }, deps, (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toMatch(/^momiji-2@care\.example\thttps:\/\/mimamori\.test\/admin\/enrol\/[\w-]+/);
    expect(await (await nurse.get(`/admin/facilities/${facilityId}`)).text()).toContain('data-account="momiji-2@care.example"');
    // Another facility's page cannot disable it.
    const { facilityId: elsewhere } = await careHome('かえで園', 1);
    expect((await nurse.form(`/admin/facilities/${elsewhere}/accounts/${staff!.id}/disabled`, { disabled: 'false' })).status).toBe(404);
  }, 60_000);
});
