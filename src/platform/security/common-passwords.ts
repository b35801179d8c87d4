import { readFileSync } from 'node:fs';

let list: Set<string> | null = null;

/**
 * The 30,000 most common passwords (common-passwords.txt beside this file: zxcvbn's list
 * from a 10-million-password breach corpus; source and licence in its header), read once.
 */
export function commonPasswords(): Set<string> {
  list ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return list;
}
