import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { households, jurisdictions } from '../../../db/schema';
import type { Env } from '../../config/env';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError, NotFoundError } from '../errors';
import { requirePermission } from '../permissions';
import { issueCodeFor } from '../persons/issue-link-code';
import { personInScope } from '../persons/person-in-scope';
import { householdById } from './household-members';

/** The household with a contact reporter, in the actor's scope (a member in scope), or NotFound. */
async function contactHousehold(ctx: Ctx, householdId: string) {
  const h = await householdById(ctx.tx, householdId);
  const anyone = h?.reporterPersonId ?? h?.members[0]?.personId;
  if (!h || !anyone) throw new NotFoundError('household', householdId);
  await personInScope(ctx, anyone);
  if (!h.contact) throw new ConflictError('the household has no reporter contact', undefined, 'この世帯には登録外の報告者がいません');
  return { h, anyone };
}

/**
 * A LINE link code for the household's reporter contact (a parent who is not a person):
 * the same two-part code as a person's (issue-link-code.ts), valid 72 hours. Sent in the
 * LINE chat, it makes LINE the contact's channel (linkLineUser). Audited against the household.
 * @example const { code } = await issueHouseholdContactLinkCode({ ctx, input: { householdId }, env: deps.env })
 */
export async function issueHouseholdContactLinkCode({ ctx, input, env }: VerbArgs<{ householdId: string }> & { env: Pick<Env, 'APP_SECRET'> }): Promise<{ code: string; expiresAt: Date }> {
  requirePermission(ctx.actor, 'issueHouseholdContactLinkCode');
  const { h, anyone } = await contactHousehold(ctx, input.householdId);
  return issueCodeFor(ctx, { householdId: h.id }, env, anyone);
}

/**
 * 「LINE連携を解除」 on the household card: the contact's LINE account is forgotten. With a
 * phone she is back on SMS at that number; without one she stays on LINE, not linked, and
 * the members' rounds go to their own channels until a new code is sent (the card says
 * so). Audited (no LINE id).
 */
export async function unlinkHouseholdContactLine({ ctx, input }: VerbArgs<{ householdId: string }>): Promise<{ unlinked: boolean }> {
  requirePermission(ctx.actor, 'unlinkHouseholdContactLine');
  const { h, anyone } = await contactHousehold(ctx, input.householdId);
  const [row] = await ctx.tx.select({ line: households.contactLineUserId, phone: households.contactAddress, channel: households.contactChannel }).from(households).where(eq(households.id, h.id)).for('update');
  if (!row?.line) return { unlinked: false };
  const channel = row.channel === 'line' && row.phone ? 'sms' : row.channel;
  await ctx.tx.update(households).set({ contactLineUserId: null, contactChannel: channel, contactOptedOutAt: null, updatedAt: ctx.now }).where(eq(households.id, h.id));
  await writeAudit(ctx, { action: 'unlink_channel', entity: 'household', entityId: h.id, personId: anyone, details: { channel: 'line', who: 'contact' } });
  return { unlinked: true };
}

/** The health centre a contact's household is followed by (named when her LINE is linked). */
export async function contactCentre(db: DbOrTx, householdId: string): Promise<{ nameJa: string; nameEn: string } | null> {
  const [row] = await db.select({ nameJa: jurisdictions.nameJa, nameEn: jurisdictions.nameEn }).from(households).innerJoin(jurisdictions, eq(jurisdictions.id, households.responsibleCentreId)).where(eq(households.id, householdId));
  return row ?? null;
}
