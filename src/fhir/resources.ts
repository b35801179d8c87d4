import type { Resource } from '@medplum/fhirtypes';
import type { Ctx, VerbArgs } from '../domain/context';
import { readObservation, searchObservations } from '../domain/fhir/search-observations';
import { readPatient, searchPatients } from '../domain/fhir/search-patients';
import { idsOf, type ParsedSearch } from './search';

type SearchVerb = (args: VerbArgs<ParsedSearch>) => Promise<{ resources: Resource[]; more: boolean }>;

/**
 * What the API serves per resource type: its search parameters (the CapabilityStatement is
 * built from this table, so it lists exactly what is supported), the search and the read.
 */
export interface ResourceDoor {
  type: string;
  searchParams: { name: string; type: 'token' | 'string' | 'date' | 'reference' }[];
  search: SearchVerb;
  read: (args: VerbArgs<{ id: string }>) => Promise<Resource>;
}

const page = (s: ParsedSearch) => ({ count: s.count, offset: s.offset });
const withCtx = <T,>(fn: (a: { ctx: Ctx; input: T }) => Promise<{ resources: Resource[]; more: boolean }>, input: (s: ParsedSearch) => T): SearchVerb => ({ ctx, input: s }) => fn({ ctx, input: input(s) });

export const RESOURCE_DOORS: ResourceDoor[] = [
  {
    type: 'Patient',
    searchParams: [
      { name: '_id', type: 'token' },
      { name: 'identifier', type: 'token' },
      { name: 'name', type: 'string' },
      { name: 'birthdate', type: 'date' },
      { name: '_lastUpdated', type: 'date' },
    ],
    search: withCtx(searchPatients, (s) => ({ ids: idsOf(s), identifier: s.get('identifier'), name: s.get('name'), birthdate: s.dates('birthdate'), lastUpdated: s.dates('_lastUpdated'), ...page(s) })),
    read: readPatient,
  },
  {
    type: 'Observation',
    searchParams: [
      { name: '_id', type: 'token' },
      { name: 'patient', type: 'reference' },
      { name: 'subject', type: 'reference' },
      { name: 'code', type: 'token' },
      { name: 'category', type: 'token' },
      { name: 'date', type: 'date' },
    ],
    search: withCtx(searchObservations, (s) => ({
      ids: idsOf(s),
      patient: [...(s.refs('patient', 'Patient') ?? []), ...(s.refs('subject', 'Patient') ?? [])],
      code: s.get('code'),
      category: s.get('category'),
      date: s.dates('date'),
      ...page(s),
    })),
    read: readObservation,
  },
];

export const doorOf = (type: string) => RESOURCE_DOORS.find((d) => d.type === type);
