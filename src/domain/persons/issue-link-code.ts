import { and, eq, gt, isNull, isNotNull, lt, or } from 'drizzle-orm';
import { enrollmentCodes } from '../../../db/schema';
import type { Env } from '../../config/env';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { requirePermission } from '../permissions';
import { formatLinkCode, hashLinkCode, hashLookup, linkCodePepper, randomLinkCode } from './link-code';
import { personInScope } from './person-in-scope';

export { hashLinkCode, linkCodePepper } from './link-code';

/** How long a link code stays usable. */
export const LINK_CODE_TTL_MS = 72 * 3600_000;

/**
 * Issue a one-time two-part 12-digit code (link-code.ts) that links a person's LINE
 * account (entered in the LINE chat). Valid for 72 hours; the code is returned once,
 * formatted 1234-5678-9012, and only its hashes are kept; the person's older unused codes
 * stop working. Health-centre staff only, within their scope (a person outside it is "not
 * found"); audited.
 * @example const { code } = await issueLinkCode({ ctx, input: { personId }, env: deps.env })
 */
export async function issueLinkCode({ ctx, input, env }: VerbArgs<{ personId: string }> & { env: Pick<Env, 'APP_SECRET'> }): Promise<{ code: string; expiresAt: Date }> {
  requirePermission(ctx.actor, 'issueLinkCode');
  const person = await personInScope(ctx, input.personId);
  return issueCodeFor(ctx, { personId: person.id }, env);
}

/** Whose LINE account a code links: a person, a household's contact, or a facility's contact. */
export type LinkTarget = { personId: string } | { householdId: string } | { facilityContactId: string };

const targetColumn = (t: LinkTarget) =>
  'personId' in t ? enrollmentCodes.personId : 'householdId' in t ? enrollmentCodes.householdId : enrollmentCodes.facilityContactId;
const targetId = (t: LinkTarget) => ('personId' in t ? t.personId : 'householdId' in t ? t.householdId : t.facilityContactId);
const targetEntity = (t: LinkTarget) => ('personId' in t ? 'person' : 'householdId' in t ? 'household' : 'facility_contact');

/**
 * The one way a code is made, for any target (the caller has checked the target is in the
 * actor's scope): the target's older unused codes stop working, a free first part is
 * found, only hashes are stored, and the issue is audited against the target.
 */
export async function issueCodeFor(ctx: Ctx, target: LinkTarget, env: Pick<Env, 'APP_SECRET'>, auditPersonId?: string): Promise<{ code: string; expiresAt: Date }> {
  // A new code replaces the target's older ones (a lost letter, a code read out twice): only the newest links.
  const revoked = await ctx.tx
    .update(enrollmentCodes)
    .set({ expiresAt: ctx.now })
    .where(and(eq(targetColumn(target), targetId(target)), isNull(enrollmentCodes.usedAt), gt(enrollmentCodes.expiresAt, ctx.now)))
    .returning({ id: enrollmentCodes.id });
  const pepper = linkCodePepper(env);
  const expiresAt = new Date(ctx.now.getTime() + LINK_CODE_TTL_MS);
  for (let tries = 0; tries < 20; tries++) {
    const code = randomLinkCode();
    const lookupHash = hashLookup(code, pepper);
    // A used or expired code's first part may be handed out again; an active one may not.
    await ctx.tx
      .delete(enrollmentCodes)
      .where(and(or(eq(enrollmentCodes.lookupHash, lookupHash), eq(enrollmentCodes.codeHash, hashLinkCode(code, pepper))), or(isNotNull(enrollmentCodes.usedAt), lt(enrollmentCodes.expiresAt, ctx.now))));
    const [row] = await ctx.tx
      .insert(enrollmentCodes)
      .values({ ...target, codeHash: hashLinkCode(code, pepper), lookupHash, expiresAt, createdBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null, createdAt: ctx.now })
      .onConflictDoNothing()
      .returning({ id: enrollmentCodes.id });
    if (!row) continue;
    const personId = 'personId' in target ? target.personId : auditPersonId;
    await writeAudit(ctx, { action: 'issue_link_code', entity: targetEntity(target), entityId: targetId(target), ...(personId ? { personId } : {}), details: { channel: 'line', codeId: row.id, revokedCodes: revoked.length } });
    return { code: formatLinkCode(code), expiresAt };
  }
  throw new Error('could not find a free link code; too many active codes');
}
