import { and, eq, gt, sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { auditLog, staffUsers } from '../../../db/schema';
import { totpKeyMaterial, type Env } from '../../config/env';
import { openSecret, sealSecret, secretKey } from '../../platform/security/secret-box';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { NotFoundError, type FieldError } from '../errors';
import { lockAccount } from './lock-account';
import { looksLikeRecoveryCode, useRecoveryCode } from './recovery-codes';
import { LOCK_MS, MAX_FAILED_LOGINS } from './sign-in-failures';
import { requirePermission } from '../permissions';

const PERIOD = 30;
export type TotpKeyEnv = Pick<Env, 'TOTP_ENCRYPTION_KEY' | 'APP_SECRET'>;

export const totpKey = (env: TotpKeyEnv) => secretKey(totpKeyMaterial(env));

function totpFor(secret: string, label: string): TOTP {
  return new TOTP({ issuer: 'Mimamori', label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}

/**
 * Begin (or resume) TOTP enrolment: a secret is stored unconfirmed (totp_last_step null)
 * until the first valid code proves the authenticator app has it. Stored sealed
 * (AES-256-GCM, TOTP_ENCRYPTION_KEY). Returns the otpauth:// URI for the QR code and the
 * secret to type by hand.
 */
export async function beginTotpEnrolment({ ctx, input, env }: VerbArgs<{ staffId: string }> & { env: TotpKeyEnv }): Promise<{ uri: string; secret: string }> {
  requirePermission(ctx.actor, 'beginTotpEnrolment');
  const [user] = await ctx.tx.select().from(staffUsers).where(eq(staffUsers.id, input.staffId));
  if (!user) throw new NotFoundError('staff_user', input.staffId);
  const key = totpKey(env);
  if (user.totpSecret) {
    const secret = openSecret(user.totpSecret, key);
    return { uri: totpFor(secret, user.email).toString(), secret };
  }
  const secret = new Secret({ size: 20 }).base32;
  await ctx.tx.update(staffUsers).set({ totpSecret: sealSecret(secret, key), totpLastStep: null, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  return { uri: totpFor(secret, user.email).toString(), secret };
}

export type TotpCheck = { ok: true; enrolled: boolean } | { ok: false; reason: 'invalid' | 'reused' | 'locked'; locked: boolean; error: FieldError };

const ERRORS: Record<'invalid' | 'reused' | 'locked', FieldError> = {
  invalid: { field: 'code', message: 'the code is not valid; enter the current 6 digits', messageJa: '確認コードが正しくありません。現在の6桁を入力してください' },
  reused: { field: 'code', message: 'this code was just used; wait for the next code (up to 30 seconds) and enter that one', messageJa: 'このコードは使用済みです。認証アプリに次のコードが表示されるまで（最大30秒）お待ちのうえ、新しいコードを入力してください' },
  locked: { field: 'code', message: 'too many wrong codes: the account is locked for a while', messageJa: '確認コードの誤りが続いたため、アカウントを一時的にロックしました' },
};

/**
 * Check a 6-digit code (±1 period for clock drift; full-width digits accepted). Every
 * attempt runs inside one transaction holding the staff row FOR UPDATE, so concurrent
 * attempts for one account are checked one after another against the same count: the lock
 * is checked first, a wrong code is recorded (audit 'totp_failed') before the lock is
 * released, and the fifth wrong code within 15 minutes locks the account and ends every
 * session (lockAccount). A code is accepted once: its time step must be later than the last
 * accepted one; a repeat within the same 30 s says to wait for the next code.
 * Returns a result instead of throwing, so the failure commits.
 * `unlocking`: the sign-in form's way out of a password lock (sign-in.ts).
 */
export async function checkTotp({ ctx, input, env }: VerbArgs<{ staffId: string; code: string; unlocking?: boolean }> & { env: TotpKeyEnv }): Promise<TotpCheck> {
  requirePermission(ctx.actor, 'checkTotp');
  const [user] = await ctx.tx.select().from(staffUsers).where(eq(staffUsers.id, input.staffId)).for('update');
  if (!user?.totpSecret) throw new NotFoundError('staff_user', input.staffId);
  const fail = (reason: 'invalid' | 'reused' | 'locked', locked = reason === 'locked'): TotpCheck => ({ ok: false, reason, locked, error: ERRORS[reason] });
  const lockActive = user.lockedUntil && user.lockedUntil > ctx.now;
  if (lockActive && !(input.unlocking && user.lockReason === 'password')) return fail('locked');
  const code = input.code.normalize('NFKC').replace(/[\s-]/g, '');
  // A recovery code (lost phone) stands in for a code once, counted like a code when wrong.
  if (user.totpLastStep !== null && looksLikeRecoveryCode(input.code)) {
    if (await useRecoveryCode(ctx, user.id, input.code)) return { ok: true, enrolled: false };
    return (await noteWrongCode(ctx, user.id)) ? fail('locked') : fail('invalid', false);
  }
  const delta = /^\d{6}$/.test(code) ? totpFor(openSecret(user.totpSecret, totpKey(env)), user.email).validate({ token: code, timestamp: ctx.now.getTime(), window: 1 }) : null;
  if (delta === null) return (await noteWrongCode(ctx, user.id)) ? fail('locked') : fail('invalid', false);
  const step = Math.floor(ctx.now.getTime() / 1000 / PERIOD) + delta;
  if (user.totpLastStep !== null && step <= user.totpLastStep) return fail('reused', false);
  await ctx.tx.update(staffUsers).set({ totpLastStep: step, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  await writeAudit(ctx, { action: user.totpLastStep === null ? 'totp_enrolled' : 'totp_passed', entity: 'staff_user', entityId: user.id });
  return { ok: true, enrolled: user.totpLastStep === null };
}

/** Record a wrong code; the fifth within the window locks the account. True when it locked. */
async function noteWrongCode(ctx: Ctx, staffId: string): Promise<boolean> {
  await writeAudit(ctx, { action: 'totp_failed', entity: 'staff_user', entityId: staffId });
  const since = new Date(ctx.now.getTime() - LOCK_MS);
  const [row] = await ctx.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(and(eq(auditLog.entity, 'staff_user'), eq(auditLog.entityId, staffId), eq(auditLog.action, 'totp_failed'), gt(auditLog.createdAt, since)));
  if ((row?.n ?? 0) < MAX_FAILED_LOGINS) return false;
  await lockAccount(ctx, staffId, 'totp');
  return true;
}
