import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toCondition, toEncounter, toFlag, toOrganization } from '../../src/domain/fhir/map-clinical';
import { toObservation } from '../../src/domain/fhir/map-observation';
import { toPatient } from '../../src/domain/fhir/map-patient';
import { expectValidFhir } from './validity';

/**
 * Golden cases: tests/fhir/testdata/map-*.json hold { description, mapper, input, expected }
 * — a stored row and the resource the API must produce for it. Extend by adding a case.
 * Dates in `input` are ISO strings (revived for the fields named in DATE_FIELDS).
 */
const DATE_FIELDS = ['updatedAt', 'createdAt', 'observedAt'];
const revive = (input: Record<string, unknown>) => Object.fromEntries(Object.entries(input).map(([k, v]) => [k, DATE_FIELDS.includes(k) && typeof v === 'string' ? new Date(v) : v]));

const MAPPERS: Record<string, (input: Record<string, unknown>) => unknown> = {
  patient: (i) => toPatient(i as never, i.centreCode as string, i.identified !== false),
  observation: (i) => toObservation(i as never),
  condition: (i) => toCondition(i as never),
  encounter: (i) => toEncounter(i as never),
  flag: (i) => toFlag(i as never),
  organization: (i) => toOrganization(i as never),
};

const dir = new URL('./testdata/', import.meta.url);
const cases = readdirSync(dir)
  .filter((f) => f.startsWith('map-') && f.endsWith('.json'))
  .flatMap((f) => (JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { description: string; mapper: string; input: Record<string, unknown>; expected: { resourceType: string } }[]).map((c) => ({ file: f, ...c })));

describe('golden FHIR mappings (tests/fhir/testdata/map-*.json)', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(5));
  for (const c of cases) {
    it(`${c.file}: ${c.description}`, () => {
      const out = MAPPERS[c.mapper]!(revive(c.input));
      expect(out).toEqual(c.expected);
      expectValidFhir(c.expected);
    });
  }
});
