import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import { apiTokens, jurisdictions, staffUsers } from '../../../db/schema';
import type { DbOrTx } from '../../../db/client';
import { sha256 } from '../../platform/security/tokens';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ForbiddenError, NotFoundError } from '../errors';
import type { StaffActor } from './sessions';
import { requirePermission } from '../permissions';

/** The actor a bearer token acts as, or null (unknown, revoked, expired, user disabled or locked). */
export async function actorForToken(db: DbOrTx, token: string, now: Date): Promise<{ actor: StaffActor; displayName: string } | null> {
  const [row] = await db
    .select({ t: apiTokens, u: staffUsers, path: jurisdictions.path })
    .from(apiTokens)
    .innerJoin(staffUsers, eq(staffUsers.id, apiTokens.staffUserId))
    .leftJoin(jurisdictions, eq(jurisdictions.id, staffUsers.jurisdictionId))
    .where(and(eq(apiTokens.tokenHash, sha256(token)), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))));
  if (!row || row.u.disabled) return null;
  if (row.u.lockedUntil && row.u.lockedUntil > now) return null;
  // last_used_at is for the console's token list; once a minute is precise enough.
  if (!row.t.lastUsedAt || now.getTime() - row.t.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.t.id));
  }
  return {
    actor: { kind: 'staff', staffId: row.u.id, role: row.u.role, jurisdictionId: row.u.jurisdictionId, jurisdictionPath: row.path ?? null, institutionId: row.u.institutionId, via: 'token' },
    displayName: row.u.displayName,
  };
}

/** A staff user's own tokens (never the token itself: only its prefix). */
export async function listApiTokens(db: DbOrTx, staffId: string) {
  return db
    .select({ id: apiTokens.id, name: apiTokens.name, prefix: apiTokens.prefix, createdAt: apiTokens.createdAt, expiresAt: apiTokens.expiresAt, lastUsedAt: apiTokens.lastUsedAt, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .where(eq(apiTokens.staffUserId, staffId))
    .orderBy(desc(apiTokens.createdAt));
}

/** Revoke one of your own tokens; it stops working at once. */
export async function revokeApiToken({ ctx, input }: VerbArgs<{ tokenId: string }>): Promise<void> {
  requirePermission(ctx.actor, 'revokeApiToken');
  if (ctx.actor.kind !== 'staff') throw new ForbiddenError();
  const [row] = await ctx.tx.select({ id: apiTokens.id, owner: apiTokens.staffUserId, revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.id, input.tokenId));
  if (!row || row.owner !== ctx.actor.staffId) throw new NotFoundError('api_token', input.tokenId);
  if (row.revokedAt) return;
  await ctx.tx.update(apiTokens).set({ revokedAt: ctx.now }).where(eq(apiTokens.id, row.id));
  await writeAudit(ctx, { action: 'revoke', entity: 'api_token', entityId: row.id });
}
