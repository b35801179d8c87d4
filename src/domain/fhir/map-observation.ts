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
export const category = (code: 'vital-signs' | 'survey', display: string) => [{ coding: [{ system: OBS_CATEGORY, code, display }] }, { coding: [{ system: JP_OBS_CATEGORY, code, display }] }];
export const absent = (code: string, display: string) => ({ coding: [{ system: DATA_ABSENT, code, display }] });

/** The value part of an answered question, typed by what the answer is. */
function valueOf(row: ObservationRow): Partial<Observation> {
  const quantity = questionParts(row.questionId).quantity;
  if (row.valueNumber !== null) {
    if (quantity) return { valueQuantity: { value: row.valueNumber, ...quantity } };
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
  const parts = questionParts(row.questionId);
  return {
    resourceType: 'Observation',
    id: row.id,
    meta: { lastUpdated: isoOf(row.createdAt), profile: parts.profile },
    status: 'final',
    category: parts.category,
    code: { coding: parts.coding },
    subject: { reference: `Patient/${row.personId}` },
    effectiveDateTime: isoOf(row.observedAt),
    derivedFrom: [{ reference: `QuestionnaireResponse/${row.sessionId}` }],
    ...valueOf(row),
  };
}

/** The parts of an Observation that depend only on its question, as `observation-ndjson.ts` passes them to PostgreSQL. */
export interface QuestionParts {
  profile: string[];
  category: ReturnType<typeof category>;
  coding: ReturnType<typeof codingsOf>;
  /** unit, system and code of a measured value (a measure's UCUM quantity), or null. */
  quantity: { unit: string; system: string; code: string } | null;
}

/** The parts of a question's Observation: what toObservation uses, in one place, for the TypeScript and the SQL mapping. */
export function questionParts(questionId: string): QuestionParts {
  const q = QUESTION_CODES[questionId];
  const vital = q?.kind === 'measure';
  return {
    profile: vital ? [JP_OBSERVATION_VITAL_SIGNS, q.profile] : [JP_OBSERVATION_COMMON],
    category: vital ? category('vital-signs', 'Vital Signs') : category('survey', 'Survey'),
    coding: codingsOf(questionId),
    quantity: vital ? { unit: q.unit, system: UCUM, code: q.ucum } : null,
  };
}
