import { createHash, randomInt } from 'node:crypto';
import { appSecret, type Env } from '../../config/env';

/**
 * LINE link codes (issue 19.3): 12 digits in two parts, printed `1234-5678-9012`. The first
 * six say which code is meant (unique among unused codes), the last six are the secret. A
 * wrong secret for a known first part counts against that code (5 and it is void), so a
 * code cannot be found by trying from many LINE accounts; wrong codes also count per LINE
 * account and, across everyone, per hour (link-channel.ts).
 */
export const LINK_CODE_DIGITS = 12;
const LOOKUP_DIGITS = 6;

/** The pepper mixed into code hashes, derived from APP_SECRET: a stolen table alone cannot be brute-forced. */
export function linkCodePepper(env: Pick<Env, 'APP_SECRET'>): string {
  return createHash('sha256').update(`mimamori:link-code:${appSecret(env as Env)}`).digest('hex');
}

/** Only hashes of a code are stored: of the whole code, and of its first part. */
export function hashLinkCode(code: string, pepper: string): string {
  return createHash('sha256').update(`${code}:${pepper}`).digest('hex');
}
export function hashLookup(code: string, pepper: string): string {
  return createHash('sha256').update(`lookup:${code.slice(0, LOOKUP_DIGITS)}:${pepper}`).digest('hex');
}

/** Full-width digits, spaces and hyphens as people type them: 「１２３４ ５６７８－９０１２」 → "123456789012"; null if not 12 digits. */
export function normaliseLinkCode(raw: string): string | null {
  const s = raw.normalize('NFKC').replace(/[\s\-‐－ー–—−]/g, '');
  return new RegExp(`^\\d{${LINK_CODE_DIGITS}}$`).test(s) ? s : null;
}

export const randomLinkCode = () => Array.from({ length: LINK_CODE_DIGITS }, () => String(randomInt(0, 10))).join('');

/** As printed and shown to staff: 1234-5678-9012. */
export const formatLinkCode = (code: string) => code.replace(/(\d{4})(?=\d)/g, '$1-');
