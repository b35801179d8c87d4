import { z } from 'zod';
import type { CentreRoundTimes, jurisdictions } from '../../../db/schema';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const time = z.string().trim().regex(HHMM, 'must be a local time HH:MM');
const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);
// A phone number as told to patients and callers (kept as typed: 03-1234-5678, 0120-…).
const phone = z.preprocess(
  blankToNull,
  z.string().trim().normalize('NFKC').regex(/^\+?[0-9][0-9-]{4,19}$/, 'must be a phone number such as 03-1234-5678').nullable().optional(),
);

/** 開庁時間: ISO weekdays (1 = Monday) and local open/close times. */
export const openingHoursSchema = z
  .object({ days: z.array(z.number().int().min(1).max(7)).min(1).max(7), open: time, close: time })
  .refine((h) => h.open < h.close, { path: ['close'], message: 'must be after the opening time' });
export type OpeningHours = z.infer<typeof openingHoursSchema>;

const rounds = z.array(time).min(1).max(6).transform((a) => [...new Set(a)].sort());
export const roundTimesSchema = z.object({ patient: rounds, contact: rounds });

export const quietHoursSchema = z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must be local times HH:MM-HH:MM, e.g. 21:00-08:00');

export const CENTRE_CODE = /^[0-9A-Za-z][0-9A-Za-z_-]{1,39}$/;

/**
 * 管轄市区町村: a list, or one text with the names separated by 、 , ; ／ or line breaks (the
 * console's text area, a CSV cell). Names are kept as addresses write them, NFKC, without
 * spaces; the prefecture is the centre's own and not repeated (新宿区, 八王子市, 西多摩郡瑞穂町).
 */
export const municipalitiesSchema = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/[、,，;；/／\n\r]+/) : v),
  z
    .array(z.string().transform((m) => m.normalize('NFKC').replace(/\s+/g, '')).pipe(z.string().max(40, 'must be at most 40 characters')))
    .max(300, 'must be at most 300 municipalities')
    .transform((a) => [...new Set(a.filter(Boolean))]),
);

/** The editable details of a health centre (API body, console form, CSV row). */
export const centreDetailsSchema = z.object({
  nameJa: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  nameEn: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  phone,
  afterHoursPhone: phone,
  contactPhone: phone,
  openingHours: z.preprocess(blankToNull, openingHoursSchema.nullable().optional()),
  roundTimes: z.preprocess(blankToNull, roundTimesSchema.nullable().optional()),
  quietHours: z.preprocess(blankToNull, quietHoursSchema.nullable().optional()),
  municipalities: municipalitiesSchema.optional(),
});

export const createCentreSchema = centreDetailsSchema.extend({
  kind: z.literal('health_centre', { message: 'must be health_centre' }).default('health_centre'),
  code: z.string().trim().regex(CENTRE_CODE, 'must be 2–40 letters, digits, - or _ (e.g. 13-shinjuku)'),
  parentCode: z.string().trim().regex(/^(0[1-9]|[1-3]\d|4[0-7])$/, 'must be a prefecture code 01–47'),
});
export type CreateCentreInput = z.input<typeof createCentreSchema>;

export const updateCentreSchema = centreDetailsSchema.partial().extend({
  kind: z.literal('health_centre', { message: 'must be health_centre' }).optional(),
  active: z.boolean().optional(),
});
export type UpdateCentreInput = z.input<typeof updateCentreSchema>;

/** What the API and console show of a jurisdiction. */
export interface JurisdictionView {
  kind: string;
  code: string;
  parentCode: string | null;
  nameJa: string;
  nameEn: string;
  phone: string | null;
  afterHoursPhone: string | null;
  contactPhone: string | null;
  openingHours: OpeningHours | null;
  roundTimes: CentreRoundTimes | null;
  quietHours: string | null;
  municipalities: string[];
  active: boolean;
}

export function parseOpeningHours(text: string | null): OpeningHours | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as OpeningHours;
  } catch {
    return null;
  }
}

export function jurisdictionView(row: typeof jurisdictions.$inferSelect, parentCode: string | null): JurisdictionView {
  return {
    kind: row.kind,
    code: row.code,
    parentCode,
    nameJa: row.nameJa,
    nameEn: row.nameEn,
    phone: row.phone,
    afterHoursPhone: row.afterHoursPhone,
    contactPhone: row.contactPhone,
    openingHours: parseOpeningHours(row.openingHours),
    roundTimes: row.roundTimes,
    quietHours: row.quietHours,
    municipalities: row.municipalities ?? [],
    active: row.active,
  };
}
