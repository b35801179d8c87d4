import { expect } from 'vitest';
import { fhirProblems } from '../../src/fhir/validate';

/** Every resource of a Bundle (and the Bundle) valid against the base FHIR R4 definitions. */
export function expectValidFhir(resource: { resourceType: string; entry?: { resource?: unknown }[] }): void {
  expect(fhirProblems(resource), `${resource.resourceType} is not valid FHIR R4`).toEqual([]);
  for (const e of resource.entry ?? []) if (e.resource) expect(fhirProblems(e.resource), JSON.stringify(e.resource).slice(0, 300)).toEqual([]);
}
