import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonPasswords } from '../../src/platform/security/common-passwords';
import { passwordProblem } from '../../src/platform/security/passwords';

const refused = (pw: string, user = {}) => passwordProblem(pw, user) !== null;

describe('the breached-password check', () => {
  it('reads the vendored list of 30,000 common passwords once', () => {
    const list = commonPasswords();
    expect(list.size).toBe(30_000);
    expect(commonPasswords()).toBe(list);
    expect(list.has('password')).toBe(true);
    expect(list.has('1q2w3e4r5t6y')).toBe(true);
  });

  it('refuses common passwords and their usual variants, with a Japanese message', () => {
    for (const pw of ['password12345', 'Password123456', '1q2w3e4r5t6y', 'p@ssw0rd1234', 'passw0rd1234', 'qwerty1234567', 'iloveyou12345', 'monkey123456', 'dragon123456', 'sakura123456', '2024sunshine!!', 'P A S S W O R D 1 2']) {
      expect(passwordProblem(pw), pw).toEqual({ en: expect.stringMatching(/too common/), ja: expect.stringMatching(/よく使われる/) });
    }
  });

  it('refuses every listed password of 12 or more characters, and any listed word padded with digits or symbols (property)', () => {
    const long = [...commonPasswords()].filter((p) => p.length >= 12);
    expect(long.length).toBeGreaterThan(100);
    for (const pw of long) expect(refused(pw), pw).toBe(true);
    const words = [...commonPasswords()].filter((p) => /^[a-z]{4,}$/.test(p));
    fc.assert(
      fc.property(fc.constantFrom(...words), fc.stringMatching(/^[0-9!@#$%.]{0,6}$/), fc.stringMatching(/^[0-9!?.]{8,10}$/), fc.boolean(), (word, before, after, capital) => {
        const w = capital ? word[0]!.toUpperCase() + word.slice(1) : word;
        expect(refused(`${before}${w}${after}`)).toBe(true);
      }),
      { seed: 6, numRuns: 500 },
    );
  });

  it('refuses repeats and sequences', () => {
    for (const pw of ['123456789123', 'abcdefghijkl', '123123123123', 'qwertyuiopas', 'zzzzzzzzzzzzzz', 'abcabcabcabc', 'passpasspass', '987654321098', 'abc123xyz789', 'あいうえおかきくけこさし']) {
      expect(passwordProblem(pw)?.ja, pw).toMatch(/繰り返しや連続|よく使われる/);
    }
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]{1,5}$/), fc.integer({ min: 2, max: 12 }), (unit, times) => {
        const pw = unit.repeat(Math.max(times, Math.ceil(12 / unit.length)));
        expect(refused(pw)).toBe(true);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it("refuses a password built on the user's e-mail, name or the service name", () => {
    const user = { email: 'tanaka.hanako@hc.example.jp', displayName: '田中 花子' };
    for (const pw of ['tanaka.hanako2024', 'Hanako-Tanaka-1', '田中花子19800401', 'mimamori2026!!', 'tanakapassword']) {
      expect(passwordProblem(pw, user)?.ja, pw).toMatch(/メールアドレス・氏名|よく使われる/);
    }
    expect(passwordProblem('tanaka walks the long river', user)).toBeNull();
  });

  it('sets no composition rules: long lower-case passphrases pass (property)', () => {
    expect(passwordProblem('correct horse battery')).toBeNull();
    expect(passwordProblem('みまもりのあいことばです')).toBeNull();
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{4,8}$/), { minLength: 4, maxLength: 5 }), (words) => {
        const pw = words.join(' ');
        // Four random "words" are practically never a listed password, a sequence or a repeat.
        fc.pre(!commonPasswords().has(pw.replace(/ /g, '')) && new Set(words).size === words.length);
        expect(passwordProblem(pw)).toBeNull();
      }),
      { seed: 8, numRuns: 300 },
    );
  });
});
