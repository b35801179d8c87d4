import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { passwordWeakness } from './password-patterns';

/** OWASP's argon2id minimum: 19 MiB memory, 2 iterations, 1 lane. */
export const ARGON2_PARAMS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;

const WEAKNESS = {
  common: { en: 'is too common (found in breached-password lists); choose another', ja: 'よく使われるパスワード（漏えいしたパスワードの一覧にあるもの）のため使えません' },
  pattern: { en: 'is an easily guessed pattern (repeats or sequences); choose another', ja: '繰り返しや連続した文字など推測されやすいパターンのため使えません' },
  personal: { en: 'must not be built on your e-mail address, your name or the service name', ja: 'メールアドレス・氏名・サービス名をもとにしたパスワードは使えません' },
} as const;

/**
 * Length and a check against common breached passwords, sequences, repeats and the user's
 * own e-mail and name (password-patterns.ts); no composition rules (NIST SP 800-63B).
 */
export function passwordProblem(password: string, user: { email?: string; displayName?: string } = {}): { en: string; ja: string } | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return { en: `must be at least ${MIN_PASSWORD_LENGTH} characters`, ja: `${MIN_PASSWORD_LENGTH}文字以上にしてください` };
  if ([...password].length > 256) return { en: 'must be at most 256 characters', ja: '256文字以内にしてください' };
  const weakness = passwordWeakness(password, [user.email ?? '', user.displayName ?? '']);
  return weakness ? WEAKNESS[weakness] : null;
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
