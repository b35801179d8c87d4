import type { Condition, HumanName, Observation, Patient } from '@medplum/fhirtypes';
import type { FieldError } from '../errors';
import { EN_REPRESENTATION, LOINC, MIMAMORI_FHIR, SNOMED } from './codes';
import { CLASSIFICATION_SYSTEM } from './map-clinical';

const CASE_PREFIX = `${MIMAMORI_FHIR}/sid/case-number/`;

const fullName = (n: HumanName) => n.text?.trim() || [n.family, ...(n.given ?? [])].filter(Boolean).join(' ');
const representation = (n: HumanName) => n.extension?.find((e) => e.url === EN_REPRESENTATION)?.valueCode;
const dateOf = (v: string | undefined) => (v ? v.slice(0, 10) : undefined);

/** The case number and its health centre, from the identifier whose system is a case-number system. */
export function caseIdentifier(p: Patient): { centreCode: string; caseNumber: string } | null {
  const id = p.identifier?.find((i) => i.system?.startsWith(CASE_PREFIX) && i.value);
  return id ? { centreCode: id.system!.slice(CASE_PREFIX.length), caseNumber: id.value! } : null;
}

/**
 * A JP_Patient and its notified-disease Condition as registerPerson's input (the same
 * validation then applies). Names: the IDE name is the kanji name, the SYL name the kana.
 */
export function registrationInput(p: Patient, c: Condition | undefined): { input: Record<string, unknown>; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const id = caseIdentifier(p);
  if (!id) problems.push({ field: 'Patient.identifier', message: `needs a case number whose system is ${CASE_PREFIX}<health centre code>`, messageJa: `患者IDの identifier（system は ${CASE_PREFIX}<保健所コード>）が必要です` });
  const names = p.name ?? [];
  const kanji = names.find((n) => representation(n) === 'IDE') ?? names.find((n) => representation(n) !== 'SYL');
  const kana = names.find((n) => representation(n) === 'SYL');
  const cls = c?.category?.flatMap((x) => x.coding ?? []).find((x) => x.system === CLASSIFICATION_SYSTEM)?.code;
  const ver = c?.verificationStatus?.coding?.[0]?.code;
  const classification = cls ?? (c ? (ver === 'provisional' || ver === 'differential' ? 'suspected' : 'confirmed') : undefined);
  const input: Record<string, unknown> = {
    caseNumber: id?.caseNumber,
    responsibleCentreCode: id?.centreCode,
    name: kanji ? fullName(kanji) : '',
    ...(kana ? { nameKana: fullName(kana) } : {}),
    ...(p.birthDate ? { dateOfBirth: p.birthDate } : {}),
    ...(p.gender ? { sex: p.gender } : {}),
    ...(p.telecom?.find((t) => t.system === 'phone' || t.system === 'sms')?.value ? { phone: p.telecom.find((t) => t.system === 'phone' || t.system === 'sms')!.value } : {}),
    ...(p.address?.[0] ? { address: p.address[0].text ?? [p.address[0].state, p.address[0].city, ...(p.address[0].line ?? [])].filter(Boolean).join('') } : {}),
    classification,
    ...(c?.onsetDateTime ? { onsetDate: dateOf(c.onsetDateTime) } : {}),
    ...(c?.recordedDate ? { diagnosisDate: dateOf(c.recordedDate) } : {}),
  };
  return { input, problems };
}

const METHOD_OF: Record<string, string> = { '94500-6': 'pcr', '94309-2': 'pcr', '94558-4': 'antigen_qualitative', '94763-0': 'antigen_qualitative', '96119-3': 'antigen_quantitative' };
const RESULT_OF: Record<string, string> = { '10828004': 'positive', '260385009': 'negative', '419984006': 'inconclusive', POS: 'positive', NEG: 'negative', IND: 'inconclusive' };

/** A lab-result Observation (SARS-CoV-2 LOINC codes; SNOMED or v3 interpretation for the result) as a test record (検査). */
export function testRecordInput(o: Observation): Record<string, unknown> {
  const code = o.code.coding?.find((x) => x.system === LOINC)?.code ?? '';
  const valueCode = o.valueCodeableConcept?.coding?.find((x) => x.system === SNOMED)?.code ?? o.interpretation?.[0]?.coding?.[0]?.code ?? '';
  return {
    method: METHOD_OF[code] ?? 'other',
    result: RESULT_OF[valueCode] ?? 'pending',
    ...(o.effectiveDateTime ? { specimenDate: dateOf(o.effectiveDateTime) } : {}),
    ...(o.issued ? { resultDate: dateOf(o.issued) } : {}),
  };
}
