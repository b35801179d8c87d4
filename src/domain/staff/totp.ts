import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { staffUsers } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { NotFoundError, ValidationError } from '../errors';

const PERIOD = 30;

function totpFor(secret: string, label: string): TOTP {
  return new TOTP({ issuer: 'Mimamori', label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}

/**
 * Begin (or resume) TOTP enrolment: a secret is stored unconfirmed (totp_last_step null)
 * until the first valid code proves the authenticator app has it.
 * Returns the otpauth:// URI for the QR code and the secret to type by hand.
 */
export async function beginTotpEnrolment({ ctx, input }: VerbArgs<{ staffId: string }>): Promise<{ uri: string; secret: string }> {
  const [user] = await ctx.tx.select().from(staffUsers).where(eq(staffUsers.id, input.staffId));
  if (!user) throw new NotFoundError('staff_user', input.staffId);
  let secret = user.totpSecret;
  if (!secret || user.totpLastStep !== null) {
    if (user.totpLastStep !== null && secret) return { uri: totpFor(secret, user.email).toString(), secret }; // already confirmed
    secret = new Secret({ size: 20 }).base32;
    await ctx.tx.update(staffUsers).set({ totpSecret: secret, totpLastStep: null, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  }
  return { uri: totpFor(secret, user.email).toString(), secret };
}

/**
 * Check a 6-digit code (±1 period for clock drift). A code is accepted once: its time step
 * must be later than the last accepted one, so a code seen over a shoulder cannot be replayed.
 * The first valid code also confirms enrolment.
 */
export async function verifyTotp({ ctx, input }: VerbArgs<{ staffId: string; code: string }>): Promise<void> {
  const [user] = await ctx.tx.select().from(staffUsers).where(eq(staffUsers.id, input.staffId)).for('update');
  if (!user?.totpSecret) throw new NotFoundError('staff_user', input.staffId);
  const code = input.code.normalize('NFKC').replace(/\s/g, '');
  const bad = () => new ValidationError([{ field: 'code', message: 'the code is not valid; enter the current 6 digits', messageJa: '確認コードが正しくありません。現在の6桁を入力してください' }]);
  if (!/^\d{6}$/.test(code)) throw bad();
  const delta = totpFor(user.totpSecret, user.email).validate({ token: code, timestamp: ctx.now.getTime(), window: 1 });
  if (delta === null) {
    await writeAudit(ctx, { action: 'totp_failed', entity: 'staff_user', entityId: user.id });
    throw bad();
  }
  const step = Math.floor(ctx.now.getTime() / 1000 / PERIOD) + delta;
  if (user.totpLastStep !== null && step <= user.totpLastStep) throw bad();
  await ctx.tx.update(staffUsers).set({ totpLastStep: step, updatedAt: ctx.now }).where(eq(staffUsers.id, user.id));
  await writeAudit(ctx, { action: user.totpLastStep === null ? 'totp_enrolled' : 'totp_passed', entity: 'staff_user', entityId: user.id });
}
