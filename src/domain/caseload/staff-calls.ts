import { and, desc, eq, gt, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { CALL_OUTCOMES, caseloadSettings, staffCalls, staffUsers, UNSUCCESSFUL_CALL_OUTCOMES } from '../../../db/schema';
import { requireRoleAtLeast } from '../access';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ValidationError } from '../errors';
import { staffIdOf } from '../persons/person-in-scope';
import { findPersonInScope } from '../rounds/find-person-in-scope';
import { parseInput } from '../validation';
import { requirePermission } from '../permissions';

/** Unsuccessful calls before "lost to follow-up" may be declared, when the centre set nothing. */
export const DEFAULT_UNSUCCESSFUL_CALLS = 3;

export const staffCallSchema = z
  .object({
    outcome: z.enum(CALL_OUTCOMES),
    note: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(1000, 'must be at most 1000 characters').optional()),
    /** When the call was made (default now); not in the future. */
    calledAt: z.preprocess((v) => (v === '' ? undefined : v), z.iso.datetime({ offset: true, message: 'must be a date and time' }).optional()),
  })
  .strict();

/**
 * 電話連絡の記録: a call a nurse made, with its outcome (called / reached / no answer /
 * wrong number / refused) and a note. Shown on the person's page beside the automated
 * messages; unsuccessful ones count towards "lost to follow-up". Audited without the note.
 * @example await recordStaffCall({ ctx, input: { personId, outcome: 'no_answer', note: '留守電なし' } })
 */
export async function recordStaffCall({ ctx, input }: VerbArgs<{ personId: string } & Record<string, unknown>>): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'recordStaffCall');
  const { personId, ...fields } = input;
  const f = parseInput(staffCallSchema, fields);
  const calledAt = f.calledAt ? new Date(f.calledAt) : ctx.now;
  if (calledAt.getTime() > ctx.now.getTime() + 60_000) throw new ValidationError([{ field: 'calledAt', message: 'must not be in the future', messageJa: '未来の日時は入力できません' }]);
  const person = await findPersonInScope(ctx, personId);
  const [row] = await ctx.tx.insert(staffCalls).values({ personId: person.id, staffId: staffIdOf(ctx), outcome: f.outcome, note: f.note ?? null, calledAt, createdAt: ctx.now }).returning({ id: staffCalls.id });
  await writeAudit(ctx, { action: 'record_call', entity: 'staff_call', entityId: row!.id, personId: person.id, details: { outcome: f.outcome } });
  return { id: row!.id };
}

/** A person's staff calls, newest first (part of reading the record: audited there). */
export async function staffCallsOf(ctx: Ctx, personId: string, limit = 100) {
  return ctx.tx
    .select({ id: staffCalls.id, outcome: staffCalls.outcome, note: staffCalls.note, calledAt: staffCalls.calledAt, staffName: staffUsers.displayName })
    .from(staffCalls)
    .leftJoin(staffUsers, eq(staffUsers.id, staffCalls.staffId))
    .where(eq(staffCalls.personId, personId))
    .orderBy(desc(staffCalls.calledAt), desc(staffCalls.id))
    .limit(limit);
}

/** The centre's number of unsuccessful calls before "lost to follow-up" (default 3). */
export async function unsuccessfulCallsBeforeLost(ctx: Ctx, centreId: string): Promise<number> {
  const [row] = await ctx.tx.select({ n: caseloadSettings.unsuccessfulCallsBeforeLost }).from(caseloadSettings).where(eq(caseloadSettings.centreId, centreId));
  return row?.n ?? DEFAULT_UNSUCCESSFUL_CALLS;
}

/** Unsuccessful calls since the person was last reached by phone, oldest first. */
export async function unsuccessfulCallsSinceReached(ctx: Ctx, personId: string) {
  const [lastReached] = await ctx.tx
    .select({ at: staffCalls.calledAt })
    .from(staffCalls)
    .where(and(eq(staffCalls.personId, personId), eq(staffCalls.outcome, 'reached')))
    .orderBy(desc(staffCalls.calledAt))
    .limit(1);
  const calls = await ctx.tx
    .select({ id: staffCalls.id, outcome: staffCalls.outcome, calledAt: staffCalls.calledAt })
    .from(staffCalls)
    .where(and(eq(staffCalls.personId, personId), inArray(staffCalls.outcome, [...UNSUCCESSFUL_CALL_OUTCOMES]), lastReached ? gt(staffCalls.calledAt, lastReached.at) : undefined))
    .orderBy(staffCalls.calledAt);
  return calls;
}

const settingsSchema = z.object({ unsuccessfulCallsBeforeLost: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(20, 'must be at most 20') }).strict();

/** Set the centre's number of unsuccessful calls before "lost to follow-up". centre_admin of that centre. */
export async function setCaseloadSettings({ ctx, input }: VerbArgs<unknown>): Promise<{ unsuccessfulCallsBeforeLost: number }> {
  requirePermission(ctx.actor, 'setCaseloadSettings');
  requireRoleAtLeast(ctx.actor, 'centre_admin');
  const f = parseInput(settingsSchema, input);
  if (ctx.actor.kind !== 'staff' || !ctx.actor.jurisdictionId || ctx.actor.role !== 'centre_admin') {
    throw new ValidationError([{ field: 'centre', message: 'set by the administrator of a health centre', messageJa: '保健所の管理者が設定します' }]);
  }
  const centreId = ctx.actor.jurisdictionId;
  await ctx.tx
    .insert(caseloadSettings)
    .values({ centreId, unsuccessfulCallsBeforeLost: f.unsuccessfulCallsBeforeLost, updatedAt: ctx.now })
    .onConflictDoUpdate({ target: caseloadSettings.centreId, set: { unsuccessfulCallsBeforeLost: f.unsuccessfulCallsBeforeLost, updatedAt: ctx.now } });
  await writeAudit(ctx, { action: 'update', entity: 'caseload_settings', entityId: centreId, details: f });
  return f;
}
