import { and, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { checkSessions, jurisdictions, MONITORED_STATUSES, monitoringPauses, PAUSE_REASONS } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError, ValidationError } from '../errors';
import { NOT_MONITORED_JA } from '../messages-ja';
import { staffIdOf } from '../persons/person-in-scope';
import { findPersonInScope } from '../rounds/find-person-in-scope';
import { addDays, localDateOf } from '../time';
import { parseInput } from '../validation';
import { requirePermission } from '../permissions';

/** Longest pause at once (a longer absence is an end of monitoring, or a second pause). */
export const MAX_PAUSE_DAYS = 90;

export const pauseSchema = z
  .object({
    /** hospitalized 入院, travel 許可を得た移動, facility 施設が代わりに報告, other その他 */
    reason: z.enum(PAUSE_REASONS),
    /** The local date (centre's zone) the prompts start again: after today, at most 90 days ahead. */
    resumeOn: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }),
    note: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(500, 'must be at most 500 characters').optional()),
  })
  .strict();

/**
 * 健康観察の一時停止: from now until the resume date the person gets no prompts, reminders or
 * calls and raises no non-responder alert (the rounds skip them; today's open checks are
 * cancelled). The tick resumes them on the date; staff may end it earlier. Audited.
 * @example await pauseMonitoring({ ctx, input: { personId, reason: 'hospitalized', resumeOn: '2026-05-20' } })
 */
export async function pauseMonitoring({ ctx, input }: VerbArgs<{ personId: string } & Record<string, unknown>>): Promise<{ id: string; resumeOn: string }> {
  requirePermission(ctx.actor, 'pauseMonitoring');
  const { personId, ...fields } = input;
  const f = parseInput(pauseSchema, fields);
  const person = await findPersonInScope(ctx, personId);
  if (!MONITORED_STATUSES.includes(person.status)) throw new ConflictError('this person is not under monitoring', undefined, NOT_MONITORED_JA);
  const [centre] = await ctx.tx.select({ tz: jurisdictions.timeZone }).from(jurisdictions).where(eq(jurisdictions.id, person.responsibleCentreId));
  const today = localDateOf(ctx.now, centre!.tz);
  if (f.resumeOn <= today || f.resumeOn > addDays(today, MAX_PAUSE_DAYS)) {
    throw new ValidationError([{ field: 'resumeOn', message: `must be after today and at most ${MAX_PAUSE_DAYS} days ahead`, messageJa: `再開日は明日から${MAX_PAUSE_DAYS}日後までの日付にしてください` }]);
  }
  const [row] = await ctx.tx
    .insert(monitoringPauses)
    .values({ personId: person.id, reason: f.reason, note: f.note ?? null, startedAt: ctx.now, resumeOn: f.resumeOn, createdBy: staffIdOf(ctx), createdAt: ctx.now })
    .onConflictDoNothing()
    .returning({ id: monitoringPauses.id });
  if (!row) throw new ConflictError('monitoring is already paused', undefined, 'すでに一時停止中です');
  // Checks already sent today stop here: no reminder, call or non-responder alert follows.
  await ctx.tx
    .update(checkSessions)
    .set({ status: 'cancelled', nextActionAt: null, updatedAt: ctx.now })
    .where(and(eq(checkSessions.personId, person.id), inArray(checkSessions.status, ['pending', 'prompted', 'active'])));
  await writeAudit(ctx, { action: 'pause', entity: 'monitoring_pause', entityId: row.id, personId: person.id, details: { reason: f.reason, resumeOn: f.resumeOn } });
  return { id: row.id, resumeOn: f.resumeOn };
}

/** End a person's active pause now (staff): the next round prompts them again. Audited. */
export async function endPause({ ctx, input }: VerbArgs<{ personId: string }>): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'endPause');
  const person = await findPersonInScope(ctx, input.personId);
  const [row] = await ctx.tx
    .update(monitoringPauses)
    .set({ endedAt: ctx.now, endedBy: staffIdOf(ctx), endKind: 'ended_by_staff' })
    .where(and(eq(monitoringPauses.personId, person.id), isNull(monitoringPauses.endedAt)))
    .returning({ id: monitoringPauses.id });
  if (!row) throw new ConflictError('monitoring is not paused', undefined, '一時停止中ではありません');
  await writeAudit(ctx, { action: 'resume', entity: 'monitoring_pause', entityId: row.id, personId: person.id, details: { endKind: 'ended_by_staff' } });
  return { id: row.id };
}
