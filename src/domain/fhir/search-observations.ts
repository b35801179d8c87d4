import { and, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../../../db/client';
import { observations, persons } from '../../../db/schema';
import { onePersonScope, personScope } from '../access';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { auditFhirRead, withListAudit } from './audit-reads';
import { observationColumns, type RawObservation } from './export-queries';
import { QUESTION_CODES, questionIdsForToken } from './codes';
import { instantCondition, type DateRange } from './date-param';
import { toObservation } from './map-observation';
import { requirePermission } from '../permissions';

export interface ObservationSearch {
  ids?: string[];
  patient?: string[]; // person ids
  code?: string[]; // each a comma-separated list of tokens
  category?: string[]; // vital-signs | survey
  date?: DateRange[];
  count: number;
  offset: number;
}

const MEASURES = Object.entries(QUESTION_CODES).filter(([, q]) => q.kind === 'measure').map(([id]) => id);
const COLUMNS = {
  id: observations.id, personId: observations.personId, sessionId: observations.sessionId, questionId: observations.questionId, kind: observations.kind,
  valueNumber: observations.valueNumber, valueText: observations.valueText, value: observations.value, unit: observations.unit, observedAt: observations.observedAt, createdAt: observations.createdAt,
};

/** Answered questions only; free-text comments stay in the QuestionnaireResponse. */
export const observationShown = (): SQL => and(eq(observations.status, 'answered'), ne(observations.kind, 'text'))!;

/**
 * GET /fhir/Observation?…: answers of persons in scope, oldest first, one page. Audited in the
 * same statement (withListAudit): the door runs it without a transaction of its own.
 */
export async function searchObservations({ ctx, input }: VerbArgs<ObservationSearch>) {
  requirePermission(ctx.actor, 'searchObservations');
  const where: SQL[] = [observationShown(), personScope(ctx.actor)];
  if (input.ids) where.push(inArray(observations.id, input.ids));
  for (const p of input.patient ?? []) where.push(inArray(observations.personId, p.split(',')));
  for (const c of input.code ?? []) where.push(inArray(observations.questionId, c.split(',').flatMap(questionIdsForToken).concat('')));
  for (const c of input.category ?? []) {
    const cats = c.split(',').map((x) => x.slice(x.indexOf('|') + 1));
    const vital = cats.includes('vital-signs');
    const survey = cats.includes('survey');
    if (vital && !survey) where.push(inArray(observations.questionId, MEASURES));
    else if (survey && !vital) where.push(and(...MEASURES.map((m) => ne(observations.questionId, m)))!);
    else if (!vital && !survey) where.push(inArray(observations.questionId, ['']));
  }
  for (const r of input.date ?? []) where.push(instantCondition(observations.observedAt, r));
  const order = sql`observations.observed_at, observations.id`;
  const rows = await queryRows<RawObservation>(
    ctx.tx,
    withListAudit(
      ctx,
      'Observation',
      sql`select ${observationColumns('observations')}, observations.person_id, row_number() over (order by ${order}) as n
        from observations inner join persons on persons.id = observations.person_id where ${and(...where)}
        order by ${order} limit ${input.count + 1} offset ${input.offset}`,
      input.offset + input.count,
    ),
  );
  return { resources: rows.slice(0, input.count).map(toObservation), more: rows.length > input.count };
}

export async function readObservation({ ctx, input }: VerbArgs<{ id: string }>) {
  requirePermission(ctx.actor, 'readObservation');
  if (!/^[0-9a-f-]{36}$/i.test(input.id)) throw new NotFoundError('Observation', input.id);
  const [row] = await ctx.tx
    .select(COLUMNS)
    .from(observations)
    .innerJoin(persons, eq(persons.id, observations.personId))
    .where(and(eq(observations.id, input.id), observationShown(), onePersonScope(ctx.actor)));
  if (!row) throw new NotFoundError('Observation', input.id);
  await auditFhirRead(ctx, 'Observation', [row.personId], { single: true, resourceId: row.id });
  return toObservation(row);
}
