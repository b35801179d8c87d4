import type { FlowDefinition } from '../definition/schema.js';
import { childDaily } from './child-daily.js';
import { withDefinitionLanguages } from '../languages/apply.js';
import { contactDaily } from './contact-daily.js';
import { facilityDaily } from './facility-daily.js';
import { patientDaily } from './patient-daily.js';

/**
 * The default flows, as data; the seed stores them under keys 'patient-daily',
 * 'contact-daily', 'child-daily' and 'facility-daily'. Written in Japanese, やさしい日本語 and
 * English; every other language of languages/index.ts is filled from the phrasebook
 * (languages/phrasebook/flows.ts), so the stored definition carries each language and the
 * editor shows it. A new default flow goes through withDefinitionLanguages too, and
 * tests/flows/languages.test.ts lists what it lacks.
 */
export const defaultFlows: { patientDaily: FlowDefinition; contactDaily: FlowDefinition; childDaily: FlowDefinition; facilityDaily: FlowDefinition } = {
  patientDaily: withDefinitionLanguages(patientDaily),
  contactDaily: withDefinitionLanguages(contactDaily),
  childDaily: withDefinitionLanguages(childDaily),
  facilityDaily: withDefinitionLanguages(facilityDaily),
};
export { URGENT_SYMPTOMS } from './urgent-symptoms.js';
export { CHILD_FLOW_BELOW_AGE, CHILD_RULE_SOURCES } from './child-daily.js';
export { FACILITY_SYMPTOMS } from './facility-daily.js';
