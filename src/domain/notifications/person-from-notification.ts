import type { Classification, PersonStatus } from '../../../db/schema';
import { DIAGNOSIS_CLASSES, SYMPTOMS_JA, type DiagnosisClass, type NotificationFields } from './notification-input';

const CLASSIFICATION: Record<DiagnosisClass, Classification> = {
  confirmed: 'confirmed',
  asymptomatic: 'asymptomatic',
  suspected: 'suspected',
  infected_deceased: 'confirmed',
  suspected_deceased: 'suspected',
};

/**
 * The person fields (registerPerson's input) a 発生届 carries: nothing is typed again.
 * Deceased classes register as 死亡; 届出時点で入院 as 入院 (no daily checks); everyone else
 * gets the default status of their classification, and with it their rounds.
 */
export function personFromNotification(f: NotificationFields, extra: { caseNumber: string; centreCode: string; institutionCode: string }): Record<string, unknown> {
  const cls = f.diagnosisClass ?? DIAGNOSIS_CLASSES[0];
  const status: PersonStatus | undefined = cls.endsWith('_deceased') ? 'deceased' : f.admitted ? 'hospitalized' : undefined;
  const region = f.infectionRegion ? `感染地域: ${f.infectionRegion === 'abroad' ? '国外' : '国内'}${f.infectionRegionDetail ? `（${f.infectionRegionDetail}）` : ''}` : undefined;
  return {
    caseNumber: extra.caseNumber,
    responsibleCentreCode: extra.centreCode,
    reportingInstitutionCode: extra.institutionCode,
    name: f.name,
    nameKana: f.nameKana,
    sex: f.sex ?? 'unknown',
    dateOfBirth: f.dateOfBirth,
    address: f.address,
    phone: f.phone,
    classification: CLASSIFICATION[cls],
    ...(status ? { status } : {}),
    onsetDate: f.onsetDate,
    diagnosisDate: f.diagnosisDate,
    symptomsAtDiagnosis: f.symptoms.map((s) => SYMPTOMS_JA[s] ?? s),
    infectionRoute: f.infectionRoute,
    activityHistory: region,
    admissionDate: f.admitted ? (f.admissionDate ?? f.diagnosisDate) : undefined,
  };
}
