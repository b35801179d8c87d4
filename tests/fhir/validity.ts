import { readdirSync, readFileSync } from 'node:fs';
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { expect } from "vitest";
import { fhirProblems } from '../../src/fhir/validate';

/**
 * JP Core (HL7 Japan) profiles, vendored in tests/fhir/jp-core/ (compiled from the FSH sources
 * with their snapshots; see the README there), by canonical URL.
 */
const jpDir = new URL('./jp-core/', import.meta.url);
export const JP_CORE_PROFILES: ReadonlyMap<string, StructureDefinition> = new Map(
  readdirSync(jpDir)
    .filter((f) => f.startsWith('StructureDefinition-') && f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(new URL(f, jpDir), 'utf8')) as StructureDefinition)
    .map((sd) => [sd.url!, sd]),
);

/** The JP Core profile each resource type must claim (types JP Core has no profile for are absent). */
export const JP_PROFILE_OF: Record<string, (r: Resource) => string> = {
  Patient: () => 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient',
  Observation: (r) =>
    (r as { category?: { coding?: { code?: string }[] }[] }).category?.some((c) => c.coding?.some((x) => x.code === 'vital-signs'))
      ? 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Observation_VitalSigns'
      : 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Observation_Common',
  Condition: () => 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Condition',
  Encounter: () => 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Encounter',
  Organization: () => 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Organization',
};

/**
 * The problems of a resource against one JP Core profile (@medplum/core's validator driven by
 * the profile's snapshot: cardinalities, slices and their discriminators, fixed and pattern
 * values, types and target profiles, required bindings it can expand, FHIRPath invariants).
 */
export function jpCoreProblems(resource: Resource, url: string): OperationOutcomeIssue[] {
  const profile = JP_CORE_PROFILES.get(url);
  if (!profile) return [{ severity: 'error', code: 'not-found', diagnostics: `JP Core profile ${url} is not vendored in tests/fhir/jp-core` }];
  fhirProblems({ resourceType: 'Basic' }); // loads the base R4 definitions the profile builds on
  try {
    return validateResource(resource, { profile }).filter((i) => i.severity === 'error' || i.severity === 'fatal');
  } catch (err) {
    if (err instanceof OperationOutcomeError) return err.outcome.issue ?? [];
    throw err;
  }
}

/**
 * One resource valid against the base FHIR R4 definitions and, where JP Core has a profile
 * for its type, claiming that profile in `meta.profile` and conforming to it (as to every
 * other JP Core profile it claims).
 */
function expectValidResource(resource: Resource): void {
  const label = JSON.stringify(resource).slice(0, 300);
  expect(fhirProblems(resource), `${resource.resourceType} is not valid FHIR R4: ${label}`).toEqual([]);
  const claimed = resource.meta?.profile ?? [];
  const expected = JP_PROFILE_OF[resource.resourceType]?.(resource);
  if (expected) expect(claimed, `${resource.resourceType} must claim ${expected}`).toContain(expected);
  for (const url of claimed.filter((u) => u.startsWith('http://jpfhir.jp/'))) {
    expect(jpCoreProblems(resource, url), `${resource.resourceType} does not conform to ${url}: ${label}`).toEqual([]);
  }
}

/** Every resource of a Bundle (and the Bundle) valid FHIR R4 and conforming to JP Core (above). */
export function expectValidFhir(resource: { resourceType: string; entry?: { resource?: unknown }[] }): void {
  expectValidResource(resource as Resource);
  for (const e of resource.entry ?? []) if (e.resource) expectValidResource(e.resource as Resource);
}
