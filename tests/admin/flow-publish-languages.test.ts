import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft } from '../../src/domain/flows/create-draft';
import { getFlowVersion } from '../../src/domain/flows/flow-queries';
import { publishFlowVersion } from '../../src/domain/flows/publish-flow-version';
import { updateDraft } from '../../src/domain/flows/update-draft';
import { withTransaction, type Actor } from '../../src/domain/context';
import { ValidationError } from '../../src/domain/errors';
import type { FlowDefinition, Text } from '../../src/flows';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createPerson } from '../support/fixtures';
import { insertCentres, insertStaffActor } from './flows-reports-fixtures';

let deps: TestDeps;
let admin: Actor;
const run = <T>(actor: Actor, fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor, now: deps.now() }, fn);

beforeAll(async () => {
  deps = await createTestDeps();
  const { a } = await insertCentres(deps.db, '4');
  admin = await insertStaffActor(deps.db, 'national_officer', null); // the default flows are national
  // Close contacts answer contact-daily: one reads Thai, one English.
  await createPerson(deps.db, a.code, { classification: 'close_contact', preferredLanguage: 'th' });
  await createPerson(deps.db, a.code, { classification: 'close_contact', preferredLanguage: 'en' });
});
afterAll(async () => deps?.close());

describe('publishing a flow with a missing translation', () => {
  it('is refused with the list of texts missing in a language an assigned person uses — and accepted once written', async () => {
    const { version } = await run(admin, (ctx) => createDraft({ ctx, input: { flowKey: 'contact-daily' } }));
    const draft = structuredClone((await getFlowVersion(deps.db, 'contact-daily', version)).definition) as FlowDefinition;
    // A new English wording: the phrasebook no longer knows it, and the Thai is removed.
    const t = (draft.nodes.temperature as { text: Text }).text;
    t.en = 'Your temperature this morning? (e.g. 36.8)';
    delete t.th;
    delete t.vi; // nobody on this flow reads Vietnamese: not asked for
    await run(admin, (ctx) => updateDraft({ ctx, input: { flowKey: 'contact-daily', version, definition: draft } }));

    const err = await run(admin, (ctx) => publishFlowVersion({ ctx, input: { flowKey: 'contact-daily', version } })).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).fields.map((f) => f.field)).toEqual(['definition.nodes.temperature.text.th']);
    expect((err as ValidationError).fields[0]!.messageJa).toContain('タイ語の訳がありません');
    expect((await getFlowVersion(deps.db, 'contact-daily', version)).status).toBe('draft');

    t.th = 'เช้านี้อุณหภูมิร่างกายเท่าไร (เช่น 36.8)';
    await run(admin, (ctx) => updateDraft({ ctx, input: { flowKey: 'contact-daily', version, definition: draft } }));
    await run(admin, (ctx) => publishFlowVersion({ ctx, input: { flowKey: 'contact-daily', version } }));
    expect((await getFlowVersion(deps.db, 'contact-daily', version)).status).toBe('published');
  });
});
