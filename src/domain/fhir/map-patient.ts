import type { HumanName, Patient } from '@medplum/fhirtypes';
import type { persons } from '../../../db/schema';
import { caseNumberSystem, EN_REPRESENTATION, JP_PATIENT } from './codes';

type PersonRow = typeof persons.$inferSelect;

/** 「山田 太郎」 → family 山田, given [太郎]; a name without a space stays whole in `text` and `family`. */
function humanName(full: string, representation: 'IDE' | 'SYL'): HumanName {
  const parts = full.trim().split(/[\s\u3000]+/);
  return {
    extension: [{ url: EN_REPRESENTATION, valueCode: representation }],
    use: 'official',
    text: full.trim(),
    family: parts[0],
    ...(parts.length > 1 ? { given: parts.slice(1) } : {}),
  };
}

/**
 * A person as JP_Patient: the case number as identifier (its system names the health
 * centre), the kanji name (IDE) and the kana name (SYL), birth date, gender, phone,
 * address. `identified: false` (national lists and exports) leaves out who the person is.
 */
export function toPatient(p: PersonRow, centreCode: string, identified: boolean): Patient {
  return {
    resourceType: 'Patient',
    id: p.id,
    meta: { lastUpdated: p.updatedAt.toISOString(), profile: [JP_PATIENT] },
    identifier: [{ system: caseNumberSystem(centreCode), value: p.caseNumber }],
    active: p.status !== 'monitoring_ended' && p.status !== 'deceased',
    ...(identified
      ? {
          name: [humanName(p.name, 'IDE'), ...(p.nameKana ? [humanName(p.nameKana, 'SYL')] : [])],
          ...(p.phone ? { telecom: [{ system: 'phone' as const, value: p.phone, use: 'mobile' as const }] } : {}),
          ...(p.dateOfBirth ? { birthDate: p.dateOfBirth } : {}),
          ...(p.address ? { address: [{ use: 'home' as const, text: p.address, country: 'JP' }] } : {}),
        }
      : {}),
    gender: p.sex,
    ...(p.dateOfDeath ? { deceasedDateTime: p.dateOfDeath } : {}),
    managingOrganization: { reference: `Organization/${p.responsibleCentreId}` },
  };
}
