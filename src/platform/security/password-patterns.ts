import { commonPasswords } from './common-passwords';

/**
 * Guessable-password checks (NIST SP 800-63B 5.1.1.2: breached values, repetitive or
 * sequential characters, context-specific words) — no composition rules.
 */
export type Weakness = 'common' | 'pattern' | 'personal';

// Look-alike substitutions people make to "strengthen" a word: p@ssw0rd → password.
const LEET: Record<string, string> = { '@': 'a', '4': 'a', '3': 'e', '!': 'i', '0': 'o', $: 's', '5': 's', '7': 't', '+': 't' };
const deleet = (s: string, one: 'i' | 'l') => [...s].map((ch) => (ch === '1' ? one : (LEET[ch] ?? ch))).join('');

// Keyboard and alphabet orders whose neighbours make a "sequence" (either direction).
const ORDERS = ['abcdefghijklmnopqrstuvwxyz', '0123456789', 'qwertyuiopasdfghjklzxcvbnm', '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p', '1q2w3e4r5t6y7u8i9o0p', 'zaq1xsw2cde3vfr4bgt5nhy6mju7ki8lo9', 'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん'];
const NEIGHBOURS = new Set(ORDERS.flatMap((o) => [...o].slice(1).flatMap((ch, i) => [`${o[i]}${ch}`, `${ch}${o[i]}`])));

/** NFKC, lower-case, without spaces and the usual separators. */
export const normalisePassword = (s: string) => s.normalize('NFKC').toLowerCase().replace(/[\s._\-]+/g, '');

// A word with digits or symbols stuck on either end: password1234, 2024sakura!!
const stripAffixes = (s: string) => s.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');

/** Is it a listed password, or a listed word with digits/symbols around it or letters swapped for look-alikes? */
export function isCommon(compact: string): boolean {
  const common = commonPasswords();
  const core = stripAffixes(compact);
  const forms = [compact, deleet(compact, 'i'), deleet(compact, 'l')];
  if (core.length >= 4) forms.push(core, deleet(core, 'i'), deleet(core, 'l'));
  // A look-alike swap can also be on the ends: p@ssw0rd1 → the core is p@ssw0rd.
  for (const f of forms.slice(1, 3)) {
    const c = stripAffixes(f);
    if (c.length >= 4) forms.push(c);
  }
  return forms.some((f) => common.has(f));
}

/**
 * One unit repeated (abcabcabc, passpass), or almost all of it in at most four runs of
 * sequences or repeats (123456789123, 987654321098, abc123xyz789, qwertyuiopas).
 */
export function isPattern(compact: string): boolean {
  const chars = [...compact];
  if (/^(.+?)\1+$/u.test(compact)) return true;
  const runs: number[] = [1];
  for (let i = 1; i < chars.length; i++) {
    if (chars[i] === chars[i - 1] || NEIGHBOURS.has(`${chars[i - 1]}${chars[i]}`)) runs[runs.length - 1]! += 1;
    else runs.push(1);
  }
  const long = runs.filter((n) => n >= 3);
  const covered = long.reduce((a, b) => a + b, 0);
  return long.length <= 4 && chars.length - covered <= 2;
}

/** The user's e-mail, name or the service's name, with too little of anything else. */
export function isPersonal(compact: string, words: string[]): boolean {
  let rest = compact;
  const tokens = words.flatMap((w) => [w, ...w.split(/[@\s._+\-]+/)]).map(normalisePassword).filter((w) => [...w].length >= (/^[\p{L}]*$/u.test(w) && /[^\x00-\x7f]/.test(w) ? 2 : 3));
  for (const token of tokens.sort((a, b) => b.length - a.length)) rest = rest.split(token).join('');
  if (rest === compact) return false;
  const left = [...rest].length;
  // What is left must be a password by itself: 8+ characters (12+ if only digits and symbols, like a birthday).
  return left < 8 || (!/\p{L}/u.test(rest) && left < 12) || isCommon(rest) || isPattern(rest);
}

/** The first weakness found, or null. `context`: the user's e-mail and name. */
export function passwordWeakness(password: string, context: string[] = []): Weakness | null {
  const compact = normalisePassword(password);
  if (isCommon(compact) || isCommon(password.normalize('NFKC').toLowerCase())) return 'common';
  if (isPattern(compact)) return 'pattern';
  if (isPersonal(compact, ['mimamori', '見守り', 'みまもり', ...context.filter(Boolean)])) return 'personal';
  return null;
}
