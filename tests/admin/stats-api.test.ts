import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import { checkSessions, lineMulticasts, personSharedCentres } from '../../db/schema';
import { createApp } from '../../src/app';
import { withTransaction, type Actor } from '../../src/domain/context';
import { getStats, type Stats } from '../../src/domain/reports/stats';
import { createTestDeps, type TestDeps } from '../support/deps';
import { insertAlert, insertAnsweredCheck, insertCentres, insertPerson, staffActor } from './flows-reports-fixtures';
import { bearer, makeStaff, makeToken } from './support';

// 2026-03-10 12:00 in Japan.
const NOW = new Date('2026-03-10T03:00:00Z');
let deps: TestDeps;
let centres: Awaited<ReturnType<typeof insertCentres>>;

const stats = (actor: Actor, input = {}) => withTransaction(deps.db, { actor, now: NOW }, (ctx) => getStats({ ctx, input }));
const total = (s: Stats) => s.personsByStatus.reduce((n, r) => n + r.count, 0);

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => NOW });
  centres = await insertCentres(deps.db, '3');
  const { a, b, c } = centres;
  const a1 = await insertPerson(deps.db, a.id, { status: 'home_recuperation', classification: 'confirmed' });
  const a2 = await insertPerson(deps.db, a.id, { status: 'home_recuperation', classification: 'confirmed' });
  await insertPerson(deps.db, a.id, { status: 'close_contact', classification: 'close_contact' });
  const b1 = await insertPerson(deps.db, b.id, { status: 'hospitalized', classification: 'confirmed' });
  const b2 = await insertPerson(deps.db, b.id, { status: 'home_recuperation', classification: 'suspected' });
  const c1 = await insertPerson(deps.db, c.id, { status: 'home_recuperation', classification: 'confirmed' });
  // 関係保健所: b2 is shared with centre A.
  await deps.db.insert(personSharedCentres).values({ personId: b2.id, jurisdictionId: a.id });
  // Alerts: created at 10:00 JST on the 9th and 10th (01:00Z), one at 23:30 JST on the 8th (14:30Z the 8th).
  await insertAlert(deps.db, a1.id, a.id, 'red', new Date('2026-03-10T01:00:00Z'));
  await insertAlert(deps.db, a2.id, a.id, 'amber', new Date('2026-03-09T01:00:00Z'), 'resolved');
  await insertAlert(deps.db, a2.id, a.id, 'amber', new Date('2026-03-08T14:30:00Z'));
  await insertAlert(deps.db, b1.id, b.id, 'red', new Date('2026-03-10T01:00:00Z'));
  await insertAlert(deps.db, c1.id, c.id, 'red', new Date('2026-03-10T01:00:00Z'));
  // Checks on the 10th: a1 answered both rounds, a2 answered 09:00 and missed 15:00; b1 missed; c1 answered.
  await insertAnsweredCheck(deps.db, a1.id, '2026-03-10', { round: '09:00' });
  await insertAnsweredCheck(deps.db, a1.id, '2026-03-10', { round: '15:00' });
  await insertAnsweredCheck(deps.db, a2.id, '2026-03-10', { round: '09:00' });
  await insertAnsweredCheck(deps.db, a2.id, '2026-03-10', { round: '15:00', status: 'missed' });
  await insertAnsweredCheck(deps.db, b1.id, '2026-03-10', { round: '09:00', status: 'missed' });
  await insertAnsweredCheck(deps.db, c1.id, '2026-03-10', { round: 'manual-1' });
});
afterAll(async () => deps?.close());

describe('getStats', () => {
  it("counts only the nurse's scope: own centre and persons shared with it", async () => {
    const s = await stats(staffActor('nurse', centres.a));
    expect(s.range).toEqual({ from: '2026-02-25', to: '2026-03-10' });
    expect(total(s)).toBe(4);
    expect(s.personsByStatus).toContainEqual({ status: 'home_recuperation', classification: 'confirmed', count: 2 });
    expect(s.personsByStatus).toContainEqual({ status: 'home_recuperation', classification: 'suspected', count: 1 });
    // Days are local (Japan): 14:30Z on the 8th is 23:30 on the 8th.
    expect(s.alertsPerDay).toHaveLength(14);
    expect(s.alertsPerDay.filter((d) => d.red + d.amber > 0)).toEqual([
      { date: '2026-03-08', red: 0, amber: 1 },
      { date: '2026-03-09', red: 0, amber: 1 },
      { date: '2026-03-10', red: 1, amber: 0 },
    ]);
    expect(s.checksPerRound).toEqual([
      { date: '2026-03-10', round: '09:00', sent: 2, answered: 2, share: 1 },
      { date: '2026-03-10', round: '15:00', sent: 2, answered: 1, share: 0.5 },
    ]);
    const a = s.perCentre.find((c) => c.code === centres.a.code)!;
    expect(a).toMatchObject({ persons: 3, monitored: 3, openAlerts: 2, sent: 4, answered: 3, share: 0.75 });
    expect(s.perCentre.map((c) => c.code)).not.toContain(centres.c.code);
  });

  it('widens with the role: prefecture sees its centres, the nation everything', async () => {
    const pref = await stats(staffActor('prefecture_officer', centres.tokyo));
    expect(total(pref)).toBe(5);
    expect(pref.perCentre.map((c) => c.code).sort()).toEqual([centres.a.code, centres.b.code].sort());
    const nation = await stats(staffActor('national_officer', null));
    expect(total(nation)).toBeGreaterThanOrEqual(6);
    expect(nation.checksPerRound).toContainEqual({ date: '2026-03-10', round: 'manual', sent: 1, answered: 1, share: 1 });
    const clinician = await stats({ ...(staffActor('clinician', null) as Extract<Actor, { kind: 'staff' }>), institutionId: null });
    expect(total(clinician)).toBe(0);
  });

  it('counts a check a LINE multicast sent as sent before the tick marks it prompted; a pending one nobody sent is not', async () => {
    const c = centres.c;
    const nurse = staffActor('nurse', c);
    const before = (await stats(nurse)).perCentre.find((r) => r.code === c.code)!.sent;
    const person = await insertPerson(deps.db, c.id, { status: 'home_recuperation', classification: 'confirmed' });
    const sent = await insertAnsweredCheck(deps.db, person.id, '2026-03-10', { round: '11:00', status: 'prompted', at: new Date('2026-03-10T02:00:00Z') });
    const unsent = await insertAnsweredCheck(deps.db, person.id, '2026-03-10', { round: '11:30', status: 'prompted', at: new Date('2026-03-10T02:30:00Z') });
    await deps.db.update(checkSessions).set({ status: 'pending' }).where(inArray(checkSessions.id, [sent.id, unsent.id]));
    await deps.db.insert(lineMulticasts).values({ kind: 'prompt', retryKey: `stats-test-${sent.id}`, personIds: [person.id], sessionIds: [sent.id], status: 'sent', providerMessageId: 'req-1', sentAt: NOW });
    const after = await stats(nurse);
    expect(after.perCentre.find((r) => r.code === c.code)!.sent).toBe(before + 1);
    expect(after.checksPerRound).toContainEqual({ date: '2026-03-10', round: '11:00', sent: 1, answered: 0, share: 0 });
    expect(after.checksPerRound.map((r) => r.round)).not.toContain('11:30');
  });

  it('takes a date range and refuses a reversed one', async () => {
    const s = await stats(staffActor('nurse', centres.a), { from: '2026-03-09', to: '2026-03-10' });
    expect(s.alertsPerDay.map((d) => d.date)).toEqual(['2026-03-09', '2026-03-10']);
    await expect(stats(staffActor('nurse', centres.a), { from: '2026-03-11', to: '2026-03-10' })).rejects.toThrow(/from/);
  });
});

describe('GET /api/v1/stats', () => {
  it('answers the figures of the caller\'s scope, and 422 for a bad date', async () => {
    const app = createApp(deps);
    await makeStaff(deps, { email: 'nurse@stats.jp', role: 'nurse', jurisdictionCode: centres.b.code });
    const call = bearer(app, await makeToken(deps, 'nurse@stats.jp'));
    const res = await call('GET', '/api/v1/stats?days=7');
    expect(res.status).toBe(200);
    const s = (await res.json()) as Stats;
    expect(total(s)).toBe(2);
    expect(s.alertsPerDay).toHaveLength(7);
    expect(s.perCentre).toEqual([expect.objectContaining({ code: centres.b.code, persons: 2, openAlerts: 1, sent: 1, answered: 0, share: 0 })]);
    const bad = await call('GET', '/api/v1/stats?from=2026-13-01');
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { fields: { field: string }[] }).fields[0]!.field).toBe('from');
    expect((await app.request('/api/v1/stats')).status).toBe(401);
  });
});
