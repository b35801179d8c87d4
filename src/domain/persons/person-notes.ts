import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import { alertEvents, alerts, personNotes, staffUsers } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { parseInput } from '../validation';
import { personInScope, staffIdOf } from './person-in-scope';
import { requirePermission } from '../permissions';

export const personNoteSchema = z.object({
  note: z.string().trim().min(1, 'is required').max(2000, 'must be at most 2000 characters'),
});

/**
 * A staff note on a person (a call, a visit, something to hand over to the next shift).
 * Audited without its text: the text is in the row, the audit log says who and when.
 * @example await addPersonNote({ ctx, input: { personId, note: '本人と電話。食事は取れている。' } })
 */
export async function addPersonNote({ ctx, input }: VerbArgs<{ personId: string } & Record<string, unknown>>): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'addPersonNote');
  const { note } = parseInput(personNoteSchema, input);
  const person = await personInScope(ctx, input.personId);
  const [row] = await ctx.tx.insert(personNotes).values({ personId: person.id, authorStaffId: staffIdOf(ctx), note, createdAt: ctx.now }).returning({ id: personNotes.id });
  await writeAudit(ctx, { action: 'note', entity: 'person_note', entityId: row!.id, personId: person.id });
  return { id: row!.id };
}

export interface PersonNote {
  id: string;
  source: 'person' | 'alert';
  /** For an alert's note: the alert and what it was about. */
  alert: { id: string; reason: string } | null;
  kind: 'noted' | 'resolved' | 'person';
  note: string;
  author: string | null;
  createdAt: Date;
}

/**
 * Every note about a person, newest first: notes written on the person, and the notes
 * and resolutions written on their alerts — one place to read what was done and said.
 * Part of reading the person's record (audited there).
 */
export async function notesOf(ctx: Ctx, personId: string, limit = 200): Promise<PersonNote[]> {
  const own = await ctx.tx
    .select({ id: personNotes.id, note: personNotes.note, createdAt: personNotes.createdAt, author: staffUsers.displayName })
    .from(personNotes)
    .leftJoin(staffUsers, eq(staffUsers.id, personNotes.authorStaffId))
    .where(eq(personNotes.personId, personId))
    .orderBy(desc(personNotes.createdAt))
    .limit(limit);
  const onAlerts = await ctx.tx
    .select({ id: alertEvents.id, kind: alertEvents.kind, note: alertEvents.note, createdAt: alertEvents.createdAt, author: staffUsers.displayName, alertId: alerts.id, reason: alerts.reason })
    .from(alertEvents)
    .innerJoin(alerts, eq(alerts.id, alertEvents.alertId))
    .leftJoin(staffUsers, eq(staffUsers.id, alertEvents.actorStaffId))
    .where(and(eq(alerts.personId, personId), inArray(alertEvents.kind, ['noted', 'resolved']), isNotNull(alertEvents.note)))
    .orderBy(desc(alertEvents.createdAt))
    .limit(limit);
  const notes: PersonNote[] = [
    ...own.map((n) => ({ id: n.id, source: 'person' as const, alert: null, kind: 'person' as const, note: n.note, author: n.author, createdAt: n.createdAt })),
    ...onAlerts.map((e) => ({ id: e.id, source: 'alert' as const, alert: { id: e.alertId, reason: e.reason }, kind: e.kind as 'noted' | 'resolved', note: e.note!, author: e.author, createdAt: e.createdAt })),
  ];
  return notes.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit);
}
