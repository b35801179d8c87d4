import { createHash, randomInt } from 'node:crypto';
import { and, eq, gt, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { enrollmentCodes, persons } from '../../../db/schema';
import { appSecret, type Env } from '../../config/env';
import { personScope } from '../access';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { requirePermission } from '../permissions';

/** How long a link code stays usable. */
export const LINK_CODE_TTL_MS = 72 * 3600_000;

/** The pepper mixed into code hashes, derived from APP_SECRET: a stolen table alone cannot be brute-forced. */
export function linkCodePepper(env: Pick<Env, 'APP_SECRET'>): string {
  return createHash('sha256').update(`mimamori:link-code:${appSecret(env as Env)}`).digest('hex');
}

/** Only the hash of a code is stored. */
export function hashLinkCode(code: string, pepper: string): string {
  return createHash('sha256').update(`${code}:${pepper}`).digest('hex');
}

/**
 * Issue a one-time 6-digit code that links a person's LINE account (entered in the LINE
 * chat). Valid for 72 hours; the code is returned once and only its hash is kept; the
 * person's older unused codes stop working. Staff
 * only within their scope (a person outside it is "not found"); audited.
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
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const codeHash = hashLinkCode(code, pepper);
    // A used or expired code may be handed out again; an active one of someone else may not.
    await ctx.tx.delete(enrollmentCodes).where(and(eq(enrollmentCodes.codeHash, codeHash), or(isNotNull(enrollmentCodes.usedAt), lt(enrollmentCodes.expiresAt, ctx.now))));
    const [row] = await ctx.tx
      .insert(enrollmentCodes)
      .values({ personId: person.id, codeHash, expiresAt, createdBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null, createdAt: ctx.now })
      .onConflictDoNothing()
      .returning({ id: enrollmentCodes.id });
    if (!row) continue;
    await writeAudit(ctx, { action: 'issue_link_code', entity: 'person', entityId: person.id, personId: person.id, details: { channel: 'line', codeId: row.id, revokedCodes: revoked.length } });
    return { code, expiresAt };
  }
  throw new Error('could not find a free link code; too many active codes');
}
