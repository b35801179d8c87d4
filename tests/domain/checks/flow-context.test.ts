import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, checkSessions, flowVersions, observations } from '../../../db/schema';
import { answerCheck } from '../../../src/domain/checks/answer-check';
import { loadHistory, lockSessionWithContext } from '../../../src/domain/checks/flow-context';
import { startCheck } from '../../../src/domain/checks/start-check';
import { systemActor, withTransaction } from '../../../src/domain/context';
import { makePerson } from '../../admin/fixtures';
import { insertCentres } from '../../admin/flows-reports-fixtures';
import { createTestDeps, type TestDeps } from '../../support/deps';

/**
 * The history the engine's trend rules see: earlier days (one entry each) and — with two
 * rounds a day — today's earlier rounds that are over, never the session being answered.
 */
let deps: TestDeps;
let personId: string;
const NOW = new Date('2026-04-01T06:00:00Z'); // 15:00 in Tokyo
const TODAY = '2026-04-01';

async function report(localDate: string, round: string, status: 'completed' | 'missed' | 'active', values: Record<string, number | boolean>, at: Date, of = personId) {
  const personId = of;
  const [fv] = await deps.db.select({ id: flowVersions.id }).from(flowVersions).limit(1);
  const [s] = await deps.db
    .insert(checkSessions)
    .values({ personId, flowVersionId: fv!.id, localDate, round, channel: 'line', status, dueAt: at, expiresAt: new Date(at.getTime() + 3600_000) })
    .returning();
  for (const [questionId, value] of Object.entries(values)) {
    await deps.db.insert(observations).values({
      personId, sessionId: s!.id, questionId, kind: typeof value === 'number' ? 'number' : 'yes_no', value,
      valueNumber: typeof value === 'number' ? value : null, raw: String(value), status: 'answered', channel: 'line', observedAt: at,
    });
  }
}

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => NOW });
  const { a } = await insertCentres(deps.db, '6');
  personId = await makePerson(deps, a.code, { hasOximeter: true });
  await report('2026-03-31', '09:00', 'completed', { spo2: 97, cough: true }, new Date('2026-03-31T00:10:00Z'));
  await report('2026-03-31', '15:00', 'completed', { spo2: 96, cough: false }, new Date('2026-03-31T06:10:00Z'));
  await report(TODAY, '09:00', 'completed', { spo2: 98 }, new Date('2026-04-01T00:10:00Z'));
  await report(TODAY, 'manual-1', 'active', { spo2: 90 }, new Date('2026-04-01T05:00:00Z')); // still open: not history
  await report('2026-04-02', '09:00', 'completed', { spo2: 99 }, new Date('2026-04-02T00:10:00Z')); // after today: never
});
afterAll(async () => deps?.close());

describe('loadHistory', () => {
  it('earlier days merged per day, then the earlier rounds of today that are over', async () => {
    expect(await loadHistory(deps.db, personId, TODAY)).toEqual([
      { localDate: '2026-03-31', values: { spo2: 96, cough: false } },
      { localDate: TODAY, round: '09:00', values: { spo2: 98 } },
    ]);
  });

  it('the afternoon check flags a fall since this morning (98 → 94), through the real verbs', async () => {
    const sys = <T>(fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor: systemActor('test'), now: NOW }, fn);
    const { sessionId } = await sys((ctx) => startCheck({ ctx, input: { personId, channel: 'line', source: 'patient' } }));
    const answers = ['36.8', '94', '96', '70', ...Array<string>(11).fill('いいえ'), 'なし', 'なし'];
    const alertIds: string[] = [];
    for (const text of answers) {
      const r = await sys((ctx) => answerCheck({ ctx, input: { sessionId, channel: 'line', input: { type: 'message', text } } }));
      if (!r.closed) alertIds.push(...r.alertIds);
    }
    const [alert] = await deps.db.select().from(alerts).where(eq(alerts.id, alertIds.at(-1)!));
    const drop = alert!.details.reasons?.find((r) => r.ruleId === 'spo2_drop');
    expect(drop?.values).toMatchObject({ spo2: 94, previous: 98, previousDate: TODAY, previousRound: '09:00' }); // plus the age that raised it to red
  });
});

describe('the history in the engine context the answer path locks and reads in one statement', () => {
  it('holds what loadHistory holds, to the edges of its 14 days: an early-morning answer of the first day in, the day before out', async () => {
    const other = await makePerson(deps, (await insertCentres(deps.db, '7')).a.code, { hasOximeter: true });
    // 00:30 in Tokyo on the window's first day is still the day before in UTC: read by time, it must not fall out.
    await report('2026-03-18', '09:00', 'completed', { spo2: 95 }, new Date('2026-03-17T15:30:00Z'), other);
    await report('2026-03-17', '09:00', 'completed', { spo2: 91 }, new Date('2026-03-17T00:10:00Z'), other); // 15 days before: out
    await report('2026-03-30', '09:00', 'missed', { spo2: 94 }, new Date('2026-03-30T00:10:00Z'), other);
    await report(TODAY, '09:00', 'completed', { spo2: 97 }, new Date('2026-04-01T00:10:00Z'), other);
    await report(TODAY, 'manual-1', 'active', { temperature: 37.1 }, new Date('2026-04-01T05:00:00Z'), other);
    const [session] = (await deps.db.select({ id: checkSessions.id, round: checkSessions.round }).from(checkSessions).where(eq(checkSessions.personId, other))).filter((r) => r.round === 'manual-1');
    const locked = await withTransaction(deps.db, { actor: systemActor('test'), now: NOW }, (ctx) => lockSessionWithContext(ctx, session!.id));
    const history = locked!.flowContext('line', NOW).history;
    expect(history).toEqual([
      { localDate: '2026-03-18', values: { spo2: 95 } },
      { localDate: '2026-03-30', values: { spo2: 94 } },
      { localDate: TODAY, round: '09:00', values: { spo2: 97 } },
    ]);
    expect(history).toEqual(await loadHistory(deps.db, other, TODAY));
  });
});
