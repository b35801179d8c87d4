import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { checkSessions, jurisdictions, observations, persons } from '../../../db/schema';
import type { Channel, FlowContext, HistoryDay, Lang, ObservationValue } from '../../flows';
import { NotFoundError } from '../errors';
import { addDays, ageOn, daysBetween, isOpenAt, localDateOf } from '../time';

export const HISTORY_DAYS = 14;

type PersonRow = typeof persons.$inferSelect;

/** Risk factors the engine escalates on: age ≥ 65 (derived), underlying conditions, pregnancy, and those recorded. */
export function riskFactorsOf(p: Pick<PersonRow, 'riskFactors' | 'underlyingConditions' | 'pregnant' | 'dateOfBirth'>, localDate: string): string[] {
  const factors = new Set(p.riskFactors);
  if (p.dateOfBirth && ageOn(p.dateOfBirth, localDate) >= 65) factors.add('age65');
  if (p.underlyingConditions.length > 0) factors.add('underlying_condition');
  if (p.pregnant) factors.add('pregnancy');
  return [...factors].sort();
}

/** Earlier days' answers, oldest first, one entry per local date (the last answer of the day wins). */
export async function loadHistory(db: DbOrTx, personId: string, beforeLocalDate: string): Promise<HistoryDay[]> {
  const rows = await db
    .select({ localDate: checkSessions.localDate, questionId: observations.questionId, value: observations.value, status: observations.status })
    .from(observations)
    .innerJoin(checkSessions, eq(checkSessions.id, observations.sessionId))
    .where(and(eq(observations.personId, personId), lt(checkSessions.localDate, beforeLocalDate), gte(checkSessions.localDate, addDays(beforeLocalDate, -HISTORY_DAYS))))
    .orderBy(asc(checkSessions.localDate), asc(observations.observedAt));
  const byDate = new Map<string, Record<string, ObservationValue>>();
  for (const r of rows) {
    if (r.status !== 'answered') continue;
    const values = byDate.get(r.localDate) ?? {};
    values[r.questionId] = r.value as ObservationValue;
    byDate.set(r.localDate, values);
  }
  return [...byDate.entries()].map(([localDate, values]) => ({ localDate, values }));
}

/** Everything the pure engine needs about a person, their centre and their history, at `now`. */
export async function buildFlowContext(db: DbOrTx, personId: string, channel: Channel, now: Date, localDate?: string): Promise<FlowContext> {
  const [row] = await db
    .select({ p: persons, centre: jurisdictions })
    .from(persons)
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(eq(persons.id, personId));
  if (!row) throw new NotFoundError('person', personId);
  const { p, centre } = row;
  const date = localDate ?? localDateOf(now, centre.timeZone);
  const start = p.monitoringStart ?? date;
  return {
    now: now.toISOString(),
    channel,
    lang: p.preferredLanguage as Lang,
    localDate: date,
    timeZone: centre.timeZone,
    subject: {
      age: p.dateOfBirth ? ageOn(p.dateOfBirth, date) : undefined,
      riskFactors: riskFactorsOf(p, date),
      hasOximeter: p.hasOximeter,
      classification: p.classification,
      monitoringDay: Math.max(1, daysBetween(start, date) + 1),
    },
    healthCentre: { name: centre.nameJa, phone: centre.phone ?? '', isOpen: isOpenAt(centre.openingHours, now, centre.timeZone) },
    history: await loadHistory(db, personId, date),
  };
}
