import type { Observation } from '@medplum/fhirtypes';
import { codingsOf, DATA_ABSENT, JP_OBS_CATEGORY, JP_OBSERVATION_COMMON, JP_OBSERVATION_VITAL_SIGNS, OBS_CATEGORY, QUESTION_CODES, UCUM, URGENT_SYSTEM } from './codes';

export interface ObservationRow {
  id: string;
  personId: string;
  sessionId: string;
  questionId: string;
  kind: string;
  valueNumber: number | null;
  valueText: string | null;
  value: unknown;
  unit: string | null;
  /** A Date, or already ISO text (the export's raw rows: no round trip through Date). */
  observedAt: Date | string;
  createdAt: Date | string;
}

const isoOf = (d: Date | string) => (typeof d === 'string' ? d : d.toISOString());

// R4's category (the base vital-signs profiles slice on it) and JP Core's (its `first` slice), same code.
const category = (code: 'vital-signs' | 'survey', display: string) => [{ coding: [{ system: OBS_CATEGORY, code, display }] }, { coding: [{ system: JP_OBS_CATEGORY, code, display }] }];
const absent = (code: string, display: string) => ({ coding: [{ system: DATA_ABSENT, code, display }] });

/** The value part of an answered question, typed by what the answer is. */
function valueOf(row: ObservationRow): Partial<Observation> {
  const measure = QUESTION_CODES[row.questionId];
  if (row.valueNumber !== null) {
    if (measure?.kind === 'measure') return { valueQuantity: { value: row.valueNumber, unit: measure.unit, system: UCUM, code: measure.ucum } };
    return { valueQuantity: { value: row.valueNumber, ...(row.unit ? { unit: row.unit } : {}) } };
  }
  const v = row.value;
  if (typeof v === 'boolean') return { valueBoolean: v };
  if (v === 'unknown') return { dataAbsentReason: absent('asked-unknown', 'Asked But Unknown') };
  if (Array.isArray(v)) {
    // A checklist (緊急性の高い症状): one component per item chosen; 'none' chosen → none.
    const chosen = v.filter((x): x is string => typeof x === 'string' && x !== 'none');
    return {
      valueBoolean: chosen.length > 0,
      ...(chosen.length ? { component: chosen.map((code) => ({ code: { coding: [{ system: URGENT_SYSTEM, code }] }, valueBoolean: true })) } : {}),
    };
  }
  if (typeof v === 'string' || row.valueText) return { valueString: typeof v === 'string' ? v : row.valueText! };
  return { dataAbsentReason: absent('unknown', 'Unknown') };
}

/**
 * One answered question as an Observation: measured values with the vital-signs category,
 * LOINC code and UCUM unit (the R4 vital-signs profiles); everything else coded as a
 * `survey` Observation (codes.ts says which code system and why). Measures claim
 * JP_Observation_VitalSigns and the R4 vital-signs profile; the rest JP_Observation_Common.
 */
export function toObservation(row: ObservationRow): Observation {
  const q = QUESTION_CODES[row.questionId];
  const vital = q?.kind === 'measure';
  return {
    resourceType: 'Observation',
    id: row.id,
    meta: { lastUpdated: isoOf(row.createdAt), profile: vital ? [JP_OBSERVATION_VITAL_SIGNS, q.profile] : [JP_OBSERVATION_COMMON] },
    status: 'final',
    category: vital ? category('vital-signs', 'Vital Signs') : category('survey', 'Survey'),
    code: { coding: codingsOf(row.questionId) },
    subject: { reference: `Patient/${row.personId}` },
    effectiveDateTime: isoOf(row.observedAt),
    derivedFrom: [{ reference: `QuestionnaireResponse/${row.sessionId}` }],
    ...valueOf(row),
  };
}
