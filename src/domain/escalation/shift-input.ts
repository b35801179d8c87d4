import { z } from 'zod';
import { HOLIDAY_DAY } from '../../../db/schema';
import { normalisePhone } from '../persons/person-input';

/** Every dash Excel and Japanese IMEs produce (−ー‐‑–—－) is a hyphen in a phone number. */
export function normaliseStaffPhone(raw: string): string {
  return normalisePhone(raw.normalize('NFKC').replace(/[\u2212\u30fc\u2010\u2011\u2012\u2013\u2014\u2015\uff0d]/g, '-'));
}

const phone = z.preprocess(
  (v) => (typeof v === 'string' ? normaliseStaffPhone(v) : v),
  z.string({ message: 'is required' }).min(1, 'is required').regex(/^\+[1-9]\d{9,14}$/, 'must be a phone number such as 090-1234-5678 or +819012345678'),
);

/**
 * A shift as the API and the console page send it:
 * `{ "name": "山田 花子", "phone": "090-1234-5678", "from": "2026-12-05T17:15:00+09:00",
 *    "to": "2026-12-06T08:30:00+09:00", "order": 1 }` — one night;
 * add `"repeat": "weekly", "days": [1,2,3,4,5]` for every weekday night from then on
 * (8 = 祝日・年末年始), and `"order": "administrator"` for the centre administrator's line.
 */
export const shiftInputSchema = z
  .object({
    name: z.string({ message: 'is required' }).trim().min(1, 'is required').max(60, 'must be at most 60 characters'),
    phone,
    from: z.iso.datetime({ offset: true, message: 'must be a date and time such as 2026-12-05T17:15:00+09:00' }),
    to: z.iso.datetime({ offset: true, message: 'must be a date and time such as 2026-12-06T08:30:00+09:00' }),
    order: z.union([z.coerce.number().int().min(1).max(9), z.literal('administrator')], { message: 'must be 1 to 9 or administrator' }),
    staffUserId: z.uuid().optional(),
    repeat: z.enum(['once', 'weekly']).default('once'),
    days: z.array(z.coerce.number().int().min(1).max(HOLIDAY_DAY)).max(8).optional(),
  })
  .strict();
export type ShiftInput = z.infer<typeof shiftInputSchema>;

/** Japanese wording of the schema's own messages (validation.ts knows the common ones). */
export const SHIFT_MESSAGES_JA: Record<string, string> = {
  'must be a date and time such as 2026-12-05T17:15:00+09:00': '開始日時を入力してください（例: 2026-12-05T17:15）',
  'must be a date and time such as 2026-12-06T08:30:00+09:00': '終了日時を入力してください（例: 2026-12-06T08:30）',
  'must be 1 to 9 or administrator': '順番は 1〜9 か「管理者」を選んでください',
};
