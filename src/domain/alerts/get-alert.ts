import { and, asc, desc, eq, gte } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { alertEvents, checkSessions, householdMembers, households, jurisdictions, observations, persons, staffUsers } from '../../../db/schema';
import { answeredByLabel } from '../households/household-order';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { identifiedReadDetails } from '../personal-identifiers';
import { ageOn, localDateOf, addDays } from '../time';
import { versionBook } from '../persons/question-wording';
import { alertInScope } from './alert-in-scope';
import { mayTakeAlerts } from './assign-alert';
import { requirePermission } from '../permissions';

/** How many days of answers an alert shows beside its reasons. */
export const RECENT_DAYS = 5;
const reporter = alias(persons, 'reporter');

/**
 * One alert with everything a nurse needs to decide: the reasons (rule, values, trend), the
 * person's risk factors and phone, the last days of answers and the alert's history.
 * Reading it is a read of the person's record: audited.
 */
export async function getAlert({ ctx, input }: VerbArgs<{ alertId: string }>) {
  requirePermission(ctx.actor, 'getAlert');
  const alert = await alertInScope(ctx, input.alertId);
  const [person] = await ctx.tx
    .select({ p: persons, tz: jurisdictions.timeZone, centreJa: jurisdictions.nameJa, centreEn: jurisdictions.nameEn })
    .from(persons)
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(eq(persons.id, alert.personId));
  const p = person!.p;
  const today = localDateOf(ctx.now, person!.tz);
  const since = addDays(today, -(RECENT_DAYS - 1));
  const recent = await ctx.tx
    .select({ sessionId: checkSessions.id, flowVersionId: checkSessions.flowVersionId, dueAt: checkSessions.dueAt, completedAt: checkSessions.completedAt, localDate: checkSessions.localDate, round: checkSessions.round, status: checkSessions.status, channel: checkSessions.channel, questionId: observations.questionId, valueNumber: observations.valueNumber, valueText: observations.valueText, value: observations.value, unit: observations.unit, raw: observations.raw, obsStatus: observations.status, observedAt: observations.observedAt })
    .from(observations)
    .innerJoin(checkSessions, eq(checkSessions.id, observations.sessionId))
    .where(and(eq(observations.personId, p.id), gte(checkSessions.localDate, since)))
    .orderBy(desc(checkSessions.localDate), desc(checkSessions.round), asc(observations.observedAt));
  const events = await ctx.tx
    .select({ id: alertEvents.id, kind: alertEvents.kind, note: alertEvents.note, createdAt: alertEvents.createdAt, actor: staffUsers.displayName })
    .from(alertEvents)
    .leftJoin(staffUsers, eq(staffUsers.id, alertEvents.actorStaffId))
    .where(eq(alertEvents.alertId, alert.id))
    .orderBy(asc(alertEvents.createdAt));
  const names = async (id: string | null) => (id ? ((await ctx.tx.select({ n: staffUsers.displayName }).from(staffUsers).where(eq(staffUsers.id, id)))[0]?.n ?? null) : null);
  const book = await versionBook(ctx, recent.map((r) => r.flowVersionId));
  // 代理報告: the household reporter who answered the alert's check, as 「母 見守 花江」.
  const [by] = alert.sessionId
    ? await ctx.tx
        .select({ name: reporter.name, relation: householdMembers.relation, phone: reporter.phone })
        .from(checkSessions)
        .innerJoin(reporter, eq(reporter.id, checkSessions.answeredByPersonId))
        .leftJoin(householdMembers, eq(householdMembers.personId, reporter.id))
        .where(eq(checkSessions.id, alert.sessionId))
    : [];
  // …or the household's reporter contact who is not a person, as 「母 見守 花江」 too (her phone whatever her channel: LINE keeps it).
  const [byContact] = alert.sessionId && !by
    ? await ctx.tx
        .select({ name: households.contactName, relation: households.contactRelation, phone: households.contactAddress })
        .from(checkSessions)
        .innerJoin(households, eq(households.id, checkSessions.answeredByHouseholdId))
        .where(eq(checkSessions.id, alert.sessionId))
    : [];
  await writeAudit(ctx, { action: 'read', entity: 'alert', entityId: alert.id, personId: p.id, details: identifiedReadDetails(ctx.actor, 'person_record') });
  return {
    alert: { ...alert, reasons: alert.details.reasons ?? [], assignedToName: await names(alert.assignedTo), acknowledgedByName: await names(alert.acknowledgedBy), resolvedByName: await names(alert.resolvedBy) },
    person: {
      id: p.id,
      name: p.name,
      nameKana: p.nameKana,
      caseNumber: p.caseNumber,
      phone: p.phone,
      age: p.dateOfBirth ? ageOn(p.dateOfBirth, today) : null,
      sex: p.sex,
      classification: p.classification,
      status: p.status,
      onsetDate: p.onsetDate,
      riskFactors: p.riskFactors,
      underlyingConditions: p.underlyingConditions,
      pregnant: p.pregnant,
      hasOximeter: p.hasOximeter,
      centre: { ja: person!.centreJa, en: person!.centreEn },
    },
    answeredBy: by ? answeredByLabel(by) : byContact?.name ? answeredByLabel({ name: byContact.name, relation: byContact.relation }) : null,
    /** The answerer's phone (E.164) for the nurse to call, when the check was answered for the person and there is one. */
    answeredByPhone: (by ? by.phone : byContact?.name ? byContact.phone : null) ?? null,
    // Each answer judged against its flow's single-answer rules: the table marks red and amber cells.
    recent: recent.map((r) => ({ ...r, mark: r.obsStatus === 'answered' ? book.mark(r.flowVersionId, r.questionId, r.value) : null })),
    questions: book.wordings,
    events,
  };
}
export type AlertDetail = Awaited<ReturnType<typeof getAlert>>;

/** Staff an alert can be assigned to: exactly those assignAlert accepts (nurses and administrators of its centre). */
export async function assignableStaff({ ctx, input }: VerbArgs<{ centreId: string }>) {
  requirePermission(ctx.actor, 'assignableStaff');
  return ctx.tx
    .select({ id: staffUsers.id, name: staffUsers.displayName })
    .from(staffUsers)
    .where(mayTakeAlerts(input.centreId))
    .orderBy(staffUsers.displayName);
}
