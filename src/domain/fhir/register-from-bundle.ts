import type { Condition, Observation, Patient } from '@medplum/fhirtypes';
import { and, eq } from 'drizzle-orm';
import { jurisdictions, persons } from '../../../db/schema';
import { personScope } from '../access';
import type { VerbArgs } from '../context';
import { ConflictError, ValidationError } from '../errors';
import { addTestRecord } from '../persons/test-records';
import { registerPerson } from '../persons/register-person';
import { auditFhirRead } from './audit-reads';
import { caseIdentifier, registrationInput, testRecordInput } from './map-registration';

export interface BundleRegistration {
  patient: Patient;
  condition?: Condition;
  labs: Observation[];
  /** The Patient entry's If-None-Exist query, e.g. identifier=https://…/case-number/13-101|A-1 */
  ifNoneExist?: string;
}

/** The person a conditional create names, if it exists within the client's scope. */
async function existing(args: VerbArgs<BundleRegistration>): Promise<string | null> {
  const { ctx, input } = args;
  const m = /^identifier=([^|]*)\|(.+)$/.exec(decodeURIComponent(input.ifNoneExist ?? ''));
  const named = m ? caseIdentifier({ resourceType: 'Patient', identifier: [{ system: m[1], value: m[2] }] }) : null;
  if (!named) throw new ValidationError([{ field: 'Bundle.entry.request.ifNoneExist', message: 'must be identifier=<case-number system>|<case number>', messageJa: 'ifNoneExist は identifier=<患者IDの system>|<患者ID> の形式にしてください' }]);
  const [row] = await ctx.tx
    .select({ id: persons.id })
    .from(persons)
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(and(eq(persons.caseNumber, named.caseNumber), eq(jurisdictions.code, named.centreCode), personScope(ctx.actor)));
  return row?.id ?? null;
}

/**
 * POST /fhir/Bundle (transaction): a Patient, its Condition and optional lab Observations
 * register a person through registerPerson — the console's validation, duplicate check and
 * audit — and the labs through addTestRecord. With If-None-Exist on the case number, an
 * existing person is answered and nothing is created; the unique index on (centre, case
 * number) makes a duplicate impossible even for two requests at once.
 */
export async function registerFromBundle(args: VerbArgs<BundleRegistration>): Promise<{ personId: string; created: boolean; testRecordIds: string[] }> {
  const { ctx, input } = args;
  if (input.ifNoneExist) {
    const found = await existing(args);
    if (found) {
      await auditFhirRead(ctx, 'Patient', [found], { single: true });
      return { personId: found, created: false, testRecordIds: [] };
    }
  }
  const { input: fields, problems } = registrationInput(input.patient, input.condition);
  if (problems.length) throw new ValidationError(problems);
  let personId: string;
  try {
    ({ id: personId } = await registerPerson({ ctx, input: fields }));
  } catch (err) {
    const code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
    if (code === '23505') throw new ConflictError('a person with this case number already exists at this health centre', undefined, 'この保健所に同じ患者IDの対象者がいます');
    throw err;
  }
  const testRecordIds: string[] = [];
  for (const lab of input.labs) testRecordIds.push((await addTestRecord({ ctx, input: { personId, ...testRecordInput(lab) } })).id);
  return { personId, created: true, testRecordIds };
}
