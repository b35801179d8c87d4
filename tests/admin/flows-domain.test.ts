import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowVersions } from '../../db/schema';
import { latestPublishedVersionId } from '../../src/domain/flows/flow-versions';
import { archiveFlowVersion } from '../../src/domain/flows/archive-flow-version';
import { createDraft } from '../../src/domain/flows/create-draft';
import { diffDefinitions } from '../../src/domain/flows/definition-diff';
import { getFlowVersion, listFlows } from '../../src/domain/flows/flow-queries';
import { publishFlowVersion } from '../../src/domain/flows/publish-flow-version';
import { simulateFlow } from '../../src/domain/flows/simulate-flow';
import { updateDraft } from '../../src/domain/flows/update-draft';
import { withTransaction, type Actor } from '../../src/domain/context';
import { ConflictError, ForbiddenError, ValidationError } from '../../src/domain/errors';
import { parseFlowDefinition, type FlowDefinition } from '../../src/flows';
import { createTestDeps, type TestDeps } from '../support/deps';
import { auditRows, insertCentres, insertStaffActor } from './flows-reports-fixtures';

let deps: TestDeps;
let nurse: Actor;
let admin: Actor;
let nation: Actor;
let pref: Actor;
const run = <T>(actor: Actor, fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor, now: deps.now() }, fn);

beforeAll(async () => {
  deps = await createTestDeps();
  const { a, tokyo } = await insertCentres(deps.db, '1');
  nurse = await insertStaffActor(deps.db, 'nurse', a);
  admin = await insertStaffActor(deps.db, 'centre_admin', a);
  nation = await insertStaffActor(deps.db, 'national_officer', null);
  pref = await insertStaffActor(deps.db, 'prefecture_officer', tokyo);
});
afterAll(async () => deps?.close());

describe('flow versions: draft → publish → archive', () => {
  let draft: FlowDefinition;

  it('creates a draft as a copy of the latest version with the next number, one at a time', async () => {
    const r = await run(nurse, (ctx) => createDraft({ ctx, input: { flowKey: 'patient-daily' } }));
    expect(r.version).toBe(2);
    const row = await getFlowVersion(deps.db, 'patient-daily', 2);
    expect(row.status).toBe('draft');
    expect(row.definition).toEqual((await getFlowVersion(deps.db, 'patient-daily', 1)).definition);
    draft = row.definition as FlowDefinition;
    await expect(run(nurse, (ctx) => createDraft({ ctx, input: { flowKey: 'patient-daily' } }))).rejects.toThrow(ConflictError);
    const flows = await listFlows(deps.db, nation);
    expect(flows.find((f) => f.key === 'patient-daily')).toMatchObject({ current: 1, draft: 2 });
  });

  it('refuses an invalid definition with the field of each problem and stores nothing', async () => {
    const broken = structuredClone(draft);
    (broken.nodes.temperature as { next: string }).next = 'nowhere';
    const err = await run(nurse, (ctx) => updateDraft({ ctx, input: { flowKey: 'patient-daily', version: 2, definition: broken } })).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).fields.map((f) => f.field)).toContain('definition.nodes.temperature.next');
    expect((err as ValidationError).fields[0]!.messageJa).toBeTruthy();
    const shape = await run(nurse, (ctx) => updateDraft({ ctx, input: { flowKey: 'patient-daily', version: 2, definition: { ...draft, rules: 'x' } } })).catch((e) => e);
    expect((shape as ValidationError).fields.map((f) => f.field)).toContain('definition.rules');
    const renamed = await run(nurse, (ctx) => updateDraft({ ctx, input: { flowKey: 'patient-daily', version: 2, definition: { ...draft, key: 'other' } } })).catch((e) => e);
    expect((renamed as ValidationError).fields.map((f) => f.field)).toEqual(['definition.key']);
    expect((await getFlowVersion(deps.db, 'patient-daily', 2)).definition).toEqual(draft);
  });

  it('saves a valid edit and the diff names the changed path', async () => {
    const edited = structuredClone(draft);
    const temperature = edited.nodes.temperature as { text: FlowDefinition['name'] };
    temperature.text = { ...temperature.text, ja: '今朝の体温は何度ですか？' };
    const fever = edited.rules.find((r) => r.id === 'fever' || (r.type === 'threshold' && r.gte !== undefined))!;
    const r = await run(nurse, (ctx) => updateDraft({ ctx, input: { flowKey: 'patient-daily', version: 2, definition: edited } }));
    expect(r.changed).toBe(true);
    const stored = (await getFlowVersion(deps.db, 'patient-daily', 2)).definition;
    const changes = diffDefinitions(draft, stored);
    expect(changes).toEqual([{ path: 'nodes.temperature.text.ja', kind: 'changed', before: expect.any(String), after: '今朝の体温は何度ですか？' }]);
    expect(fever).toBeDefined();
    draft = stored as FlowDefinition;
  });

  it('lets only national officers publish a national flow; publishing is audited and freezes the definition', async () => {
    for (const [actor, ja] of [[nurse, '保健所管理者以上'], [admin, '国の担当者のみ'], [pref, '国の担当者のみ']] as const) {
      const refused = await run(actor, (ctx) => publishFlowVersion({ ctx, input: { flowKey: 'patient-daily', version: 2 } })).catch((e) => e);
      expect(refused).toBeInstanceOf(ForbiddenError);
      expect((refused as ForbiddenError).messageJa).toContain(ja);
    }
    expect((await getFlowVersion(deps.db, 'patient-daily', 2)).status).toBe('draft');
    const r = await run(nation, (ctx) => publishFlowVersion({ ctx, input: { flowKey: 'patient-daily', version: 2 } }));
    expect(r).toEqual({ version: 2, supersedes: 1 });
    const row = await getFlowVersion(deps.db, 'patient-daily', 2);
    expect(row.status).toBe('published');
    expect(row.publishedBy).toBe((nation as { staffId: string }).staffId);
    // The previous version stays published (superseded), sessions pinned to it keep working.
    expect((await getFlowVersion(deps.db, 'patient-daily', 1)).status).toBe('published');
    const audits = await auditRows(deps.db, 'publish');
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ entity: 'flow_version', entity_id: row.id, details: { flow: 'patient-daily', version: 2, supersedes: 1 } });
    await expect(run(admin, (ctx) => updateDraft({ ctx, input: { flowKey: 'patient-daily', version: 2, definition: draft } }))).rejects.toThrow(ConflictError);
    // New check sessions start on the newest published version; the database refuses to change it.
    expect(await latestPublishedVersionId(deps.db, row.flowId)).toBe(row.id);
    await expect(deps.db.update(flowVersions).set({ definition: {} }).where(eq(flowVersions.id, row.id))).rejects.toThrow();
    await expect(run(nation, (ctx) => publishFlowVersion({ ctx, input: { flowKey: 'patient-daily', version: 2 } }))).rejects.toThrow(ConflictError);
  });

  it('archives explicitly (a published version of a national flow: national officers), but never the last published version', async () => {
    await expect(run(nurse, (ctx) => archiveFlowVersion({ ctx, input: { flowKey: 'patient-daily', version: 1 } }))).rejects.toThrow(ForbiddenError);
    await expect(run(admin, (ctx) => archiveFlowVersion({ ctx, input: { flowKey: 'patient-daily', version: 1 } }))).rejects.toThrow(ForbiddenError);
    await run(nation, (ctx) => archiveFlowVersion({ ctx, input: { flowKey: 'patient-daily', version: 1 } }));
    expect((await getFlowVersion(deps.db, 'patient-daily', 1)).status).toBe('archived');
    await expect(run(nation, (ctx) => archiveFlowVersion({ ctx, input: { flowKey: 'patient-daily', version: 2 } }))).rejects.toThrow(/only published/);
    // A draft can be discarded by archiving it: a centre administrator may.
    const d = await run(nurse, (ctx) => createDraft({ ctx, input: { flowKey: 'patient-daily' } }));
    await run(admin, (ctx) => archiveFlowVersion({ ctx, input: { flowKey: 'patient-daily', version: d.version } }));
    expect((await getFlowVersion(deps.db, 'patient-daily', d.version)).status).toBe('archived');
  });
});

describe('simulateFlow', () => {
  it('runs a definition over typed inputs and keeps the engine messages, observations and flags', async () => {
    const def = (await getFlowVersion(deps.db, 'patient-daily', 2)).definition;
    const parsed = parseFlowDefinition(def);
    if (!parsed.ok) throw new Error('default flow invalid');
    const sim = simulateFlow('patient-daily', 2, parsed.definition, { channel: 'line', inputs: ['39.2', '95', '80'] });
    expect(sim.lines[0]).toMatchObject({ from: 'bot' });
    expect(sim.lines.some((l) => l.from === 'bot' && l.message.text.includes('今朝の体温は何度ですか？'))).toBe(true);
    expect(sim.lines.filter((l) => l.from === 'patient').map((l) => (l as { text: string }).text)).toEqual(['39.2', '95', '80']);
    expect(sim.observations.find((o) => o.questionId === 'temperature')?.value).toBe(39.2);
    expect(sim.flags.length).toBeGreaterThan(0);
    expect(sim.status).toBe('active');
    const voice = simulateFlow('patient-daily', 2, parsed.definition, { channel: 'voice', inputs: ['368'] });
    expect(voice.lines.find((l) => l.from === 'patient')).toMatchObject({ input: 'digits', text: '368' });
    expect(() => simulateFlow('patient-daily', 2, parsed.definition, { channel: 'fax' as never })).toThrow(ValidationError);
  });
});

describe('diffDefinitions', () => {
  it('walks objects and arrays of objects, and treats arrays of values as one value', () => {
    const a = { nodes: { q: { text: { ja: 'あ' }, next: 'x' } }, rules: [{ id: 'r', gte: 38, except: ['a'] }] };
    const b = { nodes: { q: { text: { ja: 'い' }, next: 'x' }, n: { type: 'end' } }, rules: [{ id: 'r', gte: 37.5, except: ['a', 'b'] }, { id: 's' }] };
    expect(diffDefinitions(a, b)).toEqual([
      { path: 'nodes.q.text.ja', kind: 'changed', before: 'あ', after: 'い' },
      { path: 'nodes.n', kind: 'added', after: { type: 'end' } },
      { path: 'rules.0.gte', kind: 'changed', before: 38, after: 37.5 },
      { path: 'rules.0.except', kind: 'changed', before: ['a'], after: ['a', 'b'] },
      { path: 'rules.1', kind: 'added', after: { id: 's' } },
    ]);
    expect(diffDefinitions(b, b)).toEqual([]);
    expect(diffDefinitions(b, a).find((c) => c.path === 'nodes.n')).toEqual({ path: 'nodes.n', kind: 'removed', before: { type: 'end' } });
  });
});
