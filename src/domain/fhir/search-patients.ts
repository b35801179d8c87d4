import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { jurisdictions, persons } from '../../../db/schema';
import { onePersonScope, personScope } from '../access';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { identifiedReadDetails, showsIdentifiers } from '../personal-identifiers';
import { auditFhirRead } from './audit-reads';
import { MIMAMORI_FHIR } from './codes';
import { dateCondition, instantCondition, type DateRange } from './date-param';
import { toPatient } from './map-patient';
import { requirePermission } from '../permissions';

export interface PatientSearch {
  ids?: string[];
  identifier?: string[]; // system|value or value
  name?: string[];
  birthdate?: DateRange[];
  lastUpdated?: DateRange[];
  count: number;
  offset: number;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const CASE_PREFIX = `${MIMAMORI_FHIR}/sid/case-number/`;

function identifierCondition(token: string): SQL {
  const bar = token.indexOf('|');
  if (bar < 0) return eq(persons.caseNumber, token);
  const system = token.slice(0, bar);
  const value = token.slice(bar + 1);
  if (!system) return eq(persons.caseNumber, value);
  if (!system.startsWith(CASE_PREFIX)) return sql`false`;
  return and(eq(persons.caseNumber, value), eq(jurisdictions.code, system.slice(CASE_PREFIX.length)))!;
}

/** GET /fhir/Patient?…: persons in the client's scope as JP_Patient, one page. Audited. */
export async function searchPatients({ ctx, input }: VerbArgs<PatientSearch>) {
  requirePermission(ctx.actor, 'searchPatients');
  const where: SQL[] = [personScope(ctx.actor)];
  if (input.ids) where.push(inArray(persons.id, input.ids));
  for (const t of input.identifier ?? []) where.push(or(...t.split(',').map(identifierCondition))!);
  for (const n of input.name ?? []) {
    const p = `%${likeEscape(n)}%`;
    where.push(or(ilike(persons.name, p), ilike(persons.nameKana, p))!);
  }
  for (const r of input.birthdate ?? []) where.push(dateCondition(persons.dateOfBirth, r));
  for (const r of input.lastUpdated ?? []) where.push(instantCondition(persons.updatedAt, r));
  const rows = await ctx.tx
    .select({ p: persons, centreCode: jurisdictions.code })
    .from(persons)
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(and(...where))
    .orderBy(asc(persons.id))
    .limit(input.count + 1)
    .offset(input.offset);
  const page = rows.slice(0, input.count);
  await auditFhirRead(ctx, 'Patient', page.map((r) => r.p.id));
  const identified = showsIdentifiers(ctx.actor, 'person_list');
  return { resources: page.map((r) => toPatient(r.p, r.centreCode, identified)), more: rows.length > input.count };
}

/** GET /fhir/Patient/{id}: 404 when missing or outside the client's scope alike. Audited as a record read. */
export async function readPatient({ ctx, input }: VerbArgs<{ id: string }>) {
  requirePermission(ctx.actor, 'readPatient');
  if (!/^[0-9a-f-]{36}$/i.test(input.id)) throw new NotFoundError('Patient', input.id);
  const [row] = await ctx.tx
    .select({ p: persons, centreCode: jurisdictions.code })
    .from(persons)
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(and(eq(persons.id, input.id), onePersonScope(ctx.actor)));
  if (!row) throw new NotFoundError('Patient', input.id);
  await auditFhirRead(ctx, 'Patient', [row.p.id], { single: true, details: identifiedReadDetails(ctx.actor, 'person_record') ?? undefined });
  return toPatient(row.p, row.centreCode, showsIdentifiers(ctx.actor, 'person_record'));
}
