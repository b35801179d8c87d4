import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/** OWASP's argon2id minimum: 19 MiB memory, 2 iterations, 1 lane. */
export const ARGON2_PARAMS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;

// A few of the most common breached passwords; length ≥ 12 already excludes most lists' top entries.
const COMMON = new Set(['password1234', '123456789012', 'qwertyuiopas', 'passwordpassword', 'iloveyou1234', 'adminadmin12', 'administrator', '1234567890123', 'mimamori1234', 'changeme1234', 'welcome12345', 'qwerty123456', 'password123!', 'aaaaaaaaaaaa', '111111111111']);

/** Length and a breached-password check; no composition rules (NIST SP 800-63B). */
export function passwordProblem(password: string, _user: { email?: string; displayName?: string } = {}): { en: string; ja: string } | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return { en: `must be at least ${MIN_PASSWORD_LENGTH} characters`, ja: `${MIN_PASSWORD_LENGTH}文字以上にしてください` };
  if ([...password].length > 256) return { en: 'must be at most 256 characters', ja: '256文字以内にしてください' };
  if (COMMON.has(password.toLowerCase()) || /^(.)\1+$/.test(password)) return { en: 'is too common; choose another', ja: 'よく使われるパスワードのため使えません' };
  return null;
}

export const hashPassword = (password: string) => argon2.hash(password, ARGON2_PARAMS);

// A hash of a random secret with the same parameters, made once per process.
let dummyHash: Promise<string> | null = null;

/**
 * Verify against `hash`, or, for an account that does not exist (null), against a dummy hash:
 * the same argon2 work either way, so the time taken does not tell whether an e-mail is a
 * staff account. Always false without a hash.
 */
export async function verifyPasswordOrDummy(hash: string | null, password: string): Promise<boolean> {
  if (hash !== null) return verifyPassword(hash, password);
  dummyHash ??= hashPassword(randomBytes(32).toString('base64url'));
  await verifyPassword(await dummyHash, password);
  return false;
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
