import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSessions, observations } from '../../../db/schema';
import { answerCheck } from '../../../src/domain/checks/answer-check';
import { currentPrompt } from '../../../src/domain/checks/current-prompt';
import { findPersonSession, isSessionOpen } from '../../../src/domain/checks/session';
import { startCheck } from '../../../src/domain/checks/start-check';
import { systemActor, withTransaction, type Actor } from '../../../src/domain/context';
import { makePerson } from '../../admin/fixtures';
import { insertCentres } from '../../admin/flows-reports-fixtures';
import { createTestDeps, type TestDeps } from '../../support/deps';

/** The check session's own rules, in the domain: whose it is, whether it is open, what it asks now. */
let deps: TestDeps;
let alice: string;
let bob: string;
const run = <T>(actor: Actor, fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor, now: deps.now() }, fn);
const patient = (personId: string): Actor => ({ kind: 'patient', personId, channel: 'line' });

beforeAll(async () => {
  deps = await createTestDeps();
  const { a } = await insertCentres(deps.db, '8');
  alice = await makePerson(deps, a.code);
  bob = await makePerson(deps, a.code);
});
afterAll(async () => deps?.close());

describe('check sessions in the domain', () => {
  it("answerCheck refuses another person's session as closed and records nothing; the owner's answer is recorded", async () => {
    const { sessionId } = await run(systemActor('test'), (ctx) => startCheck({ ctx, input: { personId: alice, channel: 'line', source: 'patient' } }));
    const answer = { sessionId, channel: 'line' as const, input: { type: 'message' as const, text: '36.6' } };
    const stranger = await run(patient(bob), (ctx) => answerCheck({ ctx, input: answer }));
    expect(stranger).toMatchObject({ closed: true, status: 'not_yours' });
    expect(await deps.db.select().from(observations).where(eq(observations.sessionId, sessionId))).toHaveLength(0);
    const owner = await run(patient(alice), (ctx) => answerCheck({ ctx, input: answer }));
    expect(owner.closed).toBe(false);
    expect(await deps.db.select().from(observations).where(eq(observations.sessionId, sessionId))).toHaveLength(1);
  });

  it('findPersonSession names only the person’s own session; currentPrompt is the waiting question', async () => {
    const { sessionId, messages } = await run(systemActor('test'), (ctx) => startCheck({ ctx, input: { personId: alice, channel: 'sms', source: 'patient' } }));
    expect(await findPersonSession(deps.db, bob, { sessionId })).toBeNull();
    const own = await findPersonSession(deps.db, alice, { sessionId });
    expect(own?.id).toBe(sessionId);
    expect(isSessionOpen(own!, deps.now())).toBe(true);
    expect(isSessionOpen({ ...own!, expiresAt: deps.now() }, deps.now())).toBe(false);
    expect(isSessionOpen({ ...own!, status: 'completed' }, deps.now())).toBe(false);
    const asked = await currentPrompt(deps.db, sessionId, 'sms', deps.now());
    expect(asked.map((m) => m.text)).toEqual([messages.at(-1)!.text]);
    // A session nobody has begun shows the flow's opening (computed, not stored).
    await deps.db.update(checkSessions).set({ state: null }).where(eq(checkSessions.id, sessionId));
    const opening = await currentPrompt(deps.db, sessionId, 'sms', deps.now());
    expect(opening.map((m) => m.text)).toEqual(messages.map((m) => m.text));
  });
});
