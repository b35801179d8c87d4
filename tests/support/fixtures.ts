import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { jurisdictions, medicalInstitutions } from '../../db/schema';
import { systemActor, withTransaction, type Actor } from '../../src/domain/context';
import { registerPerson } from '../../src/domain/persons/register-person';

/** A health centre under a prefecture (JIS code), returned with its id and path. */
export async function createCentre(db: Db, opts: { code: string; prefecture?: string; phone?: string; timeZone?: string; openingHours?: string | null }) {
  const [pref] = await db.select().from(jurisdictions).where(eq(jurisdictions.code, opts.prefecture ?? '13'));
  const [row] = await db
    .insert(jurisdictions)
    .values({
      kind: 'health_centre',
      parentId: pref!.id,
      code: opts.code,
      path: `${pref!.path}${opts.code}/`,
      nameJa: `${opts.code}保健所`,
      nameEn: `${opts.code} health centre`,
      phone: opts.phone ?? '03-0000-0000',
      timeZone: opts.timeZone ?? 'Asia/Tokyo',
      openingHours: opts.openingHours ?? null,
    })
    .returning();
  return row!;
}

export async function createInstitution(db: Db, opts: { code: string; centreId: string }) {
  const [row] = await db.insert(medicalInstitutions).values({ code: opts.code, name: `${opts.code} clinic`, jurisdictionId: opts.centreId }).returning();
  return row!;
}

let counter = 0;

/** Register a person through the real verb; fields default to a confirmed patient. */
export async function createPerson(db: Db, centreCode: string, fields: Record<string, unknown> = {}, now = new Date(), actor: Actor = systemActor('test')) {
  counter++;
  return withTransaction(db, { actor, now }, (ctx) =>
    registerPerson({
      ctx,
      input: { caseNumber: `T-${process.pid}-${counter}`, name: `テスト 太郎${counter}`, classification: 'confirmed', responsibleCentreCode: centreCode, ...fields },
    }),
  );
}

export function staffActor(role: 'nurse' | 'centre_admin' | 'prefecture_officer' | 'national_officer' | 'clinician', scope: { jurisdictionId?: string; jurisdictionPath?: string; institutionId?: string }): Actor {
  return {
    kind: 'staff',
    staffId: '00000000-0000-4000-8000-000000000000',
    role,
    jurisdictionId: scope.jurisdictionId ?? null,
    jurisdictionPath: scope.jurisdictionPath ?? null,
    institutionId: scope.institutionId ?? null,
    via: 'token',
  };
}
