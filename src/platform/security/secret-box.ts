import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets kept at rest encrypted (TOTP seeds): AES-256-GCM under a key from the settings,
 * stored as `enc:v1:<iv>.<tag>.<ciphertext>` (base64url). A value without the prefix is a
 * legacy plaintext row; openSecret returns it as is and start-up re-seals it
 * (src/domain/staff/seal-totp-secrets.ts).
 */
const PREFIX = 'enc:v1:';

/** A 32-byte key from any key text of at least 32 characters (hashed, so any form works). */
export function secretKey(material: string): Buffer {
  return createHash('sha256').update(`mimamori:secret-box:${material}`).digest();
}

export const isSealed = (stored: string) => stored.startsWith(PREFIX);

export function sealSecret(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${PREFIX}${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
}

/** The plaintext; throws when the key is wrong or the value was altered. */
export function openSecret(stored: string, key: Buffer): string {
  if (!isSealed(stored)) return stored;
  const [iv, tag, body] = stored.slice(PREFIX.length).split('.');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv ?? '', 'base64url'));
  decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body ?? '', 'base64url')), decipher.final()]).toString('utf8');
}
