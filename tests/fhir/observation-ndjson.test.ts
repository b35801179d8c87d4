import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { QUESTION_CODES } from '../../src/domain/fhir/codes';
import { type ExportFilter, mapObservation, observationRows } from '../../src/domain/fhir/export-queries';
import { fhirClientById } from '../../src/domain/fhir/fhir-client-actor';
import { observationLines, observationNdjson } from '../../src/domain/fhir/observation-ndjson';
import { answerDailyCheck, dailyAnswers, makePerson } from '../admin/fixtures';
import { ensureCentre } from '../admin/support';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makeClient, makeKey } from './support';
import { expectValidFhir } from './validity';

let deps: TestDeps;
let filter: ExportFilter;
let person: string;
let other: string;

/** Every shape an answer takes, for every question of codes.ts and a locally written one. */
const shapes: { valueNumber?: number; valueText?: string; value?: unknown; unit?: string }[] = [
  { valueNumber: 37.25 },
  { valueNumber: 98, unit: '%' },
  { valueNumber: 0.1 + 0.2 },
  { value: true },
  { value: false },
  { value: 'unknown' },
  { value: ['breathless_now', 'none', 7, 'lips'] },
  { value: ['none'] },
  { value: [] },
  { value: 'free answer <b>"quoted"</b>\n二行目' },
  { valueText: 'text only' },
  { valueText: '' },
  { value: 12 },
  { value: null },
  {},
];

beforeAll(async () => {
  deps = await createTestDeps();
  await ensureCentre(deps, '13-941');
  await ensureCentre(deps, '27-941', '大阪の保健所', '27');
  person = await makePerson(deps, '13-941');
  other = await makePerson(deps, '27-941');
  const key = await makeKey('ES384');
  const client = await fhirClientById(deps.db, await makeClient(deps, { jurisdiction: '13', scope: 'system/Observation.rs', key }));
  filter = { actor: client!.actor, centreId: null, since: null, identified: true };
  // One session per shape (a question is answered once per session), every question in each.
  const questions = [...Object.keys(QUESTION_CODES), 'local_question'];
  for (const [i, shape] of shapes.entries()) {
    const session = await answerDailyCheck(deps, person, dailyAnswers('37.9', 'なし'));
    await deps.db.execute(sql`delete from observations where session_id = ${session}::uuid`);
    for (const q of questions) {
      await deps.db.execute(sql`insert into observations (person_id, session_id, question_id, kind, value_number, value_text, value, unit, status, channel, observed_at)
        values (${person}::uuid, ${session}::uuid, ${q}, ${shape.valueNumber !== undefined ? 'number' : 'choice'}, ${shape.valueNumber ?? null}, ${shape.valueText ?? null},
          ${shape.value === undefined ? null : JSON.stringify(shape.value)}::jsonb, ${shape.unit ?? null}, 'answered', 'line', ${new Date(Date.UTC(2026, 4, 1, 9, 30, i, 123)).toISOString()}::timestamptz)`);
    }
  }
  // Not exported: an unanswered question and a free-text comment.
  const session = await answerDailyCheck(deps, person, dailyAnswers('37.9', 'なし'));
  await deps.db.execute(sql`delete from observations where session_id = ${session}::uuid`);
  await deps.db.execute(sql`insert into observations (person_id, session_id, question_id, kind, value_text, status, channel, observed_at)
    values (${person}::uuid, ${session}::uuid, 'comment', 'text', 'a comment', 'answered', 'line', now()), (${person}::uuid, ${session}::uuid, 'fatigue', 'choice', null, 'unanswered', 'line', now())`);
  await answerDailyCheck(deps, other, dailyAnswers('37.9', 'なし'));
});
afterAll(async () => {
  await deps?.close();
});

describe('Observation NDJSON built by PostgreSQL', () => {
  it('equals toObservation for every code, unit, category, profile and value shape', async () => {
    const raw = await queryRows<Parameters<typeof mapObservation>[0]>(deps.db, observationRows(filter).rowsOf([person, other]));
    const expected = new Map(raw.map((r) => [r.id, mapObservation(r)]));
    // the crafted rows, and the real answers of a daily check (of the other person: rowsOf is not scoped, personIds is)
    expect(expected.size).toBeGreaterThan(shapes.length * (Object.keys(QUESTION_CODES).length + 1));
    const [row] = await queryRows<{ n: number; lines: string }>(deps.db, observationLines(filter, [person, other]));
    const lines = row!.lines.split('\n');
    expect(row!.n).toBe(expected.size);
    expect(lines).toHaveLength(expected.size);
    for (const line of lines) {
      const built = JSON.parse(line);
      expect(built).toEqual(expected.get(built.id));
    }
    // the shapes reach every branch of the mapping
    const all = [...expected.values()];
    for (const key of ['valueQuantity', 'valueBoolean', 'valueString', 'dataAbsentReason', 'component'] as const) expect(all.some((o) => key in o), key).toBe(true);
    expect(all.some((o) => o.valueQuantity?.system === 'http://unitsofmeasure.org' && o.valueQuantity.code === 'Cel')).toBe(true);
    expect(all.some((o) => o.valueQuantity?.unit === '%' && !o.valueQuantity.system)).toBe(true);
    expect(all.some((o) => o.code?.coding?.[0]?.code === 'local_question')).toBe(true);
  });

  it('streams valid resources of the scope only, batch by batch, and honours _since', async () => {
    const chunks = [];
    for await (const c of observationNdjson(deps.dbHandle, filter, { chunk: 1 })) chunks.push(c);
    const resources = chunks.flatMap((c) => c.text.trimEnd().split('\n').map((l) => JSON.parse(l)));
    expect(chunks.every((c) => c.text.endsWith('\n'))).toBe(true);
    expect(resources).toHaveLength(chunks.reduce((a, c) => a + c.count, 0));
    expect(new Set(resources.map((r) => r.subject.reference))).toEqual(new Set([`Patient/${person}`]));
    for (const r of resources.slice(0, 40)) expectValidFhir(r);
    const later = [];
    for await (const c of observationNdjson(deps.dbHandle, { ...filter, since: new Date(Date.now() + 60_000) })) later.push(c);
    expect(later).toEqual([]);
  });
});
