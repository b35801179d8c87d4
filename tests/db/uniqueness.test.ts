import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSessions, flowVersions, inboundEvents, observations, outboundMessages } from '../../db/schema';
import { dbRejection } from '../support/db-errors';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPerson } from '../support/fixtures';

let deps: TestDeps;
let personId: string;
let versionId: string;

beforeAll(async () => {
  deps = await createTestDeps();
  await createCentre(deps.db, { code: 'u-centre' });
  personId = (await createPerson(deps.db, 'u-centre')).id;
  versionId = (await deps.db.select({ id: flowVersions.id }).from(flowVersions).limit(1))[0]!.id;
});
afterAll(() => deps.close());

const session = (round: string, localDate = '2026-11-24') => ({
  personId,
  flowVersionId: versionId,
  localDate,
  round,
  channel: 'line' as const,
  dueAt: new Date('2026-11-24T00:00:00Z'),
  expiresAt: new Date('2026-11-24T06:00:00Z'),
});

describe('uniqueness rules', () => {
  it('one check session per person, local date and round', async () => {
    await deps.db.insert(checkSessions).values(session('09:00'));
    expect(await dbRejection(deps.db.insert(checkSessions).values(session('09:00')))).toMatch(/check_sessions_person_date_round_uq/);
    // A second tick's bulk insert creates nothing new.
    const again = await deps.db.insert(checkSessions).values([session('09:00'), session('15:00')]).onConflictDoNothing().returning({ id: checkSessions.id });
    expect(again).toHaveLength(1);
    await deps.db.insert(checkSessions).values(session('09:00', '2026-11-25'));
    const [n] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(checkSessions).where(eq(checkSessions.personId, personId));
    expect(n!.n).toBe(3);
  });

  it('one inbound row per provider event id; the same id from another provider is another event', async () => {
    const ev = { provider: 'line' as const, providerEventId: '01HXYZ-event', payload: { type: 'message' } };
    const first = await deps.db.insert(inboundEvents).values(ev).onConflictDoNothing().returning({ id: inboundEvents.id });
    const dup = await deps.db.insert(inboundEvents).values(ev).onConflictDoNothing().returning({ id: inboundEvents.id });
    const other = await deps.db.insert(inboundEvents).values({ ...ev, provider: 'twilio_sms' }).onConflictDoNothing().returning({ id: inboundEvents.id });
    expect([first.length, dup.length, other.length]).toEqual([1, 0, 1]);
  });

  it('one observation per session and question', async () => {
    const [s] = await deps.db.select({ id: checkSessions.id }).from(checkSessions).limit(1);
    const obs = { personId, sessionId: s!.id, questionId: 'temperature', kind: 'number', valueNumber: 37.5, value: 37.5, raw: '37度5分', status: 'answered' as const, channel: 'line' as const, observedAt: new Date() };
    await deps.db.insert(observations).values(obs);
    expect(await dbRejection(deps.db.insert(observations).values(obs))).toMatch(/observations_session_question_uq/);
  });

  it('one outbound message per retry key', async () => {
    const msg = { channel: 'line' as const, kind: 'prompt', retryKey: 'prompt:abc' };
    await deps.db.insert(outboundMessages).values(msg);
    expect(await dbRejection(deps.db.insert(outboundMessages).values(msg))).toMatch(/outbound_messages_retry_key_uq/);
  });

  it('a published flow version cannot be edited', async () => {
    expect(await dbRejection(deps.db.update(flowVersions).set({ definition: { changed: true } }).where(eq(flowVersions.id, versionId)))).toMatch(/cannot be changed/);
  });
});
