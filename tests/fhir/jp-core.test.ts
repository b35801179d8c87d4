import type { Observation, Patient, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUESTION_CODES } from '../../src/domain/fhir/codes';
import { toObservation } from '../../src/domain/fhir/map-observation';
import { fhirProblems } from '../../src/fhir/validate';
import { expectValidFhir, JP_CORE_PROFILES, JP_PROFILE_OF, jpCoreProblems } from './validity';

const VITAL = 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Observation_VitalSigns';
const COMMON = 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Observation_Common';
const PATIENT = 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient';

const row = (questionId: string, value: unknown) => ({
  id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', personId: '5b0c1e9a-3f2d-4c6b-8a7e-1d2c3b4a5f60', sessionId: '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f',
  questionId, kind: typeof value === 'number' ? 'number' : 'yesno', valueNumber: typeof value === 'number' ? value : null, valueText: null, value, unit: null,
  observedAt: '2026-05-01T00:05:00.000Z', createdAt: '2026-05-01T00:05:01.000Z',
});
const temperature = () => toObservation(row('temperature', 37.8));
const errorsOf = (r: Resource, url: string) => jpCoreProblems(r, url).map((i) => `${i.expression?.join(',') ?? ''} ${i.details?.text ?? i.diagnostics ?? ''}`);

describe('JP Core profiles (tests/fhir/jp-core)', () => {
  beforeAll(() => void fhirProblems({ resourceType: 'Basic' }), 120_000); // indexes the base R4 definitions once (seconds under load)

  it('vendors every profile a produced resource type must claim, each with its snapshot', () => {
    const needed = [PATIENT, VITAL, COMMON, ...['Condition', 'Encounter', 'Organization'].map((t) => JP_PROFILE_OF[t]!({ resourceType: t } as Resource))];
    for (const url of needed) expect(JP_CORE_PROFILES.get(url)?.snapshot?.element?.length, url).toBeGreaterThan(20);
    // JP_Observation_VitalSigns builds on JP_Observation_Common: its snapshot carries both sets of rules.
    expect(JP_CORE_PROFILES.get(VITAL)!.baseDefinition).toBe(COMMON);
  });

  it('every question of the default flows maps to an Observation that claims and conforms to its JP Core profile', () => {
    for (const [id, q] of Object.entries(QUESTION_CODES)) {
      const obs = toObservation(row(id, q.kind === 'measure' ? 37 : id === 'urgent' ? ['none'] : true));
      expect(obs.meta?.profile?.[0], id).toBe(q.kind === 'measure' ? VITAL : COMMON);
      expectValidFhir(obs);
    }
  });

  // The checks bite: each resource below is valid base R4 but breaks one JP Core rule.
  it('refuses a vital sign without JP Core\'s category slice (Observation.category:first, 1..*)', () => {
    const obs: Observation = { ...temperature(), category: temperature().category!.slice(0, 1) };
    expect(fhirProblems(obs)).toEqual([]);
    expect(errorsOf(obs, VITAL).join('\n')).toMatch(/first/);
  });

  it('refuses a vital sign without a subject (JP_Observation_VitalSigns: subject 1..1)', () => {
    const { subject: _omitted, ...obs } = temperature();
    expect(fhirProblems(obs)).toEqual([]);
    expect(errorsOf(obs as Observation, VITAL).join('\n')).toMatch(/subject/);
  });

  it('refuses a patient without an identifier value (JP_Patient: identifier 1..*, identifier.value 1..1)', () => {
    const patient: Patient = { resourceType: 'Patient', meta: { profile: [PATIENT] }, gender: 'male' };
    expect(fhirProblems(patient)).toEqual([]);
    expect(errorsOf(patient, PATIENT).join('\n')).toMatch(/identifier/);
    expect(errorsOf({ ...patient, identifier: [{ system: 'https://mimamori.jp/fhir/sid/case-number/13-101' }] }, PATIENT).join('\n')).toMatch(/value/);
  });

  it('refuses a resource that claims no JP Core profile where JP Core has one', () => {
    const { meta: _omitted, ...obs } = temperature();
    expect(() => expectValidFhir(obs as Observation)).toThrow(/must claim/);
  });
});
