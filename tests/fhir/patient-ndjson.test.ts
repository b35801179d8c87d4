import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { type ExportFilter, PERSON_RESOURCES, personRows } from '../../src/domain/fhir/export-queries';
import { fhirClientById } from '../../src/domain/fhir/fhir-client-actor';
import { patientLines, patientNdjson } from '../../src/domain/fhir/patient-ndjson';
import { makePerson } from '../admin/fixtures';
import { ensureCentre } from '../admin/support';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makeClient, makeKey } from './support';
import { expectValidFhir } from './validity';

let deps: TestDeps;
let filter: ExportFilter;
const ids: string[] = [];
let other: string;

/** Every shape a person's record takes for the Patient mapping (names split on any white space JavaScript knows). */
const shapes: Record<string, unknown>[] = [
  {},
  { name: '  山田\u3000太郎  ', name_kana: 'ヤマダ タロウ', status: 'monitoring_ended', sex: 'male' },
  { name: '一語', name_kana: null, phone: null, date_of_birth: null, address: null, sex: 'female' },
  { name: 'A\tB\u00a0C\u2003D', name_kana: '', phone: '', address: '', status: 'deceased', date_of_death: '2026-05-02', sex: 'other' },
  { name: 'quote "x" back\\slash\nline <b>', name_kana: '   ', address: '東京都新宿区 1-2-3 "A棟"', phone: '+819012345678', sex: 'unknown' },
  { name: '   ', name_kana: ' カナ ', status: 'hospitalized', date_of_birth: '1931-12-31' },
];

beforeAll(async () => {
  deps = await createTestDeps();
  await ensureCentre(deps, '13-941');
  await ensureCentre(deps, '27-941', '大阪の保健所', '27');
  for (const shape of shapes) {
    const id = await makePerson(deps, '13-941');
    for (const [col, value] of Object.entries(shape)) await deps.db.execute(sql`update persons set ${sql.identifier(col)} = ${value} where id = ${id}::uuid`);
    ids.push(id);
  }
  other = await makePerson(deps, '27-941');
  const client = await fhirClientById(deps.db, await makeClient(deps, { jurisdiction: '13', scope: 'system/Patient.rs', key: await makeKey('ES384') }));
  filter = { actor: client!.actor, centreId: null, since: null, identified: true };
});
afterAll(async () => {
  await deps?.close();
});

async function compare(f: ExportFilter) {
  const raw = await queryRows<Parameters<(typeof PERSON_RESOURCES)['Patient']['map']>[0]>(deps.db, personRows(f).build(null, null));
  const expected = new Map(raw.map((r) => [r.id, PERSON_RESOURCES.Patient.map(r, f)]));
  expect(expected.size).toBe(shapes.length);
  const [row] = await queryRows<{ n: number; lines: string }>(deps.db, patientLines(f, [...ids, other]));
  const lines = row!.lines.split('\n');
  // The other prefecture's person is not in scope here only because personIds is: the batch query takes the ids it is given.
  expect(row!.n).toBe(shapes.length + 1);
  const built = lines.map((l) => JSON.parse(l)).filter((p) => p.id !== other);
  for (const p of built) expect(p).toEqual(expected.get(p.id));
  return built;
}

describe('Patient NDJSON built by PostgreSQL', () => {
  it('equals toPatient for every name, kana, phone, birth date, address, status and death shape, identified', async () => {
    const built = await compare(filter);
    expect(built.some((p) => p.name?.[0]?.given?.length === 3)).toBe(true);
    expect(built.some((p) => p.name?.length === 1)).toBe(true);
    expect(built.some((p) => p.deceasedDateTime && p.active === false)).toBe(true);
    expect(built.some((p) => p.telecom && p.address && p.birthDate)).toBe(true);
  });

  it('equals toPatient without identifiers (name, phone, birth date, address left out)', async () => {
    const built = await compare({ ...filter, identified: false });
    expect(built.every((p) => !p.name && !p.telecom && !p.birthDate && !p.address)).toBe(true);
  });

  it('streams valid Patients of the scope only, batch by batch, and honours _since', async () => {
    const chunks = [];
    for await (const c of patientNdjson(deps.dbHandle, filter, { chunk: 2 })) chunks.push(c);
    const resources = chunks.flatMap((c) => c.text.trimEnd().split('\n').map((l) => JSON.parse(l)));
    expect(chunks.length).toBe(Math.ceil(shapes.length / 2));
    expect(resources.map((r) => r.id)).toEqual([...ids].sort());
    for (const r of resources) expectValidFhir(r);
    const later = [];
    for await (const c of patientNdjson(deps.dbHandle, { ...filter, since: new Date(Date.now() + 60_000) })) later.push(c);
    expect(later).toEqual([]);
  });
});
