import { asc, eq, inArray, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkSessions, inboundEvents, observations, outboundMessages } from '../../../db/schema';
import { processLineInbound } from '../../../src/bot/line/process-inbound';
import { systemActor, withTransaction } from '../../../src/domain/context';
import { createHousehold } from '../../../src/domain/households/household-verbs';
import { clock, lineEvent, linkedPatient, postWebhook, registerPatient, say, setupLine, textEvent, textsOf, type LineTest } from './helpers';

/**
 * Issue 16, the set-based batch: one run reads its senders' links and open sessions ahead
 * (two statements), and writes every answer's observations, session state and reply
 * together before it commits. What a later event of the batch reads must still be what the
 * earlier ones wrote, and a household's answers (read and written event by event) must
 * mix with the others without loss.
 */
let t: LineTest;
beforeAll(async () => {
  t = await setupLine();
});
afterAll(async () => t.close());
beforeEach(() => t.line.reset());

/** Store the events (the webhook), then run only the job of the last one: it takes every waiting event of its sender and of up to 49 others. */
async function storeThenRunLast(...events: unknown[]): Promise<void> {
  clock.at = new Date(clock.at.getTime() + 1000);
  for (const e of events) expect((await postWebhook(t, [e])).status).toBe(200);
  const waiting = await t.deps.db.select({ id: inboundEvents.id }).from(inboundEvents).where(isNull(inboundEvents.processedAt)).orderBy(asc(inboundEvents.seq));
  expect(waiting).toHaveLength(events.length);
  await processLineInbound(t.deps, waiting.at(-1)!.id);
  expect(await t.deps.db.select({ id: inboundEvents.id }).from(inboundEvents).where(isNull(inboundEvents.processedAt))).toHaveLength(0);
}

describe('answers batched across senders, read ahead and written together', () => {
  it("one sender's two events in one batch: the second sees what the first recorded (the next question shown again)", async () => {
    const { personId, user } = await linkedPatient(t);
    await say(t, textEvent(user, '今すぐ報告'));
    t.line.reset();
    await storeThenRunLast(textEvent(user, '３６度５分'), lineEvent(user, 'message', { message: { type: 'sticker', id: '1', packageId: '1', stickerId: '1' } }));
    const [session] = await t.deps.db.select().from(checkSessions).where(eq(checkSessions.personId, personId));
    const obs = await t.deps.db.select().from(observations).where(eq(observations.sessionId, session!.id));
    expect(obs.map((o) => [o.questionId, o.valueNumber])).toEqual([['temperature', 36.5]]);
    expect(session).toMatchObject({ status: 'active' });
    expect((session!.state as { nodeId: string }).nodeId).not.toBe('temperature');
    // Two replies, in order: the question after the temperature, then the sticker note with that same question again.
    const texts = t.line.calls.map((c) => textsOf([c]));
    expect(texts).toHaveLength(2);
    expect(texts[0]).not.toContain('体温');
    expect(texts[1]).toContain('スタンプや画像');
    expect(texts[1]).not.toContain('体温');
    const lastQuestion = texts[0]!.split('\n---\n').at(-1)!;
    expect(texts[1]).toContain(lastQuestion);
  });

  it("three senders in one batch — two patients on their own and a mother answering for her child — each answer recorded as its person's, each replied to once", async () => {
    const a = await linkedPatient(t, { name: '見守 一' });
    const b = await linkedPatient(t, { name: '見守 二' });
    const mother = await linkedPatient(t, { name: '見守 花江' });
    const child = await registerPatient(t, { name: '見守 花子', dateOfBirth: '2020-12-01', preferredChannel: 'line' });
    await withTransaction(t.deps.db, { actor: systemActor('test'), now: clock.at }, (ctx) =>
      createHousehold({ ctx, input: { reporterPersonId: mother.personId, reporterRelation: '母', householdNumber: `H-${Date.now()}`, members: [{ personId: child, relation: '子' }] } }),
    );
    for (const p of [a, b, mother]) await say(t, textEvent(p.user, '今すぐ報告'));
    // The mother's own check first; answer it up to her child's, event by event as before.
    const sessionsOf = (ids: string[]) => t.deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, ids));
    expect((await sessionsOf([child]))[0]).toMatchObject({ status: 'pending', source: 'household' });
    t.line.reset();

    await storeThenRunLast(textEvent(a.user, '３６度６分'), textEvent(mother.user, '３７度１分'), textEvent(b.user, '３６度９分'));

    const sessions = await sessionsOf([a.personId, b.personId, mother.personId, child]);
    const obs = await t.deps.db.select().from(observations).where(inArray(observations.sessionId, sessions.map((s) => s.id)));
    const temp = (personId: string) => obs.find((o) => o.personId === personId && o.questionId === 'temperature');
    expect(temp(a.personId)).toMatchObject({ valueNumber: 36.6, answeredByPersonId: null });
    expect(temp(b.personId)).toMatchObject({ valueNumber: 36.9, answeredByPersonId: null });
    expect(temp(mother.personId)).toMatchObject({ valueNumber: 37.1, answeredByPersonId: null });
    expect(temp(child)).toBeUndefined();
    for (const s of sessions.filter((s) => s.personId !== child)) expect(s.status).toBe('active');
    // One reply each, to the right person, none twice.
    expect(t.line.calls).toHaveLength(3);
    const rows = await t.deps.db.select().from(outboundMessages).where(inArray(outboundMessages.personId, [a.personId, b.personId, mother.personId]));
    const replies = rows.filter((r) => r.createdAt.getTime() === clock.at.getTime());
    expect(replies.map((r) => r.personId).sort()).toEqual([a.personId, b.personId, mother.personId].sort());
    expect(replies.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });
});
