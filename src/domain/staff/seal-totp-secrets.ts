import { and, eq, isNotNull, not, like } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { staffUsers } from '../../../db/schema';
import { sealSecret } from '../../platform/security/secret-box';
import { totpKey, type TotpKeyEnv } from './totp';

/**
 * Start-up step: TOTP secrets stored before encryption (plain base32) are sealed with the
 * TOTP key. Idempotent (a sealed value starts with enc:); each row is rewritten only if it
 * still holds the value read, so two starting processes do not seal twice.
 */
export async function sealLegacyTotpSecrets(db: Db, env: TotpKeyEnv): Promise<number> {
  const rows = await db
    .select({ id: staffUsers.id, secret: staffUsers.totpSecret })
    .from(staffUsers)
    .where(and(isNotNull(staffUsers.totpSecret), not(like(staffUsers.totpSecret, 'enc:%'))));
  const key = totpKey(env);
  let sealed = 0;
  for (const row of rows) {
    const done = await db
      .update(staffUsers)
      .set({ totpSecret: sealSecret(row.secret!, key) })
      .where(and(eq(staffUsers.id, row.id), eq(staffUsers.totpSecret, row.secret!)))
      .returning({ id: staffUsers.id });
    sealed += done.length;
  }
  return sealed;
}
