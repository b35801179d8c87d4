import { parsePhoneNumberFromString as parseE164 } from 'libphonenumber-js/min';

/**
 * Phone numbers as they arrive in line lists, to E.164: 090-1234-5678, ０９０−１２３４−５６７８,
 * 090ー1234ー5678 (an IME's long-vowel mark), (03) 1234-5678, +81 90 1234 5678, 81-90-…,
 * and the number Excel made of a cell it took for a figure (9012345678: the leading 0 lost).
 * Every hyphen and dash Excel and Japanese IMEs produce counts as a separator.
 * @example parsePhoneNumber('０９０ー１２３４ー５６７８') // → { e164: '+819012345678', kind: 'mobile' }
 */

// - ‐ ‑ ‒ – — ― − ー ｰ － and the katakana middle dot some lists use between groups.
export const PHONE_SEPARATORS = /[\s\-‐‑‒–—―−ーｰ－・.()（）]/g;
const SEPARATORS = PHONE_SEPARATORS;

export type PhoneKind = 'mobile' | 'landline' | 'ip' | 'other';

export interface ParsedPhone {
  e164: string;
  /** mobile: 070/080/090 (can take SMS); landline: a fixed line (calls only); ip: 050. */
  kind: PhoneKind;
}

/** The kind of a Japanese number from its E.164 form; foreign numbers are 'other'. */
export function phoneKind(e164: string): PhoneKind {
  if (/^\+81[789]0\d{8}$/.test(e164)) return 'mobile';
  if (/^\+8150\d{8}$/.test(e164)) return 'ip';
  if (/^\+81[1-9]\d{8}$/.test(e164)) return 'landline';
  return 'other';
}

/** E.164 and kind, or null when the text is not a phone number (empty text: null). */
export function parsePhoneNumber(raw: string): ParsedPhone | null {
  let s = raw.normalize('NFKC').replace(SEPARATORS, '');
  if (!s) return null;
  if (s.startsWith('+')) {
    if (!/^\+[1-9]\d{6,14}$/.test(s)) return null;
    // +81 0 90…: the trunk 0 written after the country code
    if (s.startsWith('+810')) s = `+81${s.slice(4)}`;
    return s.length >= 8 ? { e164: s, kind: phoneKind(s) } : null;
  }
  if (!/^\d+$/.test(s)) return null;
  if (s.startsWith('0081')) s = s.slice(4);
  else if (s.startsWith('81') && (s.length === 11 || s.length === 12)) s = s.slice(2);
  if (s.startsWith('0')) s = s.slice(1);
  // Japanese numbers are 0 + 9 digits (fixed lines) or 0 + 10 digits (mobile, 050); the 0
  // may have been dropped by Excel.
  if (!/^[1-9]\d{8,9}$/.test(s)) return null;
  // 070/080/090 and 050 have 10 digits after the 0, fixed lines 9.
  if ((s.length === 10) !== /^[5789]0/.test(s)) return null;
  const e164 = `+81${s}`;
  return { e164, kind: phoneKind(e164) };
}

/**
 * How staff read a number: Japanese ones in domestic form with the usual hyphens
 * (+819000000001 → 090-0000-0001, +81352733000 → 03-5273-3000, per the numbering plan's
 * area codes, libphonenumber-js), foreign ones in international form. Text that is not a
 * stored E.164 number comes back as it is.
 */
export function formatPhoneForStaff(e164: string | null | undefined): string {
  if (!e164) return '';
  const parsed = parseE164(e164);
  if (!parsed) return e164;
  return parsed.country === 'JP' ? parsed.formatNational() : parsed.formatInternational();
}
