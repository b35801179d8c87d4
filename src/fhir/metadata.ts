import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { RESOURCE_DOORS } from './resources';

export interface ExtraCapabilities {
  /** Types also created by a transaction Bundle (POST /fhir/Bundle). */
  transactionTypes: string[];
  exportTypes: string[];
}

/** GET /fhir/metadata: built from the resource table, so it lists exactly what is served. */
export function capabilityStatement(base: string, now: Date, extra: ExtraCapabilities): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: now.toISOString().slice(0, 10),
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    software: { name: 'Mimamori' },
    implementation: { description: 'Mimamori FHIR R4 API (JP Core where a profile exists)', url: base },
    instantiates: ['http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: false,
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          description: 'SMART Backend Services: client_credentials with a signed JWT (RS384/ES384); see .well-known/smart-configuration',
        },
        resource: RESOURCE_DOORS.map((d) => ({
          type: d.type as CapabilityStatementRestResource['type'],
          interaction: [{ code: 'read' as const }, { code: 'search-type' as const }, ...(extra.transactionTypes.includes(d.type) ? [{ code: 'create' as const }] : [])],
          ...(d.type === 'Patient' ? { supportedProfile: ['http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient'], conditionalCreate: true } : {}),
          searchParam: d.searchParams.map((p) => ({ name: p.name, type: p.type })),
        })),
        interaction: [{ code: 'transaction' }],
        searchParam: [{ name: '_count', type: 'number' }],
        operation: [
          { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' },
          { name: 'group-export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export' },
        ].filter(() => extra.exportTypes.length > 0),
      },
    ],
  };
}
