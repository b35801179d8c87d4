import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { staffRecoveryCodes } from '../../../db/schema';
import { sha256 } from '../../platform/security/tokens';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { requirePermission } from '../permissions';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i to misread

const normalise = (raw: string) => raw.normalize('NFKC').toLowerCase().replace(/[\s-]/g, '');
export const looksLikeRecoveryCode = (raw: string) => /^[a-z0-9]{10}$/.test(normalise(raw));

function newCode(): string {
  const bytes = randomBytes(10);
  const s = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

/**
 * Recovery codes for a lost authenticator (issue 18): ten one-time codes, made when the
 * second factor is enrolled and shown once; only their hashes are kept. Each works once
 * where a 6-digit code is asked (checkTotp). Making new ones replaces the old.
 */
export async function issueRecoveryCodes({ ctx, input }: VerbArgs<{ staffId: string }>): Promise<string[]> {
  requirePermission(ctx.actor, 'issueRecoveryCodes');
  if (ctx.actor.kind === 'staff' && ctx.actor.staffId !== input.staffId) return [];
  await ctx.tx.delete(staffRecoveryCodes).where(eq(staffRecoveryCodes.staffUserId, input.staffId));
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  await ctx.tx.insert(staffRecoveryCodes).values(codes.map((c) => ({ staffUserId: input.staffId, codeHash: sha256(`recovery:${normalise(c)}`), createdAt: ctx.now })));
  await writeAudit(ctx, { action: 'recovery_codes_issued', entity: 'staff_user', entityId: input.staffId, details: { count: codes.length } });
  return codes;
}

/** How many unused codes the user has, or null when none were ever made (or all were replaced by a TOTP reset). */
export async function recoveryCodesLeft(ctx: Ctx, staffId: string): Promise<number | null> {
  const rows = await ctx.tx.select({ usedAt: staffRecoveryCodes.usedAt }).from(staffRecoveryCodes).where(eq(staffRecoveryCodes.staffUserId, staffId));
  return rows.length ? rows.filter((r) => !r.usedAt).length : null;
}

/** Use one recovery code (under the caller's staff row lock): true when it was unused and is now spent. */
export async function useRecoveryCode(ctx: Ctx, staffId: string, raw: string): Promise<boolean> {
  const used = await ctx.tx
    .update(staffRecoveryCodes)
    .set({ usedAt: ctx.now })
    .where(and(eq(staffRecoveryCodes.staffUserId, staffId), eq(staffRecoveryCodes.codeHash, sha256(`recovery:${normalise(raw)}`)), isNull(staffRecoveryCodes.usedAt)))
    .returning({ id: staffRecoveryCodes.id });
  if (used.length) await writeAudit(ctx, { action: 'recovery_code_used', entity: 'staff_user', entityId: staffId });
  return used.length > 0;
}
