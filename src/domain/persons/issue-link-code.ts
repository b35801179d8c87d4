import { and, eq, gt, isNull, isNotNull, lt, or } from 'drizzle-orm';
import { enrollmentCodes, persons } from '../../../db/schema';
import type { Env } from '../../config/env';
import { personScope } from '../access';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { requirePermission } from '../permissions';
import { formatLinkCode, hashLinkCode, hashLookup, linkCodePepper, randomLinkCode } from './link-code';

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
  const [person] = await ctx.tx
    .select({ id: persons.id })
    .from(persons)
    .where(and(eq(persons.id, input.personId), personScope(ctx.actor)));
  if (!person) throw new NotFoundError('person', input.personId);
  // A new code replaces the person's older ones (a lost letter, a code read out twice): only the newest links.
  const revoked = await ctx.tx
    .update(enrollmentCodes)
    .set({ expiresAt: ctx.now })
    .where(and(eq(enrollmentCodes.personId, person.id), isNull(enrollmentCodes.usedAt), gt(enrollmentCodes.expiresAt, ctx.now)))
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
      .values({ personId: person.id, codeHash: hashLinkCode(code, pepper), lookupHash, expiresAt, createdBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null, createdAt: ctx.now })
      .onConflictDoNothing()
      .returning({ id: enrollmentCodes.id });
    if (!row) continue;
    await writeAudit(ctx, { action: 'issue_link_code', entity: 'person', entityId: person.id, personId: person.id, details: { channel: 'line', codeId: row.id, revokedCodes: revoked.length } });
    return { code: formatLinkCode(code), expiresAt };
  }
  throw new Error('could not find a free link code; too many active codes');
}
