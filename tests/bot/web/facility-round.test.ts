import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, checkSessions, facilityRounds, observations } from '../../../db/schema';
import { createApp } from '../../../src/app';
import { systemActor, withTransaction } from '../../../src/domain/context';
import { addFacilityResident, createFacility } from '../../../src/domain/facilities/facility-verbs';
import { facilityRoundKeys, issueFacilityRoundLink } from '../../../src/domain/facilities/facility-round';
import { decodeWebLinkPayload } from '../../../src/domain/web/link-token';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';

const NOW = new Date('2026-11-24T00:30:00Z'); // 09:30 in Tokyo, during the 09:00 round
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let centreId: string;
beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => NOW });
  app = createApp(deps);
  centreId = (await createCentre(deps.db, { code: 'fac-1' })).id;
});
afterAll(async () => deps?.close());

const tx = <T>(fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor: systemActor('test'), now: NOW }, fn);

/** A care home with `n` residents (rooms 101…), and its round link. */
async function careHome(n: number) {
  const { id: facilityId } = await tx((ctx) => createFacility({ ctx, input: { responsibleCentreId: centreId, kind: 'care_home', name: 'さくら苑', roundTimes: ['09:00', '15:00'], contacts: [{ name: '看護師 田中', phone: '+819011112222' }] } }));
  const residents: string[] = [];
  for (let i = 0; i < n; i++) {
    const { id } = await createPerson(deps.db, 'fac-1', { name: `入所 ${i + 1}郎`, dateOfBirth: '1940-01-01' }, NOW);
    await tx((ctx) => addFacilityResident({ ctx, input: { facilityId, personId: id, room: String(101 + i) } }));
    residents.push(id);
  }
  const link = await tx((ctx) => issueFacilityRoundLink({ ctx, input: { facilityId }, keys: facilityRoundKeys(deps.env) }));
  return { facilityId, residents, link };
}

function form(rows: Record<string, { t?: string; o?: string; s?: string[]; c?: string }>): URLSearchParams {
  const body = new URLSearchParams();
  for (const [id, r] of Object.entries(rows)) {
    body.set(`t.${id}`, r.t ?? '');
    body.set(`o.${id}`, r.o ?? '');
    for (const s of r.s ?? []) body.append(`s.${id}`, s);
    body.set(`c.${id}`, r.c ?? '');
  }
  return body;
}
const post = (path: string, body: URLSearchParams) => app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

describe('施設一括報告 (a facility round page)', () => {
  it('a page of 20 residents, two red, raises two alerts (one per red resident, through the same rules); a second submit records nothing twice', async () => {
    const { residents, link } = await careHome(20);
    // The link names the round and its end only.
    expect(decodeWebLinkPayload(link.path.slice(3))).toMatchObject({ payloadBytes: 21, macBytes: 16 });

    const page = await app.request(link.path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain('<script');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(html.match(/name="t\.[0-9a-f-]{36}"/g)).toHaveLength(20);
    expect(html).toContain('101 入所 1郎');

    const rows: Record<string, { t?: string; o?: string; s?: string[]; c?: string }> = {};
    residents.forEach((id, i) => (rows[id] = { t: i % 3 === 0 ? '36.4' : '３６．８', o: '97', c: i === 5 ? '<b>夜間に咳</b>' : '' }));
    rows[residents[3]!] = { t: '37.9', o: '92' }; // SpO2 ≤ 93: red
    rows[residents[11]!] = { t: '36.9', o: '96', s: ['breathless', 'cough'] }; // an urgent symptom: red
    const res = await post(link.path, form(rows));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(link.path);

    const raised = await deps.db.select().from(alerts).where(inArray(alerts.personId, residents));
    expect(raised).toHaveLength(2);
    const byPerson = Object.fromEntries(raised.map((a) => [a.personId, a]));
    expect(byPerson[residents[3]!]).toMatchObject({ severity: 'red', reason: 'spo2_critical' });
    expect(byPerson[residents[11]!]).toMatchObject({ severity: 'red', reason: 'facility_red_symptom' });

    const sessions = await deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, residents));
    expect(sessions).toHaveLength(20); // one check per resident
    expect(sessions.every((s) => s.status === 'completed' && s.source === 'facility' && s.channel === 'web')).toBe(true);
    const obs = await deps.db.select().from(observations).where(inArray(observations.personId, residents));
    const temp5 = obs.find((o) => o.personId === residents[1] && o.questionId === 'temperature');
    expect(temp5).toMatchObject({ valueNumber: 36.8, raw: '３６．８' }); // full-width digits read by the engine's normaliser
    expect(obs.find((o) => o.personId === residents[5] && o.questionId === 'comment')!.valueText).toBe('<b>夜間に咳</b>');

    const done = await app.request(link.path);
    expect(done.status).toBe(200);
    const doneHtml = await done.text();
    expect(doneHtml).toContain('記入 20 名・未記入 0 名');
    expect(doneHtml).not.toContain('<b>夜間'); // nothing typed is echoed unescaped

    // A reload or a second tablet posting the same page: nothing recorded twice.
    const again = await post(link.path, form(rows));
    expect(again.status).toBe(303);
    expect(await deps.db.select().from(observations).where(inArray(observations.personId, residents))).toHaveLength(obs.length);
    expect(await deps.db.select().from(alerts).where(inArray(alerts.personId, residents))).toHaveLength(2);
  }, 120_000); // 20 residents registered, each row four answers through the engine

  it('residents left blank are the facility’s non-responders: ONE alert for the facility, none per resident', async () => {
    const { residents, link } = await careHome(5);
    const rows = Object.fromEntries(residents.slice(0, 2).map((id) => [id, { t: '36.5', o: '98' }]));
    expect((await post(link.path, form(rows))).status).toBe(303);
    const raised = await deps.db.select().from(alerts).where(inArray(alerts.personId, residents));
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ reason: 'facility_non_responder', severity: 'amber', personId: residents[2] });
    expect(raised[0]!.details.reasons![0]!.values).toMatchObject({ missingPersonIds: residents.slice(2) });
    const [round] = await deps.db.select().from(facilityRounds).where(eq(facilityRounds.id, link.roundId));
    expect(round!.missingPersonIds).toEqual(residents.slice(2));
    expect(await (await app.request(link.path)).text()).toContain('未記入 3 名');
  });

  it('a value the engine refuses sends back the page with the row marked and the values kept; nothing of the page is recorded', async () => {
    const { residents, link } = await careHome(3);
    const res = await post(link.path, form({ [residents[0]!]: { t: '36.5', o: '97' }, [residents[1]!]: { t: '36.6', o: '150' }, [residents[2]!]: { t: '', o: '95' } }));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('値を確認してください'); // SpO2 150
    expect(html).toContain('体温を入力してください'); // a row without a temperature
    expect(html).toContain('value="150"');
    expect(await deps.db.select().from(observations).where(inArray(observations.personId, residents))).toHaveLength(0);
    const [round] = await deps.db.select().from(facilityRounds).where(and(eq(facilityRounds.id, link.roundId)));
    expect(round!.submittedAt).toBeNull();
  });

  it('a tampered or foreign token is a plain 404 that tells nothing', async () => {
    const { link } = await careHome(1);
    const token = link.path.slice(3);
    const bad = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await app.request(`/f/${bad}`)).status).toBe(404);
    expect((await app.request(`/c/${token}`)).status).toBe(404); // a round link is not a check link
  });
});
