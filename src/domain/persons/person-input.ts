import { z } from 'zod';
import { LANG_CODES } from '../../flows';
import { CHANNEL_KINDS, CLASSIFICATIONS, PERSON_STATUSES, SEXES } from '../../../db/schema';
import { ValidationError, type FieldError } from '../errors';
import { parseInput } from '../validation';
import { parsePhoneNumber, PHONE_SEPARATORS } from '../../platform/text/phone-number';
import { CHILD_FLOW_BELOW_AGE } from '../../flows';
import { ageOn } from '../time';

const isoDate = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });
// E.164; Japanese numbers typed as 090-1234-5678 are converted by normalisePhone first.
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number such as 090-1234-5678 or +819012345678');

/**
 * Japanese domestic numbers to E.164 (+819012345678) with every hyphen and dash Excel and
 * IMEs produce (090−1234ー5678, ０９０－１２３４－５６７８ …: platform/text/phone-number.ts);
 * what is not a phone number comes back without its separators, for the schema to refuse.
 */
export function normalisePhone(raw: string): string {
  return parsePhoneNumber(raw)?.e164 ?? raw.normalize('NFKC').replace(PHONE_SEPARATORS, '');
}

const phoneField = z.preprocess((v) => (typeof v === 'string' && v.trim() ? normalisePhone(v) : undefined), e164.optional());
const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const optText = (max: number) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), text(max).optional());
const optDate = z.preprocess((v) => (v === '' || v === null ? undefined : v), isoDate.optional());

/** The fields a health centre enters about a person (HER-SYS), as the API and console accept them. */
export const personFieldsSchema = z.object({
  caseNumber: text(40).min(1, 'is required'),
  name: text(100).min(1, 'is required'),
  nameKana: optText(100),
  dateOfBirth: optDate,
  sex: z.enum(SEXES).default('unknown'),
  address: optText(300),
  phone: phoneField,
  email: z.preprocess((v) => (v === '' ? undefined : v), z.email({ message: 'must be an e-mail address' }).optional()),
  preferredLanguage: z.enum(LANG_CODES).default('ja'),
  preferredChannel: z.enum(CHANNEL_KINDS).default('line'),
  needsWelfareLiaison: z.boolean().default(false),
  hasElderlyHousehold: z.boolean().default(false),
  classification: z.enum(CLASSIFICATIONS),
  status: z.enum(PERSON_STATUSES).optional(),
  onsetDate: optDate,
  diagnosisDate: optDate,
  lastContactDate: optDate,
  symptomsAtDiagnosis: z.array(text(60)).max(30).default([]),
  underlyingConditions: z.array(text(60)).max(30).default([]),
  riskFactors: z.array(text(60)).max(30).default([]),
  pregnant: z.boolean().default(false),
  hasOximeter: z.boolean().default(false),
  activityHistory: optText(4000),
  infectionRoute: optText(300),
  infectionLinkKnown: z.boolean().optional(),
  // 入院・重症度・転帰: also set by status changes (入院日, 死亡日); corrected here.
  admissionDate: optDate,
  dischargeDate: optDate,
  icuUsed: z.boolean().default(false),
  ventilatorUsed: z.boolean().default(false),
  ecmoUsed: z.boolean().default(false),
  dateOfDeath: optDate,
  monitoringStart: optDate,
  monitoringPlannedEnd: optDate,
  reportingInstitutionCode: optText(40),
  // 担当保健所: defaults to the staff user's own centre
  responsibleCentreCode: optText(40),
  roundTimes: z.array(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM')).min(1).max(6).optional(),
  flowKey: optText(60),
});
export type PersonFields = z.infer<typeof personFieldsSchema>;

type DatedFields = { dateOfBirth?: string | null; admissionDate?: string | null; dischargeDate?: string | null; dateOfDeath?: string | null };

/** Dates that contradict each other (a discharge before the admission …), as field errors. */
export function dateOrderProblems(p: DatedFields): FieldError[] {
  const problems: FieldError[] = [];
  if (p.admissionDate && p.dischargeDate && p.dischargeDate < p.admissionDate) {
    problems.push({ field: 'dischargeDate', message: 'must not be before the admission date', messageJa: '入院日より前にはできません' });
  }
  for (const field of ['admissionDate', 'dateOfDeath'] as const) {
    const d = p[field];
    if (d && p.dateOfBirth && d < p.dateOfBirth) problems.push({ field, message: 'must not be before the date of birth', messageJa: '生年月日より前にはできません' });
  }
  return problems;
}

/**
 * A new person's fields as registerPerson accepts them: the schema, then dates that contradict
 * each other. The one check of a registration, shared by registerPerson and the bulk import
 * (src/domain/imports/import-chunk.ts), so both refuse the same rows with the same messages.
 */
export function validatePersonFields(input: unknown): PersonFields {
  const f = parseInput(personFieldsSchema, input);
  const problems = dateOrderProblems(f);
  if (problems.length) throw new ValidationError(problems);
  return f;
}

export const DEFAULT_STATUS: Record<PersonFields['classification'], PersonFields['status'] & string> = {
  confirmed: 'home_recuperation',
  suspected: 'home_recuperation',
  asymptomatic: 'home_recuperation',
  close_contact: 'close_contact',
};

/** Patients answer at 09:00 and 15:00, close contacts at 09:00 (local time). */
export const defaultRoundTimes = (classification: PersonFields['classification']) =>
  classification === 'close_contact' ? ['09:00'] : ['09:00', '15:00'];
/**
 * The default flow: a child under 15 (on `today`, when the birth date is known) answers the
 * children's flow through a parent; otherwise patients and close contacts their own.
 * Staff choose another by giving flowKey.
 */
export const defaultFlowKey = (classification: PersonFields['classification'], dateOfBirth?: string | null, today?: string) => {
  if (dateOfBirth && today && ageOn(dateOfBirth, today) < CHILD_FLOW_BELOW_AGE) return 'child-daily';
  return classification === 'close_contact' ? 'contact-daily' : 'patient-daily';
};
