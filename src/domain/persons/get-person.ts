import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { alerts, checkSessions, jurisdictions, lineMulticasts, medicalInstitutions, outboundMessages, personChannels, personSharedCentres, personStatusHistory, staffUsers } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { identifiedReadDetails } from '../personal-identifiers';
import { ageOn, localDateOf } from '../time';
import { contactsOf } from './person-contacts';
import { assignedFlowKey } from './person-flow';
import { personInScope } from './person-in-scope';
import { notesOf } from './person-notes';
import { testRecordsOf } from './test-records';
import { requirePermission } from '../permissions';

/**
 * A person's record as the console and GET /api/v1/persons/:id show it: the fields, the
 * responsible and sharing centres, channels, status history and alerts. Audited as a read.
 */
export async function getPerson({ ctx, input }: VerbArgs<{ personId: string }>) {
  requirePermission(ctx.actor, 'getPerson');
  const p = await personInScope(ctx, input.personId);
  const [centre] = await ctx.tx.select().from(jurisdictions).where(eq(jurisdictions.id, p.responsibleCentreId));
  const shared = await ctx.tx
    .select({ id: jurisdictions.id, code: jurisdictions.code, nameJa: jurisdictions.nameJa, nameEn: jurisdictions.nameEn })
    .from(personSharedCentres)
    .innerJoin(jurisdictions, eq(jurisdictions.id, personSharedCentres.jurisdictionId))
    .where(eq(personSharedCentres.personId, p.id))
    .orderBy(jurisdictions.code);
  const channels = await ctx.tx
    .select({ kind: personChannels.kind, state: personChannels.state, verifiedAt: personChannels.verifiedAt, optedOutAt: personChannels.optedOutAt, address: personChannels.address })
    .from(personChannels)
    .where(eq(personChannels.personId, p.id))
    .orderBy(personChannels.kind);
  const history = await ctx.tx
    .select({ status: personStatusHistory.status, note: personStatusHistory.note, changedAt: personStatusHistory.changedAt, by: staffUsers.displayName })
    .from(personStatusHistory)
    .leftJoin(staffUsers, eq(staffUsers.id, personStatusHistory.changedBy))
    .where(eq(personStatusHistory.personId, p.id))
    .orderBy(desc(personStatusHistory.changedAt));
  // Contact attempts (連絡の記録): what was sent on which channel and what became of it, so a
  // nurse sees a number that does not work before phoning. Kinds and codes, never the text.
  // A round's LINE prompts are one row per multicast (line_multicasts): the person's own entry is their place in it.
  const ownMessages = await ctx.tx
    .select({ id: outboundMessages.id, sessionId: outboundMessages.sessionId, channel: outboundMessages.channel, kind: outboundMessages.kind, status: outboundMessages.status, errorCode: outboundMessages.errorCode, attempts: outboundMessages.attempts, createdAt: outboundMessages.createdAt, updatedAt: outboundMessages.updatedAt })
    .from(outboundMessages)
    .where(eq(outboundMessages.personId, p.id))
    .orderBy(desc(outboundMessages.createdAt))
    .limit(30);
  const multicasts = await ctx.tx
    .select({
      id: lineMulticasts.id,
      sessionId: sql<string | null>`${lineMulticasts.sessionIds}[array_position(${lineMulticasts.personIds}, ${p.id}::uuid)]`,
      channel: sql<'line'>`'line'`,
      kind: lineMulticasts.kind,
      status: lineMulticasts.status,
      errorCode: lineMulticasts.errorCode,
      attempts: lineMulticasts.attempts,
      createdAt: lineMulticasts.createdAt,
      updatedAt: lineMulticasts.updatedAt,
    })
    .from(lineMulticasts)
    .where(sql`${lineMulticasts.personIds} @> array[${p.id}::uuid]`)
    .orderBy(desc(lineMulticasts.createdAt))
    .limit(30);
  const contactAttempts = [...ownMessages, ...multicasts].sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime()).slice(0, 30);
  const personAlerts = await ctx.tx
    .select({ id: alerts.id, severity: alerts.severity, status: alerts.status, reason: alerts.reason, details: alerts.details, createdAt: alerts.createdAt, outcome: alerts.outcome })
    .from(alerts)
    .where(eq(alerts.personId, p.id))
    .orderBy(desc(alerts.createdAt))
    .limit(50);
  const institution = p.reportingInstitutionId
    ? (await ctx.tx.select({ code: medicalInstitutions.code, name: medicalInstitutions.name }).from(medicalInstitutions).where(eq(medicalInstitutions.id, p.reportingInstitutionId)))[0] ?? null
    : null;
  const today = localDateOf(ctx.now, centre!.timeZone);
  const [todayOpen] = await ctx.tx
    .select({ id: checkSessions.id })
    .from(checkSessions)
    .where(and(eq(checkSessions.personId, p.id), eq(checkSessions.localDate, today), inArray(checkSessions.status, ['pending', 'prompted', 'active'])))
    .orderBy(asc(checkSessions.dueAt))
    .limit(1);
  const tests = await testRecordsOf(ctx, p.id);
  const contacts = await contactsOf(ctx, p.id);
  const notes = await notesOf(ctx, p.id);
  await writeAudit(ctx, { action: 'read', entity: 'person', entityId: p.id, personId: p.id, details: identifiedReadDetails(ctx.actor, 'person_record') });
  return {
    person: { ...p, age: p.dateOfBirth ? ageOn(p.dateOfBirth, today) : null, flowKey: await assignedFlowKey(ctx, p.id) },
    centre: { id: centre!.id, code: centre!.code, nameJa: centre!.nameJa, nameEn: centre!.nameEn, timeZone: centre!.timeZone },
    sharedCentres: shared,
    institution,
    channels,
    statusHistory: history,
    tests,
    contacts,
    notes,
    alerts: personAlerts.map(({ details, ...a }) => ({ ...a, reasons: details.reasons ?? [] })),
    contactAttempts,
    today,
    openSessionToday: todayOpen?.id ?? null,
  };
}
export type PersonRecord = Awaited<ReturnType<typeof getPerson>>;
