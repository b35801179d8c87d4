import type { Bundle, BundleEntry, Condition, Observation, Patient } from '@medplum/fhirtypes';
import type { Context } from 'hono';
import { withTransaction } from '../domain/context';
import { registerFromBundle } from '../domain/fhir/register-from-bundle';
import type { Deps } from '../deps';
import { clientCtx, requireScope, type FhirEnv } from './auth';
import { fhirJson, FhirRequestError, outcome } from './outcome';
import { fhirProblems } from './validate';

const MAX_BODY = 1_000_000;
const bad = (message: string, messageJa: string, expression?: string[]) => new FhirRequestError(400, 'invalid', message, messageJa, expression);

async function readBundle(c: Context): Promise<Bundle> {
  if (!/application\/(fhir\+)?json/i.test(c.req.header('content-type') ?? '')) {
    throw new FhirRequestError(415, 'not-supported', 'send application/fhir+json', 'application/fhir+json で送ってください');
  }
  const text = await c.req.text();
  if (text.length > MAX_BODY) throw bad('the Bundle is too large (at most 1 MB)', 'Bundle が大きすぎます（1MB まで）');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new FhirRequestError(400, 'structure', 'the body is not JSON', '本文が JSON ではありません');
  }
  const type = (body as { resourceType?: unknown })?.resourceType;
  if (type !== 'Bundle') throw bad(`resourceType must be Bundle (not ${String(type).slice(0, 40)})`, 'resourceType は Bundle にしてください', ['resourceType']);
  if ((body as Bundle).type !== 'transaction') throw bad('only transaction Bundles are accepted', 'transaction 型の Bundle のみ受け付けます', ['Bundle.type']);
  return body as Bundle;
}

/** The entries a registration may hold: one Patient, at most one Condition, lab Observations, all POST. */
function entriesOf(bundle: Bundle) {
  const entries = bundle.entry ?? [];
  const of = <T,>(type: string) => entries.filter((e) => e.resource?.resourceType === type) as (BundleEntry & { resource: T })[];
  const patients = of<Patient>('Patient');
  const conditions = of<Condition>('Condition');
  const labs = of<Observation>('Observation');
  const other = entries.find((e) => !['Patient', 'Condition', 'Observation'].includes(e.resource?.resourceType ?? ''));
  if (other) throw bad(`a registration Bundle holds Patient, Condition and Observation entries only (not ${other.resource?.resourceType ?? 'an entry without a resource'})`, '登録の Bundle には Patient・Condition・Observation のみ入れられます');
  if (patients.length !== 1) throw bad('a registration Bundle holds exactly one Patient', '登録の Bundle には Patient を1件だけ入れてください');
  if (conditions.length > 1) throw bad('a registration Bundle holds at most one Condition', 'Condition は1件までです');
  const bad405 = entries.find((e) => e.request?.method !== 'POST' || e.request.url !== e.resource!.resourceType);
  if (bad405) throw bad('every entry must be request.method POST to its resource type', 'すべての entry の request は POST（URL はリソース種別）にしてください', ['Bundle.entry.request']);
  const patientRef = patients[0]!.fullUrl;
  const subjectOk = (r: { subject?: { reference?: string } }) => !!patientRef && r.subject?.reference === patientRef;
  if (![...conditions, ...labs].every((e) => subjectOk(e.resource))) throw bad('Condition and Observation subjects must reference the Patient entry by its fullUrl', 'Condition と Observation の subject は Patient の fullUrl を参照してください', ['Bundle.entry.resource.subject']);
  return { patient: patients[0]!, condition: conditions[0], labs };
}

/**
 * POST /fhir and POST /fhir/Bundle: a transaction registering one person (see
 * registerFromBundle). Anything that is not valid FHIR R4 is refused before any verb runs.
 */
export function transactionHandler(deps: Deps) {
  return async (c: Context<FhirEnv>) => {
    requireScope(c, 'Bundle', 'c');
    const bundle = await readBundle(c);
    const problems = fhirProblems(bundle);
    if (problems.length) {
      return fhirJson(c, outcome(problems.map((i) => ({ code: i.code, message: i.details?.text ?? i.diagnostics ?? 'invalid', messageJa: `FHIR R4 として正しくありません: ${i.details?.text ?? i.diagnostics ?? ''}`, expression: i.expression }))), 400);
    }
    const { patient, condition, labs } = entriesOf(bundle);
    requireScope(c, 'Patient', 'c');
    if (condition) requireScope(c, 'Condition', 'c');
    if (labs.length) requireScope(c, 'Observation', 'c');
    const result = await withTransaction(deps.db, clientCtx(c, deps), (ctx) =>
      registerFromBundle({ ctx, input: { patient: patient.resource, condition: condition?.resource, labs: labs.map((l) => l.resource), ifNoneExist: patient.request?.ifNoneExist } }),
    );
    const status = result.created ? '201 Created' : '200 OK';
    const response: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction-response',
      entry: [
        { response: { status, location: `Patient/${result.personId}` } },
        ...(condition ? [{ response: { status, location: `Condition/${result.personId}` } }] : []),
        // Lab results are kept as the person's test records (検査), not served back as Observations.
        ...labs.map(() => ({ response: { status: result.created ? '201 Created' : '200 OK' } })),
      ],
    };
    return fhirJson(c, response, 200);
  };
}
