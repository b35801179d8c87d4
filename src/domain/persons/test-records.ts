import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { testRecords } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { NotFoundError, ValidationError } from '../errors';
import { parseInput } from '../validation';
import { clearableDate, sentFields } from './patch-fields';
import { replanMonitoringEnd } from '../rounds/plan-monitoring-ends';
import { personInScope } from './person-in-scope';
import { requirePermission } from '../permissions';

export const TEST_METHODS = ['pcr', 'antigen_quantitative', 'antigen_qualitative', 'other'] as const;
export const TEST_RESULTS = ['positive', 'negative', 'pending', 'inconclusive'] as const;


/** 検査: specimen date (検体採取日), result date, method and result. */
export const testRecordSchema = z
  .object({
    specimenDate: clearableDate,
    resultDate: clearableDate,
    method: z.enum(TEST_METHODS, { message: `must be one of ${TEST_METHODS.join(', ')}` }),
    result: z.enum(TEST_RESULTS, { message: `must be one of ${TEST_RESULTS.join(', ')}` }).default('pending'),
  })
  .strict();
export const testRecordPatchSchema = testRecordSchema.partial().strict();

export type TestRecord = typeof testRecords.$inferSelect;

/** A test record's dates: no specimen in the future, no result before the specimen (ValidationError). */
export function checkTestRecordDates(ctx: Ctx, r: { specimenDate?: string | null; resultDate?: string | null }): void {
  checkDates(r, latestToday(ctx));
}

function checkDates(r: { specimenDate?: string | null; resultDate?: string | null }, today: string): void {
  const problems = [];
  if (r.specimenDate && r.specimenDate > today) problems.push({ field: 'specimenDate', message: 'must not be in the future', messageJa: '未来の日付は入力できません' });
  if (r.specimenDate && r.resultDate && r.resultDate < r.specimenDate) {
    problems.push({ field: 'resultDate', message: 'must not be before the specimen date', messageJa: '検体採取日より前にはできません' });
  }
  if (problems.length) throw new ValidationError(problems);
}

// Dates are compared with the UTC date: a day of slack either side is harmless here.
const latestToday = (ctx: Ctx) => new Date(ctx.now.getTime() + 86_400_000).toISOString().slice(0, 10);

/**
 * Record a test of a person in scope. The first positive test's specimen date is what the
 * asymptomatic carrier's end of monitoring counts from (monitoring_end_rules, basis
 * 'specimen'). Audited (which fields, never values).
 * @example await addTestRecord({ ctx, input: { personId, specimenDate: '2026-05-01', method: 'pcr', result: 'positive' } })
 */
export async function addTestRecord({ ctx, input }: VerbArgs<{ personId: string } & Record<string, unknown>>): Promise<TestRecord> {
  requirePermission(ctx.actor, 'addTestRecord');
  const { personId, ...fields } = input;
  const f = parseInput(testRecordSchema, fields);
  checkDates(f, latestToday(ctx));
  const person = await personInScope(ctx, personId);
  const [row] = await ctx.tx
    .insert(testRecords)
    .values({ personId: person.id, specimenDate: f.specimenDate ?? null, resultDate: f.resultDate ?? null, method: f.method, result: f.result, createdAt: ctx.now })
    .returning();
  await writeAudit(ctx, { action: 'create', entity: 'test_record', entityId: row!.id, personId: person.id, details: { method: f.method, result: f.result } });
  if (f.result === 'positive') await replanMonitoringEnd(ctx.tx, person.id, ctx.now); // a specimen date to count from
  return row!;
}

/** Correct or complete a test record (a pending result comes in); only the fields sent change. */
export async function updateTestRecord({ ctx, input }: VerbArgs<{ personId: string; testId: string; fields: unknown }>): Promise<TestRecord> {
  requirePermission(ctx.actor, 'updateTestRecord');
  const f = parseInput(testRecordPatchSchema, input.fields);
  const person = await personInScope(ctx, input.personId);
  const [current] = await ctx.tx.select().from(testRecords).where(and(eq(testRecords.id, input.testId), eq(testRecords.personId, person.id))).for('update');
  if (!current) throw new NotFoundError('test_record', input.testId);
  const sent = sentFields(f, input.fields);
  checkDates({ ...current, ...sent }, latestToday(ctx));
  const [row] = await ctx.tx.update(testRecords).set(sent).where(eq(testRecords.id, current.id)).returning();
  await writeAudit(ctx, { action: 'update', entity: 'test_record', entityId: current.id, personId: person.id, details: { fields: Object.keys(sent) } });
  if ('specimenDate' in sent || 'result' in sent) await replanMonitoringEnd(ctx.tx, person.id, ctx.now);
  return row!;
}

/** A person's tests, oldest specimen first (for the person's record; its read is audited there). */
export function testRecordsOf(ctx: Ctx, personId: string): Promise<TestRecord[]> {
  return ctx.tx.select().from(testRecords).where(eq(testRecords.personId, personId)).orderBy(asc(testRecords.specimenDate), asc(testRecords.createdAt));
}
