import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { retentionHolds } from '../../../db/schema';
import { requireRoleAtLeast } from '../access';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError } from '../errors';
import { personInScope, staffIdOf } from '../persons/person-in-scope';
import { parseInput } from '../validation';
import { requirePermission } from '../permissions';

const holdSchema = z.object({ reason: z.string().trim().min(1, 'is required').max(500, 'must be at most 500 characters') }).strict();

/**
 * 保存延長: a prefecture or national officer keeps a record past its retention (an
 * investigation, a court request) with a reason; the deletion job skips it until released.
 * Audited (the reason is in the row, not in the audit log).
 * @example await holdRecord({ ctx, input: { personId, reason: '集団発生の調査中' } })
 */
export async function holdRecord({ ctx, input }: VerbArgs<{ personId: string } & Record<string, unknown>>): Promise<{ personId: string }> {
  requirePermission(ctx.actor, 'holdRecord');
  requireRoleAtLeast(ctx.actor, 'prefecture_officer');
  const { personId, ...fields } = input;
  const f = parseInput(holdSchema, fields);
  const person = await personInScope(ctx, personId, { forUpdate: true });
  const [row] = await ctx.tx.insert(retentionHolds).values({ personId: person.id, reason: f.reason, heldBy: staffIdOf(ctx), heldAt: ctx.now }).onConflictDoNothing().returning({ personId: retentionHolds.personId });
  if (!row) throw new ConflictError('the record is already held', undefined, 'この記録はすでに保存延長されています');
  await writeAudit(ctx, { action: 'hold', entity: 'retention', entityId: person.id, personId: person.id });
  return { personId: person.id };
}

/** Release a hold: the record is erased at the next run if its retention has passed. Audited. */
export async function releaseHold({ ctx, input }: VerbArgs<{ personId: string }>): Promise<{ personId: string }> {
  requirePermission(ctx.actor, 'releaseHold');
  requireRoleAtLeast(ctx.actor, 'prefecture_officer');
  const person = await personInScope(ctx, input.personId, { forUpdate: true });
  const [row] = await ctx.tx.delete(retentionHolds).where(and(eq(retentionHolds.personId, person.id))).returning({ personId: retentionHolds.personId });
  if (!row) throw new ConflictError('the record is not held', undefined, 'この記録は保存延長されていません');
  await writeAudit(ctx, { action: 'release_hold', entity: 'retention', entityId: person.id, personId: person.id });
  return { personId: person.id };
}
