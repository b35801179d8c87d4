import type { FlowDefinition } from '../definition/schema.js';
import { contactDaily } from './contact-daily.js';
import { patientDaily } from './patient-daily.js';

/** The default flows, as data; the seed stores them under keys 'patient-daily' and 'contact-daily'. */
export const defaultFlows: { patientDaily: FlowDefinition; contactDaily: FlowDefinition } = { patientDaily, contactDaily };
export { URGENT_SYMPTOMS } from './urgent-symptoms.js';
