import type { Condition, Encounter, Flag, Organization } from '@medplum/fhirtypes';
import type { persons } from '../../../db/schema';
import { CENTRE_CODE_SYSTEM, INSTITUTION_CODE_SYSTEM, JP_CONDITION, JP_ENCOUNTER, JP_ORGANIZATION, MIMAMORI_FHIR } from './codes';

type PersonRow = typeof persons.$inferSelect;

export const CLASSIFICATION_SYSTEM = `${MIMAMORI_FHIR}/CodeSystem/classification`;
export const NOTIFIED_DISEASE_SYSTEM = `${MIMAMORI_FHIR}/CodeSystem/notified-disease`;
export const ALERT_REASON_SYSTEM = `${MIMAMORI_FHIR}/CodeSystem/alert-reason`;
const CLASSIFICATION_JA: Record<string, string> = { confirmed: '患者（確定例）', suspected: '疑似症患者', asymptomatic: '無症状病原体保有者', close_contact: '濃厚接触者' };

/**
 * The notified disease (発生届) of a case as a Condition: the classification (確定例 / 疑似症 /
 * 無症状病原体保有者) as category and verification status, onset and diagnosis date. Close
 * contacts have no Condition. The id is the person's.
 */
export function toCondition(p: PersonRow): Condition | null {
  if (p.classification === 'close_contact') return null;
  const ended = p.status === 'monitoring_ended' || p.status === 'deceased';
  return {
    resourceType: 'Condition',
    id: p.id,
    meta: { lastUpdated: p.updatedAt.toISOString(), profile: [JP_CONDITION] },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: ended ? 'resolved' : 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: p.classification === 'suspected' ? 'provisional' : 'confirmed' }] },
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] },
      { coding: [{ system: CLASSIFICATION_SYSTEM, code: p.classification, display: CLASSIFICATION_JA[p.classification] }] },
    ],
    code: { coding: [{ system: NOTIFIED_DISEASE_SYSTEM, code: 'notified', display: '届出対象感染症' }], text: '届出対象感染症' },
    subject: { reference: `Patient/${p.id}` },
    ...(p.onsetDate ? { onsetDateTime: p.onsetDate } : {}),
    ...(p.diagnosisDate ? { recordedDate: p.diagnosisDate } : {}),
  };
}

/** A hospital stay (入院日 – 退院日) as an inpatient Encounter; none without an admission date. The id is the person's. */
export function toEncounter(p: PersonRow): Encounter | null {
  if (!p.admissionDate) return null;
  return {
    resourceType: 'Encounter',
    id: p.id,
    meta: { lastUpdated: p.updatedAt.toISOString(), profile: [JP_ENCOUNTER] },
    status: p.dischargeDate ? 'finished' : 'in-progress',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: 'inpatient encounter' },
    subject: { reference: `Patient/${p.id}` },
    period: { start: p.admissionDate, ...(p.dischargeDate ? { end: p.dischargeDate } : {}) },
    ...(p.reportingInstitutionId ? { serviceProvider: { reference: `Organization/${p.reportingInstitutionId}` } } : {}),
  };
}

export interface AlertRow {
  id: string;
  personId: string;
  severity: string;
  reason: string;
  status: string;
  details: { reasons?: { ruleId: string; ja: string; en: string }[] };
  createdAt: Date;
  updatedAt: Date;
}

/** An open or acknowledged alert as an active Flag (JP Core has no Flag profile); severity as the flag-priority extension (red PH, amber PM). */
export function toFlag(a: AlertRow): Flag {
  const reasons = a.details.reasons ?? [];
  return {
    resourceType: 'Flag',
    id: a.id,
    meta: { lastUpdated: a.updatedAt.toISOString() },
    extension: [
      {
        url: 'http://hl7.org/fhir/StructureDefinition/flag-priority',
        valueCodeableConcept: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-priority-code', code: a.severity === 'red' ? 'PH' : 'PM', display: a.severity === 'red' ? 'High priority' : 'Medium priority' }] },
      },
    ],
    status: a.status === 'resolved' ? 'inactive' : 'active',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'clinical', display: 'Clinical' }] }],
    code: {
      coding: [{ system: ALERT_REASON_SYSTEM, code: a.reason }, ...reasons.filter((r) => r.ruleId !== a.reason).map((r) => ({ system: ALERT_REASON_SYSTEM, code: r.ruleId }))],
      text: reasons.length ? reasons.map((r) => r.ja).join('、') : a.reason,
    },
    subject: { reference: `Patient/${a.personId}` },
    period: { start: a.createdAt.toISOString() },
  };
}

/** A health centre (保健所) or a medical institution (医療機関コード as identifier) as an Organization. */
export function toOrganization(o: { id: string; kind: 'health_centre' | 'institution'; code: string; name: string }): Organization {
  const centre = o.kind === 'health_centre';
  return {
    resourceType: 'Organization',
    id: o.id,
    meta: { profile: [JP_ORGANIZATION] },
    identifier: [{ system: centre ? CENTRE_CODE_SYSTEM : INSTITUTION_CODE_SYSTEM, value: o.code }],
    active: true,
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: centre ? 'govt' : 'prov', display: centre ? 'Government' : 'Healthcare Provider' }] }],
    name: o.name,
  };
}
