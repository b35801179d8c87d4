import type { Coding } from '@medplum/fhirtypes';

/**
 * Code systems and the code of each question of the default flows. Measured values use
 * LOINC with UCUM units (the R4 vital-signs profiles); symptoms use SNOMED CT where one
 * concept means exactly what is asked, and Mimamori's own code system where the question
 * joins two symptoms (「咳や鼻水」) or has no single concept (「半日以上尿が出ない」).
 * Questions of locally written flows get `question#<id>` in the Mimamori question system.
 */
export const MIMAMORI_FHIR = 'https://mimamori.jp/fhir';
export const LOINC = 'http://loinc.org';
export const SNOMED = 'http://snomed.info/sct';
export const UCUM = 'http://unitsofmeasure.org';
export const SYMPTOM_SYSTEM = `${MIMAMORI_FHIR}/CodeSystem/symptom`;
export const URGENT_SYSTEM = `${MIMAMORI_FHIR}/CodeSystem/urgent-symptom`;
export const QUESTION_SYSTEM = `${MIMAMORI_FHIR}/CodeSystem/question`;
export const OBS_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const DATA_ABSENT = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';
/** JP Core (HL7 Japan, FHIR R4) profiles the API's resources claim in `meta.profile`. */
export const JP_CORE = 'http://jpfhir.jp/fhir/core';
export const JP_PATIENT = `${JP_CORE}/StructureDefinition/JP_Patient`;
export const JP_OBSERVATION_COMMON = `${JP_CORE}/StructureDefinition/JP_Observation_Common`;
export const JP_OBSERVATION_VITAL_SIGNS = `${JP_CORE}/StructureDefinition/JP_Observation_VitalSigns`;
export const JP_CONDITION = `${JP_CORE}/StructureDefinition/JP_Condition`;
export const JP_ENCOUNTER = `${JP_CORE}/StructureDefinition/JP_Encounter`;
export const JP_ORGANIZATION = `${JP_CORE}/StructureDefinition/JP_Organization`;
/** JP Core's Observation category (the `first` slice every JP Core Observation must carry; the codes are R4's). */
export const JP_OBS_CATEGORY = `${JP_CORE}/CodeSystem/JP_SimpleObservationCategory_CS`;
export const EN_REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
/** 医療機関コード (10 digits) — JP Core's identifier system for medical institutions. */
export const INSTITUTION_CODE_SYSTEM = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';

/** The case number's system names the health centre that gave it (unique per centre). */
export const caseNumberSystem = (centreCode: string) => `${MIMAMORI_FHIR}/sid/case-number/${centreCode}`;
export const CENTRE_CODE_SYSTEM = `${MIMAMORI_FHIR}/sid/health-centre`;

export interface MeasureCode {
  kind: 'measure';
  codings: Coding[];
  ucum: string;
  unit: string;
  profile: string;
}
export interface SymptomCode {
  kind: 'symptom';
  codings: Coding[];
}

const loinc = (code: string, display: string): Coding => ({ system: LOINC, code, display });
const sct = (code: string, display: string): Coding => ({ system: SNOMED, code, display });
const own = (code: string, display: string): Coding => ({ system: SYMPTOM_SYSTEM, code, display });

export const QUESTION_CODES: Record<string, MeasureCode | SymptomCode> = {
  temperature: { kind: 'measure', codings: [loinc('8310-5', 'Body temperature')], ucum: 'Cel', unit: '°C', profile: 'http://hl7.org/fhir/StructureDefinition/bodytemp' },
  spo2: { kind: 'measure', codings: [loinc('2708-6', 'Oxygen saturation in Arterial blood'), loinc('59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry')], ucum: '%', unit: '%', profile: 'http://hl7.org/fhir/StructureDefinition/oxygensat' },
  spo2_again: { kind: 'measure', codings: [loinc('2708-6', 'Oxygen saturation in Arterial blood'), loinc('59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry')], ucum: '%', unit: '%', profile: 'http://hl7.org/fhir/StructureDefinition/oxygensat' },
  pulse: { kind: 'measure', codings: [loinc('8867-4', 'Heart rate')], ucum: '/min', unit: '/min', profile: 'http://hl7.org/fhir/StructureDefinition/heartrate' },
  sore_throat: { kind: 'symptom', codings: [sct('162397003', 'Pain in throat')] },
  breathless: { kind: 'symptom', codings: [sct('267036007', 'Dyspnea')] },
  fatigue: { kind: 'symptom', codings: [sct('84229001', 'Fatigue')] },
  diarrhea: { kind: 'symptom', codings: [sct('62315008', 'Diarrhea')] },
  consciousness: { kind: 'symptom', codings: [sct('40917007', 'Clouded consciousness')] },
  face: { kind: 'symptom', codings: [own('face', 'Face or colour unusual (表情・顔色がいつもと違う)')] },
  cough: { kind: 'symptom', codings: [own('cough', 'Cough or runny nose (咳・鼻水)')] },
  nausea: { kind: 'symptom', codings: [own('nausea', 'Nausea or vomiting (吐き気・嘔吐)')] },
  taste_smell: { kind: 'symptom', codings: [own('taste_smell', 'Loss of taste or smell (味覚・嗅覚の異常)')] },
  cannot_eat: { kind: 'symptom', codings: [own('cannot_eat', 'Unable to eat or drink (食事・水分がとれない)')] },
  no_urine: { kind: 'symptom', codings: [own('no_urine', 'No urine for 12 hours or more (半日以上尿が出ない)')] },
  urgent: { kind: 'symptom', codings: [own('urgent', 'Urgent symptoms checklist (緊急性の高い症状)')] },
};

/** The codings of a question: its table entry, or `question#<id>` for a locally written question. */
export function codingsOf(questionId: string): Coding[] {
  return QUESTION_CODES[questionId]?.codings ?? [{ system: QUESTION_SYSTEM, code: questionId }];
}

/** Question ids a `code` search token (system|code, |code or code) stands for. */
export function questionIdsForToken(token: string): string[] {
  const bar = token.indexOf('|');
  const system = bar >= 0 ? token.slice(0, bar) : null;
  const code = bar >= 0 ? token.slice(bar + 1) : token;
  if (system === QUESTION_SYSTEM) return [code];
  const ids = Object.entries(QUESTION_CODES)
    .filter(([, q]) => q.codings.some((c) => c.code === code && (system === null || system === '' || c.system === system)))
    .map(([id]) => id);
  if (system === null && !ids.length) return [code];
  return ids;
}
