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
  /** The search reads and writes its audit row in one statement (atomic by itself): run without BEGIN/COMMIT. */
  oneStatement?: boolean;
}

type Param = ResourceDoor['searchParams'][number];
type Found = Promise<{ resources: Resource[]; more: boolean }>;
/** What every search verb takes besides its own parameters: `_id`, paging and (for a person's resources) the patient. */
type Common = 'ids' | 'count' | 'offset' | 'patient';

/**
 * One door: `_id` and paging always; `patient` / `subject` (references to a Patient) for a
 * person's resources; then the type's own parameters, parsed by `input`.
 */
function door<T>(d: {
  type: string;
  ofPatient: boolean;
  params?: Param[];
  search: (a: { ctx: Ctx; input: T }) => Found;
  input?: (s: ParsedSearch) => Omit<T, Common>;
  read: ResourceDoor['read'];
  oneStatement?: boolean;
}): ResourceDoor {
  const searchParams: Param[] = [{ name: '_id', type: 'token' }, ...(d.ofPatient ? ([{ name: 'patient', type: 'reference' }, { name: 'subject', type: 'reference' }] as const) : []), ...(d.params ?? [])];
  const search: SearchVerb = ({ ctx, input: s }) =>
    d.search({
      ctx,
      input: {
        ids: idsOf(s),
        ...(d.ofPatient ? { patient: [...(s.refs('patient', 'Patient') ?? []), ...(s.refs('subject', 'Patient') ?? [])] } : {}),
        ...d.input?.(s),
        count: s.count,
        offset: s.offset,
      } as T,
    });
  return { type: d.type, searchParams, search, read: d.read, oneStatement: d.oneStatement };
}

export const RESOURCE_DOORS: ResourceDoor[] = [
  door({
    type: 'Patient',
    ofPatient: false,
    params: [{ name: 'identifier', type: 'token' }, { name: 'name', type: 'string' }, { name: 'birthdate', type: 'date' }, { name: '_lastUpdated', type: 'date' }],
    search: searchPatients,
    input: (s) => ({ identifier: s.get('identifier'), name: s.get('name'), birthdate: s.dates('birthdate'), lastUpdated: s.dates('_lastUpdated') }),
    read: readPatient,
  }),
  door({
    type: 'Observation',
    ofPatient: true,
    params: [{ name: 'code', type: 'token' }, { name: 'category', type: 'token' }, { name: 'date', type: 'date' }],
    search: searchObservations,
    input: (s) => ({ code: s.get('code'), category: s.get('category'), date: s.dates('date') }),
    read: readObservation,
    oneStatement: true,
  }),
  door({
    type: 'Questionnaire',
    ofPatient: false,
    params: [{ name: 'url', type: 'reference' }, { name: 'version', type: 'token' }],
    search: searchQuestionnaires,
    input: (s) => ({ url: s.get('url'), version: s.get('version') }),
    read: readQuestionnaire,
  }),
  door({ type: 'QuestionnaireResponse', ofPatient: true, params: [{ name: 'authored', type: 'date' }], search: searchQuestionnaireResponses, input: (s) => ({ authored: s.dates('authored') }), read: readQuestionnaireResponse }),
  door({ type: 'Condition', ofPatient: true, search: searchConditions, read: readCondition }),
  door({ type: 'Encounter', ofPatient: true, search: searchEncounters, read: readEncounter }),
  door({ type: 'Organization', ofPatient: false, params: [{ name: 'identifier', type: 'token' }], search: searchOrganizations, input: (s) => ({ identifier: s.get('identifier') }), read: readOrganization }),
  door({ type: 'Flag', ofPatient: true, search: searchFlags, read: readFlag }),
];

export const doorOf = (type: string) => RESOURCE_DOORS.find((d) => d.type === type);
