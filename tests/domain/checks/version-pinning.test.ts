import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSessions } from '../../../db/schema';
import { answerCheck } from '../../../src/domain/checks/answer-check';
import { startCheck } from '../../../src/domain/checks/start-check';
import { systemActor, withTransaction, type Actor } from '../../../src/domain/context';
import { createDraft } from '../../../src/domain/flows/create-draft';
import { getFlowVersion } from '../../../src/domain/flows/flow-queries';
import { publishFlowVersion } from '../../../src/domain/flows/publish-flow-version';
import { updateDraft } from '../../../src/domain/flows/update-draft';
import type { FlowDefinition } from '../../../src/flows';
import { makePerson } from '../../admin/fixtures';
import { insertCentres, insertStaffActor } from '../../admin/flows-reports-fixtures';
import { createTestDeps, type TestDeps } from '../../support/deps';

/**
 * A check session pins the flow version it started on: publishing a new version while a
 * person is half-way through never changes their questions. Runs the real verbs against
 * PostgreSQL — the host loads the session's version by id, which the engine cannot check.
 */
let deps: TestDeps;
let nurse: Actor;
let nation: Actor;
let personId: string;
const sys = <T>(fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor: systemActor('test'), now: deps.now() }, fn);
const as = <T>(actor: Actor, fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor, now: deps.now() }, fn);
const answer = (sessionId: string, text: string) =>
  sys((ctx) => answerCheck({ ctx, input: { sessionId, channel: 'line', input: { type: 'message', text } } }));
const texts = (r: { closed: boolean } & Partial<{ messages: { text: string }[] }>) => (r.messages ?? []).map((m) => m.text);

beforeAll(async () => {
  deps = await createTestDeps();
  const { a } = await insertCentres(deps.db, '7');
  nurse = await insertStaffActor(deps.db, 'nurse', a);
  // patient-daily is a national flow: a national officer publishes its versions.
  nation = await insertStaffActor(deps.db, 'national_officer', null);
  personId = await makePerson(deps, a.code);
});
afterAll(async () => deps?.close());

describe('a running session keeps its flow version after a new one is published', () => {
  it('v1 session asks v1 questions (and v1 order) to the end; a new session asks v2', async () => {
    const v1 = (await getFlowVersion(deps.db, 'patient-daily', 1)).definition as FlowDefinition;
    const { sessionId: old } = await sys((ctx) => startCheck({ ctx, input: { personId, channel: 'line', source: 'patient' } }));
    const v1Face = (v1.nodes.face as { text: { ja: string } }).text.ja;

    // v2: a different face wording, and 意識 asked before 息苦しさ.
    const { version } = await as(nurse, (ctx) => createDraft({ ctx, input: { flowKey: 'patient-daily' } }));
    expect(version).toBe(2);
    const v2 = structuredClone(v1);
    (v2.nodes.face as { text: { ja: string } }).text.ja = '【v2】顔色はいつもと違いますか？';
    (v2.nodes.face as { next: string }).next = 'consciousness';
    (v2.nodes.consciousness as { next: string }).next = 'breathless';
    (v2.nodes.breathless as { next: string }).next = 'symptoms';
    await as(nurse, (ctx) => updateDraft({ ctx, input: { flowKey: 'patient-daily', version: 2, definition: v2 } }));
    await as(nation, (ctx) => publishFlowVersion({ ctx, input: { flowKey: 'patient-daily', version: 2 } }));

    // The old session, answered after the publish: v1's face wording, then v1's next question (息苦しさ).
    expect(texts(await answer(old, '36.6'))).toEqual([v1Face]);
    expect(texts(await answer(old, 'いいえ'))).toEqual([(v1.nodes.breathless as { text: { ja: string } }).text.ja]);
    const [row] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, old));
    expect(row!.state).toMatchObject({ version: 1, nodeId: 'breathless' });

    // A session started now is on v2.
    const { sessionId: fresh } = await sys((ctx) => startCheck({ ctx, input: { personId, channel: 'line', source: 'patient' } }));
    expect(texts(await answer(fresh, '36.6'))).toEqual(['【v2】顔色はいつもと違いますか？']);
    expect(texts(await answer(fresh, 'いいえ'))).toEqual([(v1.nodes.consciousness as { text: { ja: string } }).text.ja]);
  });
});
