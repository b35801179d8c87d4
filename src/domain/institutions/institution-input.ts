import { z } from 'zod';
import type { medicalInstitutions } from '../../../db/schema';
import { parseInstitutionCode } from './institution-code';

const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);

/** A 医療機関コード field, normalised (its Japanese messages: src/domain/validation.ts). */
export const institutionCodeField = z.string({ message: 'is required' }).transform((raw, ctx) => {
  const parsed = parseInstitutionCode(raw);
  if ('code' in parsed) return parsed.code;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});

const details = {
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  address: z.preprocess(blankToNull, z.string().trim().max(300, 'must be at most 300 characters').nullable().optional()),
  phone: z.preprocess(blankToNull, z.string().trim().normalize('NFKC').regex(/^\+?[0-9][0-9-]{4,19}$/, 'must be a phone number such as 03-1234-5678').nullable().optional()),
  centreCode: z.string().trim().min(1, 'is required').max(40, 'must be at most 40 characters'),
};

export const createInstitutionSchema = z.object({ code: institutionCodeField, ...details });
export type CreateInstitutionInput = z.input<typeof createInstitutionSchema>;
export const updateInstitutionSchema = z.object({ ...details, active: z.boolean() }).partial();

export interface InstitutionView {
  code: string;
  name: string;
  address: string | null;
  phone: string | null;
  centreCode: string;
  active: boolean;
}

export const institutionView = (row: typeof medicalInstitutions.$inferSelect, centreCode: string): InstitutionView => ({
  code: row.code,
  name: row.name,
  address: row.address,
  phone: row.phone,
  centreCode,
  active: row.active,
});
