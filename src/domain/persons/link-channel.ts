import { createHash } from 'node:crypto';
import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import { enrollmentAttempts, enrollmentCodes, personChannels } from '../../../db/schema';
import type { Env } from '../../config/env';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { hashLinkCode, linkCodePepper } from './issue-link-code';
import { requirePermission } from '../permissions';

/** Wrong codes allowed per LINE user per window; the next try is refused until the window moves on. */
export const MAX_WRONG_CODES = 5;
export const WRONG_CODE_WINDOW_MS = 3600_000;

export type LinkResult =
  | { status: 'linked'; personId: string }
  | { status: 'already_linked'; personId: string }
  | { status: 'linked_to_other' }
  | { status: 'wrong_code'; attemptsLeft: number }
  | { status: 'locked'; retryAfterMs: number };

/** Full-width digits, spaces and hyphens as people type them: 「１２３ ４５６」 → "123456"; null if not 6 digits. */
export function normaliseLinkCode(raw: string): string | null {
  const s = raw.normalize('NFKC').replace(/[\s\-‐－ー]/g, '');
  return /^\d{6}$/.test(s) ? s : null;
}

/**
 * Link a LINE user to the person a one-time code was issued for. A right code links once
 * (the code is then used up; re-linking needs a new code) and replaces an earlier LINE
 * account of that person. Wrong codes are counted per LINE user (by hash): more than 5 in
 * an hour are refused for a while. One LINE account links to one person.
 */
export async function linkLineUser({ ctx, input, env }: VerbArgs<{ lineUserId: string; code: string }> & { env: Pick<Env, 'APP_SECRET'> }): Promise<LinkResult> {
  requirePermission(ctx.actor, 'linkLineUser');
  const pepper = linkCodePepper(env);
  const addressHash = createHash('sha256').update(`line:${input.lineUserId}:${pepper}`).digest('hex');
  const since = new Date(ctx.now.getTime() - WRONG_CODE_WINDOW_MS);
  const failures = await ctx.tx
    .select({ at: enrollmentAttempts.createdAt })
    .from(enrollmentAttempts)
    .where(and(eq(enrollmentAttempts.addressHash, addressHash), eq(enrollmentAttempts.success, false), gt(enrollmentAttempts.createdAt, since)))
    .orderBy(asc(enrollmentAttempts.createdAt));
  if (failures.length >= MAX_WRONG_CODES) {
    // Open again when the oldest failure in the window is an hour old.
    const oldest = failures[failures.length - MAX_WRONG_CODES]!.at;
    return { status: 'locked', retryAfterMs: Math.max(60_000, oldest.getTime() + WRONG_CODE_WINDOW_MS - ctx.now.getTime()) };
  }
  const code = normaliseLinkCode(input.code);
  const [row] = code
    ? await ctx.tx
        .select()
        .from(enrollmentCodes)
        .where(and(eq(enrollmentCodes.codeHash, hashLinkCode(code, pepper)), isNull(enrollmentCodes.usedAt), gt(enrollmentCodes.expiresAt, ctx.now)))
        .for('update')
    : [];
  if (!row) {
    await ctx.tx.insert(enrollmentAttempts).values({ addressHash, success: false, createdAt: ctx.now });
    return { status: 'wrong_code', attemptsLeft: Math.max(0, MAX_WRONG_CODES - failures.length - 1) };
  }
  const [existing] = await ctx.tx
    .select({ personId: personChannels.personId, state: personChannels.state })
    .from(personChannels)
    .where(and(eq(personChannels.kind, 'line'), eq(personChannels.address, input.lineUserId)));
  if (existing && existing.personId !== row.personId) return { status: 'linked_to_other' };

  await ctx.tx.update(enrollmentCodes).set({ usedAt: ctx.now }).where(eq(enrollmentCodes.id, row.id));
  await ctx.tx.insert(enrollmentAttempts).values({ addressHash, success: true, createdAt: ctx.now });
  if (existing && existing.state === 'verified') return { status: 'already_linked', personId: row.personId };
  await ctx.tx
    .insert(personChannels)
    .values({ personId: row.personId, kind: 'line', address: input.lineUserId, state: 'verified', verifiedAt: ctx.now, createdAt: ctx.now, updatedAt: ctx.now })
    .onConflictDoUpdate({
      target: [personChannels.personId, personChannels.kind],
      set: { address: input.lineUserId, state: 'verified', verifiedAt: ctx.now, optedOutAt: null, updatedAt: ctx.now },
    });
  await writeAudit(ctx, { action: 'link_channel', entity: 'person', entityId: row.personId, personId: row.personId, details: { channel: 'line', codeId: row.id } });
  return { status: 'linked', personId: row.personId };
}

