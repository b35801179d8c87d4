import type { FlowDefinition } from '../definition/schema.js';
import { childDaily } from './child-daily.js';
import { contactDaily } from './contact-daily.js';
import { facilityDaily } from './facility-daily.js';
import { patientDaily } from './patient-daily.js';

/** The default flows, as data; the seed stores them under keys 'patient-daily', 'contact-daily', 'child-daily' and 'facility-daily'. */
export const defaultFlows: { patientDaily: FlowDefinition; contactDaily: FlowDefinition; childDaily: FlowDefinition; facilityDaily: FlowDefinition } = {
  patientDaily,
  contactDaily,
  childDaily,
  facilityDaily,
};
export { URGENT_SYMPTOMS } from './urgent-symptoms.js';
export { CHILD_FLOW_BELOW_AGE, CHILD_RULE_SOURCES } from './child-daily.js';
export { FACILITY_SYMPTOMS } from './facility-daily.js';
