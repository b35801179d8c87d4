import type { Resource } from '@medplum/fhirtypes';
import type { Ctx, VerbArgs } from '../domain/context';
import { readObservation, searchObservations } from '../domain/fhir/search-observations';
import { readFlag, searchFlags } from '../domain/fhir/search-flags';
import { readOrganization, searchOrganizations } from '../domain/fhir/search-organizations';
import { readPatient, searchPatients } from '../domain/fhir/search-patients';
import { readCondition, readEncounter, searchConditions, searchEncounters } from '../domain/fhir/search-person-resources';
import { readQuestionnaireResponse, searchQuestionnaireResponses } from '../domain/fhir/search-questionnaire-responses';
import { readQuestionnaire, searchQuestionnaires } from '../domain/fhir/search-questionnaires';
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
const patientRefs = (s: ParsedSearch) => [...(s.refs('patient', 'Patient') ?? []), ...(s.refs('subject', 'Patient') ?? [])];
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
      patient: patientRefs(s),
      code: s.get('code'),
      category: s.get('category'),
      date: s.dates('date'),
      ...page(s),
    })),
    read: readObservation,
  },
  {
    type: 'Questionnaire',
    searchParams: [
      { name: '_id', type: 'token' },
      { name: 'url', type: 'reference' },
      { name: 'version', type: 'token' },
    ],
    search: withCtx(searchQuestionnaires, (s) => ({ ids: idsOf(s), url: s.get('url'), version: s.get('version'), ...page(s) })),
    read: readQuestionnaire,
  },
  {
    type: 'QuestionnaireResponse',
    searchParams: [
      { name: '_id', type: 'token' },
      { name: 'patient', type: 'reference' },
      { name: 'subject', type: 'reference' },
      { name: 'authored', type: 'date' },
    ],
    search: withCtx(searchQuestionnaireResponses, (s) => ({ ids: idsOf(s), patient: patientRefs(s), authored: s.dates('authored'), ...page(s) })),
    read: readQuestionnaireResponse,
  },
  {
    type: 'Condition',
    searchParams: [
      { name: '_id', type: 'token' },
      { name: 'patient', type: 'reference' },
      { name: 'subject', type: 'reference' },
    ],
    search: withCtx(searchConditions, (s) => ({ ids: idsOf(s), patient: patientRefs(s), ...page(s) })),
    read: readCondition,
  },
  {
    type: 'Encounter',
    searchParams: [
      { name: '_id', type: 'token' },
      { name: 'patient', type: 'reference' },
      { name: 'subject', type: 'reference' },
    ],
    search: withCtx(searchEncounters, (s) => ({ ids: idsOf(s), patient: patientRefs(s), ...page(s) })),
    read: readEncounter,
  },
  {
    type: 'Organization',
    searchParams: [
      { name: '_id', type: 'token' },
      { name: 'identifier', type: 'token' },
    ],
    search: withCtx(searchOrganizations, (s) => ({ ids: idsOf(s), identifier: s.get('identifier'), ...page(s) })),
    read: readOrganization,
  },
  {
    type: 'Flag',
    searchParams: [
      { name: '_id', type: 'token' },
      { name: 'patient', type: 'reference' },
      { name: 'subject', type: 'reference' },
    ],
    search: withCtx(searchFlags, (s) => ({ ids: idsOf(s), patient: patientRefs(s), ...page(s) })),
    read: readFlag,
  },
];

export const doorOf = (type: string) => RESOURCE_DOORS.find((d) => d.type === type);
