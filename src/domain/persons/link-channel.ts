import { createHash } from 'node:crypto';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { auditLog, enrollmentAttempts, enrollmentCodes, facilityContacts, households, personChannels } from '../../../db/schema';
import type { Env } from '../../config/env';
import { raiseAlert } from '../alerts/raise-alert';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { requirePermission } from '../permissions';
import { hashLinkCode, hashLookup, linkCodePepper, normaliseLinkCode } from './link-code';
import { queueLinkChangedNotice } from './link-notices';
import { countLinkCodeFlood } from '../../platform/metrics/record';

export { normaliseLinkCode } from './link-code';

/** Wrong codes allowed per LINE user per window; the next try is refused until the window moves on. */
export const MAX_WRONG_CODES = 5;
/** Wrong second parts allowed per code: then the code is void and the centre issues a new one. */
export const MAX_WRONG_PER_CODE = 5;
export const WRONG_CODE_WINDOW_MS = 3600_000;

export type LinkEnv = Pick<Env, 'APP_SECRET'> & Partial<Pick<Env, 'LINK_CODE_FAILURES_PER_HOUR'>>;

export type LinkResult =
  | { status: 'linked'; personId: string; replaced: boolean }
  | { status: 'already_linked'; personId: string }
  /** A household's reporter contact (not a person): LINE is now their channel. */
  | { status: 'linked_contact'; householdId: string }
  /** A facility's staff contact: the round link goes to them by LINE too. */
  | { status: 'linked_facility_contact'; facilityContactId: string }
  | { status: 'linked_to_other' }
  | { status: 'wrong_code'; attemptsLeft: number }
  | { status: 'locked'; retryAfterMs: number };

/**
 * Link a LINE user to the person a one-time code was issued for (link-code.ts). Limits that
 * hold across LINE accounts: wrong codes per LINE user (5 an hour), wrong second parts per
 * code (5, then the code is void), and wrong codes from everyone together
 * (LINK_CODE_FAILURES_PER_HOUR: past it every entry waits and an audit row
 * 'link_code_flood' alerts the operators). A right code links once (used up) and, when the
 * person had another LINE account, replaces it: the old account is told (a LINE message)
 * and the centre gets an amber alert, so a takeover cannot go unnoticed. One LINE account
 * links to one person.
 */
export async function linkLineUser({ ctx, input, env }: VerbArgs<{ lineUserId: string; code: string }> & { env: LinkEnv }): Promise<LinkResult> {
  requirePermission(ctx.actor, 'linkLineUser');
  const pepper = linkCodePepper(env);
  const addressHash = createHash('sha256').update(`line:${input.lineUserId}:${pepper}`).digest('hex');
  const since = new Date(ctx.now.getTime() - WRONG_CODE_WINDOW_MS);
  // Entries are serialised (one advisory lock) so the global count holds under concurrent webhooks.
  await ctx.tx.execute(sql`select pg_advisory_xact_lock(hashtext('mimamori:link-code'))`);
  const flood = await globalFlood(ctx, since, env.LINK_CODE_FAILURES_PER_HOUR ?? 200);
  if (flood) return { status: 'locked', retryAfterMs: flood };
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
  const wrong = async (): Promise<LinkResult> => {
    await ctx.tx.insert(enrollmentAttempts).values({ addressHash, success: false, createdAt: ctx.now });
    return { status: 'wrong_code', attemptsLeft: Math.max(0, MAX_WRONG_CODES - failures.length - 1) };
  };
  const code = normaliseLinkCode(input.code);
  if (!code) return wrong();
  const [row] = await ctx.tx
    .select()
    .from(enrollmentCodes)
    .where(and(eq(enrollmentCodes.lookupHash, hashLookup(code, pepper)), isNull(enrollmentCodes.usedAt), gt(enrollmentCodes.expiresAt, ctx.now)))
    .for('update');
  if (!row) return wrong();
  if (row.codeHash !== hashLinkCode(code, pepper)) {
    const voided = row.failedAttempts + 1 >= MAX_WRONG_PER_CODE;
    await ctx.tx
      .update(enrollmentCodes)
      .set({ failedAttempts: row.failedAttempts + 1, ...(voided ? { expiresAt: ctx.now } : {}) })
      .where(eq(enrollmentCodes.id, row.id));
    if (voided) await writeAudit(ctx, { action: 'void_link_code', entity: row.personId ? 'person' : row.householdId ? 'household' : 'facility_contact', entityId: row.personId ?? row.householdId ?? row.facilityContactId!, ...(row.personId ? { personId: row.personId } : {}), details: { codeId: row.id, wrongTries: row.failedAttempts + 1 } });
    return wrong();
  }
  const [existing] = await ctx.tx
    .select({ personId: personChannels.personId, state: personChannels.state })
    .from(personChannels)
    .where(and(eq(personChannels.kind, 'line'), eq(personChannels.address, input.lineUserId)));
  if (existing && existing.personId !== row.personId) return { status: 'linked_to_other' };

  await ctx.tx.update(enrollmentCodes).set({ usedAt: ctx.now }).where(eq(enrollmentCodes.id, row.id));
  await ctx.tx.insert(enrollmentAttempts).values({ addressHash, success: true, createdAt: ctx.now });
  if (!row.personId) return linkContactLine(ctx, row, input.lineUserId);
  if (existing && existing.state === 'verified') return { status: 'already_linked', personId: row.personId };
  const [previous] = await ctx.tx
    .select({ address: personChannels.address, state: personChannels.state })
    .from(personChannels)
    .where(and(eq(personChannels.personId, row.personId), eq(personChannels.kind, 'line')));
  await ctx.tx
    .insert(personChannels)
    .values({ personId: row.personId, kind: 'line', address: input.lineUserId, state: 'verified', verifiedAt: ctx.now, createdAt: ctx.now, updatedAt: ctx.now })
    .onConflictDoUpdate({
      target: [personChannels.personId, personChannels.kind],
      set: { address: input.lineUserId, state: 'verified', verifiedAt: ctx.now, optedOutAt: null, updatedAt: ctx.now },
    });
  const replaced = !!previous && previous.address !== input.lineUserId;
  await writeAudit(ctx, { action: replaced ? 'relink_channel' : 'link_channel', entity: 'person', entityId: row.personId, personId: row.personId, details: { channel: 'line', codeId: row.id } });
  if (replaced) await noticeLinkChanged(ctx, row.personId, row.id, previous.address);
  return { status: 'linked', personId: row.personId, replaced };
}

/**
 * A right code issued for a contact who is not a person: a household's reporter contact
 * (LINE becomes her channel, her phone is kept, a STOP-equivalent unfollow is forgotten) or a facility's staff
 * contact (the round link goes to this LINE user). A LINE account that is a person's stays
 * that person's only (checked above: linked_to_other).
 */
async function linkContactLine(ctx: Ctx, row: typeof enrollmentCodes.$inferSelect, lineUserId: string): Promise<LinkResult> {
  const details = { channel: 'line', codeId: row.id };
  if (row.householdId) {
    const [before] = await ctx.tx.select({ line: households.contactLineUserId }).from(households).where(eq(households.id, row.householdId)).for('update');
    const replaced = !!before?.line && before.line !== lineUserId;
    // Her phone (contact_address) stays: a nurse still calls it, and unlinking returns her to SMS.
    await ctx.tx.update(households).set({ contactChannel: 'line', contactLineUserId: lineUserId, contactOptedOutAt: null, updatedAt: ctx.now }).where(eq(households.id, row.householdId));
    await writeAudit(ctx, { action: replaced ? 'relink_channel' : 'link_channel', entity: 'household', entityId: row.householdId, details: { ...details, who: 'contact' } });
    return { status: 'linked_contact', householdId: row.householdId };
  }
  await ctx.tx.update(facilityContacts).set({ lineUserId }).where(eq(facilityContacts.id, row.facilityContactId!));
  await writeAudit(ctx, { action: 'link_channel', entity: 'facility_contact', entityId: row.facilityContactId!, details });
  return { status: 'linked_facility_contact', facilityContactId: row.facilityContactId! };
}

/** The old account is told, and the centre sees an amber alert (ids only in the alert; no LINE ids). */
async function noticeLinkChanged(ctx: Ctx, personId: string, codeId: string, previousAddress: string): Promise<void> {
  await queueLinkChangedNotice(ctx, { personId, codeId, to: previousAddress });
  await raiseAlert({
    ctx,
    input: {
      personId,
      severity: 'amber',
      reason: 'line_relinked',
      reasons: [{ ruleId: 'line_relinked', ja: 'LINE連携が別のアカウントに付け替えられました（本人の操作か確認してください）', en: 'The LINE link moved to another account (check that it was the person)', values: {} }],
      dedupeKey: `line-relinked:${codeId}`,
    },
  });
}

/** Over the hourly limit of wrong codes from everyone: how long to wait; the first time in a window, an audit row alerts. */
async function globalFlood(ctx: Ctx, since: Date, perHour: number): Promise<number | null> {
  const [row] = await ctx.tx
    .select({ n: sql<number>`count(*)::int`, oldest: sql<Date | null>`min(${enrollmentAttempts.createdAt})` })
    .from(enrollmentAttempts)
    .where(and(eq(enrollmentAttempts.success, false), gt(enrollmentAttempts.createdAt, since)));
  if ((row?.n ?? 0) < perHour) return null;
  const [alerted] = await ctx.tx
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'link_code_flood'), gt(auditLog.createdAt, since)))
    .limit(1);
  if (!alerted) await writeAudit(ctx, { action: 'link_code_flood', entity: 'enrollment_code', details: { failuresLastHour: row!.n, limit: perHour } });
  countLinkCodeFlood(); // operators are paged by the MimamoriLinkCodeGuessing rule (deploy/prometheus)
  const oldest = row?.oldest ? new Date(row.oldest) : ctx.now;
  return Math.max(60_000, oldest.getTime() + WRONG_CODE_WINDOW_MS - ctx.now.getTime());
}
