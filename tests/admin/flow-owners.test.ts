import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowAssignments, flows } from '../../db/schema';
import { systemActor, withTransaction, type Actor, type Ctx } from '../../src/domain/context';
import { ForbiddenError, NotFoundError, ValidationError } from '../../src/domain/errors';
import { archiveFlowVersion } from '../../src/domain/flows/archive-flow-version';
import { createDraft } from '../../src/domain/flows/create-draft';
import { createFlow } from '../../src/domain/flows/create-flow';
import { getFlowVersion, listFlows } from '../../src/domain/flows/flow-queries';
import { publishFlowVersion } from '../../src/domain/flows/publish-flow-version';
import { updateDraft } from '../../src/domain/flows/update-draft';
import { registerPerson } from '../../src/domain/persons/register-person';
import { transferPerson } from '../../src/domain/persons/transfer-person';
import { updatePerson } from '../../src/domain/persons/update-person';
import { createTestDeps, type TestDeps } from '../support/deps';
import { auditRows, insertCentres, insertStaffActor } from './flows-reports-fixtures';

/**
 * Flows have an owner: the nation, a prefecture or a health centre. Who sees a flow, who
 * may publish it and which persons may be asked it all follow from that owner.
 * Centres: a and b under Tokyo (13), c under Osaka (27).
 */
let deps: TestDeps;
let centres: Awaited<ReturnType<typeof insertCentres>>;
const actors = {} as Record<'nurseA' | 'adminA' | 'adminB' | 'adminC' | 'prefTokyo' | 'prefOsaka' | 'nation' | 'clinician', Actor>;
const run = <T>(actor: Actor, fn: (ctx: Ctx) => Promise<T>) => withTransaction(deps.db, { actor, now: deps.now() }, fn);
const sys = systemActor('test');
const refusal = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);
const fieldsOf = (e: unknown) => (e as ValidationError).fields.map((f) => f.field);

beforeAll(async () => {
  deps = await createTestDeps();
  centres = await insertCentres(deps.db, '5');
  const { a, b, c, tokyo, osaka } = centres;
  actors.nurseA = await insertStaffActor(deps.db, 'nurse', a);
  actors.adminA = await insertStaffActor(deps.db, 'centre_admin', a);
  actors.adminB = await insertStaffActor(deps.db, 'centre_admin', b);
  actors.adminC = await insertStaffActor(deps.db, 'centre_admin', c);
  actors.prefTokyo = await insertStaffActor(deps.db, 'prefecture_officer', tokyo);
  actors.prefOsaka = await insertStaffActor(deps.db, 'prefecture_officer', osaka);
  actors.nation = await insertStaffActor(deps.db, 'national_officer', null);
  actors.clinician = await insertStaffActor(deps.db, 'clinician', null);
});
afterAll(async () => deps?.close());

const make = (actor: Actor, key: string, from = 'patient-daily') =>
  run(actor, (ctx) => createFlow({ ctx, input: { key, nameJa: `${key} の健康観察`, nameEn: `${key} daily check`, from } }));

describe('createFlow', () => {
  it('answers 422 naming each bad field, and refuses nurses', async () => {
    const bad = await refusal(run(actors.adminA, (ctx) => createFlow({ ctx, input: { key: 'Minato_Daily', nameJa: '', from: 'patient-daily' } })));
    expect(bad).toBeInstanceOf(ValidationError);
    expect(fieldsOf(bad).sort()).toEqual(['key', 'nameEn', 'nameJa']);
    const key = (bad as ValidationError).fields.find((f) => f.field === 'key')!;
    expect(key.messageJa).toContain('英小文字・数字・ハイフン');
    for (const k of ['-minato', 'minato-', 'mi--nato', 'ミナト', 'ab', 'x'.repeat(41)]) {
      const e = await refusal(make(actors.adminA, k));
      expect(fieldsOf(e), k).toEqual(['key']);
    }
    const neither = await refusal(run(actors.adminA, (ctx) => createFlow({ ctx, input: { key: 'minato-x', nameJa: '港', nameEn: 'Minato' } })));
    expect(fieldsOf(neither)).toEqual(['from']);
    expect((neither as ValidationError).fields[0]!.messageJa).toContain('どちらか一方');
    const unknown = await refusal(make(actors.adminA, 'minato-x', 'no-such-flow'));
    expect(fieldsOf(unknown)).toEqual(['from']);
    const taken = await refusal(make(actors.adminA, 'patient-daily'));
    expect(fieldsOf(taken)).toEqual(['key']);
    expect((taken as ValidationError).fields[0]!.messageJa).toContain('使われています');
    const definition = (await getFlowVersion(deps.db, 'patient-daily', 1)).definition as Record<string, unknown>;
    const wrongKey = await refusal(run(actors.adminA, (ctx) => createFlow({ ctx, input: { key: 'minato-x', nameJa: '港', nameEn: 'Minato', definition } })));
    expect(fieldsOf(wrongKey)).toEqual(['definition.key']);
    expect(await refusal(make(actors.nurseA, 'minato-x'))).toBeInstanceOf(ForbiddenError);
    expect(await deps.db.select().from(flows).where(eq(flows.key, 'minato-x'))).toEqual([]);
  });

  it('creates draft version 1 owned by the actor\'s jurisdiction, a copy with the new key and names; audited', async () => {
    expect(await make(actors.adminA, 'centre-a')).toEqual({ key: 'centre-a', version: 1, owner: centres.a.id });
    const row = await getFlowVersion(deps.db, 'centre-a', 1);
    expect(row).toMatchObject({ status: 'draft', owner: { code: centres.a.code, kind: 'health_centre' } });
    const def = row.definition as { key: string; name: { ja: string; en: string }; nodes: object };
    expect(def.key).toBe('centre-a');
    expect(def.name).toEqual({ ja: 'centre-a の健康観察', en: 'centre-a daily check' });
    expect(def.nodes).toEqual(((await getFlowVersion(deps.db, 'patient-daily', 1)).definition as { nodes: object }).nodes);
    const audit = (await auditRows(deps.db, 'create')).find((r) => r.entity === 'flow');
    expect(audit).toMatchObject({ details: { flow: 'centre-a', owner: centres.a.id, from: 'patient-daily@1' } });
    expect(await make(actors.adminB, 'centre-b')).toMatchObject({ owner: centres.b.id });
    expect(await make(actors.adminC, 'centre-c', 'contact-daily')).toMatchObject({ owner: centres.c.id });
    expect(await make(actors.prefTokyo, 'tokyo-wide')).toMatchObject({ owner: centres.tokyo.id });
    expect(await make(actors.nation, 'nation-extra')).toMatchObject({ owner: null });
    // Only a flow the actor sees can be copied: centre B's is "unknown" to centre A.
    expect(fieldsOf(await refusal(make(actors.adminA, 'copy-of-b', 'centre-b')))).toEqual(['from']);
  });
});

describe('who sees which flows', () => {
  const keys = async (actor: Actor) => (await listFlows(deps.db, actor)).map((f) => f.key);

  it('a centre sees national flows and its own and its prefecture\'s; not another centre\'s', async () => {
    expect(await keys(actors.nurseA)).toEqual(['child-daily', 'contact-daily', 'facility-daily', 'nation-extra', 'patient-daily', 'tokyo-wide', 'centre-a']);
    expect(await keys(actors.adminB)).toEqual(['child-daily', 'contact-daily', 'facility-daily', 'nation-extra', 'patient-daily', 'tokyo-wide', 'centre-b']);
    expect(await keys(actors.prefTokyo)).toEqual(['child-daily', 'contact-daily', 'facility-daily', 'nation-extra', 'patient-daily', 'tokyo-wide', 'centre-a', 'centre-b']);
    expect(await keys(actors.prefOsaka)).toEqual(['child-daily', 'contact-daily', 'facility-daily', 'nation-extra', 'patient-daily', 'centre-c']);
    expect(await keys(actors.nation)).toEqual(['child-daily', 'contact-daily', 'facility-daily', 'nation-extra', 'patient-daily', 'tokyo-wide', 'centre-a', 'centre-b', 'centre-c']);
    expect(await keys(actors.clinician)).toEqual(['child-daily', 'contact-daily', 'facility-daily', 'nation-extra', 'patient-daily']);
    const list = await listFlows(deps.db, actors.nurseA);
    expect(list.find((f) => f.key === 'patient-daily')!.owner).toBeNull();
    expect(list.find((f) => f.key === 'tokyo-wide')!.owner).toMatchObject({ kind: 'prefecture', nameJa: '東京都' });
  });

  it('another centre\'s flow is "not found" for reading, drafting and editing', async () => {
    await expect(getFlowVersion(deps.db, 'centre-a', 1, { visibleTo: actors.adminB })).rejects.toThrow(NotFoundError);
    await expect(getFlowVersion(deps.db, 'centre-a', 1, { visibleTo: actors.prefOsaka })).rejects.toThrow(NotFoundError);
    expect((await getFlowVersion(deps.db, 'centre-a', 1, { visibleTo: actors.prefTokyo })).flowKey).toBe('centre-a');
    const def = (await getFlowVersion(deps.db, 'centre-a', 1)).definition;
    await expect(run(actors.adminB, (ctx) => updateDraft({ ctx, input: { flowKey: 'centre-a', version: 1, definition: def } }))).rejects.toThrow(NotFoundError);
    await expect(run(actors.adminB, (ctx) => archiveFlowVersion({ ctx, input: { flowKey: 'centre-a', version: 1 } }))).rejects.toThrow(NotFoundError);
    // The prefecture's flow is in sight of centre B: a draft is refused only because one is open.
    await expect(run(actors.adminB, (ctx) => createDraft({ ctx, input: { flowKey: 'tokyo-wide' } }))).rejects.toThrow(/already a draft/);
  });
});

describe('who may publish: role × owner', () => {
  /** A fresh draft of `key` (any open one is discarded first), then `actor` tries to publish it. */
  const tryPublish = async (actor: Actor, key: string) => {
    const open = (await listFlows(deps.db, sys)).find((f) => f.key === key)!.draft;
    if (open) await run(sys, (ctx) => archiveFlowVersion({ ctx, input: { flowKey: key, version: open } }));
    const { version } = await run(sys, (ctx) => createDraft({ ctx, input: { flowKey: key } }));
    return run(actor, (ctx) => publishFlowVersion({ ctx, input: { flowKey: key, version } })).catch((e: unknown) => e);
  };
  const cases: [string, keyof typeof actors, string, 'ok' | 403 | 404, string?][] = [
    ['a centre admin publishes their own centre\'s flow', 'adminA', 'centre-a', 'ok'],
    ['a nurse may not publish even their own centre\'s flow', 'nurseA', 'centre-a', 403, '保健所管理者以上'],
    ['a centre admin may not publish a national flow', 'adminA', 'patient-daily', 403, '国の担当者のみ'],
    ['a centre admin may not publish their prefecture\'s flow', 'adminA', 'tokyo-wide', 403, '東京都とその上位の担当者のみ'],
    ['another centre\'s admin does not see the flow', 'adminB', 'centre-a', 404],
    ['a prefecture officer publishes a centre\'s flow under the prefecture', 'prefTokyo', 'centre-a', 'ok'],
    ['a prefecture officer publishes the prefecture\'s flow', 'prefTokyo', 'tokyo-wide', 'ok'],
    ['a prefecture officer may not publish a national flow', 'prefTokyo', 'contact-daily', 403, '国の担当者のみ'],
    ['another prefecture\'s officer does not see the flow', 'prefOsaka', 'centre-a', 404],
    ['a national officer publishes any centre\'s flow', 'nation', 'centre-c', 'ok'],
    ['a national officer publishes a national flow', 'nation', 'patient-daily', 'ok'],
  ];
  it.each(cases)('%s', async (_title, who, key, expected, ja) => {
    const outcome = await tryPublish(actors[who], key);
    if (expected === 'ok') return expect(outcome).toMatchObject({ version: expect.any(Number) });
    if (expected === 404) return expect(outcome).toBeInstanceOf(NotFoundError);
    expect(outcome).toBeInstanceOf(ForbiddenError);
    expect((outcome as ForbiddenError).messageJa).toContain(ja);
  });

  it('audits every publish with the flow\'s owner', async () => {
    const rows = (await auditRows(deps.db, 'publish')).map((r) => r.details as { flow: string; owner: string | null });
    expect(rows.map((r) => r.flow)).toEqual(['centre-a', 'centre-a', 'tokyo-wide', 'centre-c', 'patient-daily']);
    expect(rows[0]!.owner).toBe(centres.a.code);
    expect(rows[4]!.owner).toBeNull();
  });

  it('archiving a published version follows the same rule; discarding a draft does not', async () => {
    const published = (await listFlows(deps.db, sys)).find((f) => f.key === 'centre-a')!.versions.filter((v) => v.status === 'published');
    expect(published.length).toBeGreaterThan(1);
    const older = published.at(-1)!.version;
    await expect(run(actors.adminB, (ctx) => archiveFlowVersion({ ctx, input: { flowKey: 'centre-a', version: older } }))).rejects.toThrow(NotFoundError);
    await expect(run(actors.adminA, (ctx) => archiveFlowVersion({ ctx, input: { flowKey: 'patient-daily', version: 1 } }))).rejects.toThrow(ForbiddenError);
    await run(actors.adminA, (ctx) => archiveFlowVersion({ ctx, input: { flowKey: 'centre-a', version: older } }));
    expect((await getFlowVersion(deps.db, 'centre-a', older)).status).toBe('archived');
    const { version } = await run(actors.nurseA, (ctx) => createDraft({ ctx, input: { flowKey: 'patient-daily' } }));
    await run(actors.adminA, (ctx) => archiveFlowVersion({ ctx, input: { flowKey: 'patient-daily', version } }));
  });
});

describe('which flows a person may be asked', () => {
  const register = (centreCode: string, flowKey: string) =>
    run(sys, (ctx) => registerPerson({ ctx, input: { caseNumber: `F-${Math.random().toString(36).slice(2, 8)}`, name: '見守 一郎', classification: 'confirmed', responsibleCentreCode: centreCode, flowKey } }));
  const flowOf = async (personId: string) =>
    (await deps.db.select({ key: flows.key }).from(flowAssignments).innerJoin(flows, eq(flows.id, flowAssignments.flowId)).where(eq(flowAssignments.personId, personId)))[0]!.key;

  it('national flows, and flows of the person\'s centre or its prefecture; anything else is a 422 on flowKey', async () => {
    const { a, b, c } = centres;
    expect(await flowOf((await register(a.code, 'centre-a')).id)).toBe('centre-a');
    expect(await flowOf((await register(b.code, 'tokyo-wide')).id)).toBe('tokyo-wide');
    expect(await flowOf((await register(c.code, 'patient-daily')).id)).toBe('patient-daily');
    for (const [centre, key] of [[b.code, 'centre-a'], [c.code, 'tokyo-wide'], [a.code, 'no-such-flow']] as const) {
      const e = await refusal(register(centre, key));
      expect(e, `${centre} ${key}`).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).fields).toEqual([expect.objectContaining({ field: 'flowKey', messageJa: expect.stringContaining('担当保健所またはその都道府県') })]);
    }
    // A flow with no published version yet cannot start a check.
    await make(actors.adminA, 'centre-a-new');
    expect((await refusal(register(a.code, 'centre-a-new')) as ValidationError).fields[0]).toMatchObject({ field: 'flowKey', messageJa: expect.stringContaining('公開された版') });
  });

  it('an edit may change the flow under the same rule; a move to another centre falls back to the national flow', async () => {
    const { a, b } = centres;
    const { id } = await register(a.code, 'patient-daily');
    const changed = await run(actors.nurseA, (ctx) => updatePerson({ ctx, input: { personId: id, fields: { flowKey: 'centre-a' } } }));
    expect(changed.changed).toEqual(['flowKey']);
    expect(await flowOf(id)).toBe('centre-a');
    expect((await run(actors.nurseA, (ctx) => updatePerson({ ctx, input: { personId: id, fields: { flowKey: 'centre-a' } } }))).changed).toEqual([]);
    const refused = await refusal(run(actors.nurseA, (ctx) => updatePerson({ ctx, input: { personId: id, fields: { flowKey: 'centre-b', name: '変更 されない' } } })));
    expect(fieldsOf(refused)).toEqual(['flowKey']);
    expect(await flowOf(id)).toBe('centre-a');
    await run(actors.nurseA, (ctx) => transferPerson({ ctx, input: { personId: id, centreCode: b.code } }));
    expect(await flowOf(id)).toBe('patient-daily');
    const transfer = (await auditRows(deps.db, 'transfer')).at(-1)!;
    expect(transfer.details).toMatchObject({ flow: { from: 'centre-a', to: 'patient-daily' } });
  });
});
