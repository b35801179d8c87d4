import { eq, sql } from 'drizzle-orm';
import { jurisdictions, staffUsers } from '../../../db/schema';
import { NATION_CODE } from '../../../db/seed/reference-data';
import { type Ctx } from '../context';
import { ValidationError } from '../errors';
import { createStaff } from './create-staff';

/** The health centre a first centre administrator belongs to (ADMIN_CENTRE_CODE, ADMIN_CENTRE_NAME). */
export interface FirstCentre {
  code: string;
  nameJa: string;
}

export type FirstAdmin = { created: false } | { created: true; role: 'national_officer' | 'centre_admin' };

/**
 * On first start, ADMIN_EMAIL + ADMIN_PASSWORD create the first administrator if no staff
 * user exists: a national officer (whose lists hide names), or — with `centre` — the
 * administrator of that health centre (created under its prefecture when missing), who sees
 * names. Safe when several processes start at once: a transaction-scoped advisory lock
 * makes the others wait, and they then see the first one's administrator.
 */
export async function ensureFirstAdmin(ctx: Ctx, email: string, password: string, centre?: FirstCentre): Promise<FirstAdmin> {
  await ctx.tx.execute(sql`select pg_advisory_xact_lock(hashtext('mimamori:first-admin'))`);
  if ((await countStaff(ctx)) > 0) return { created: false };
  if (!centre) {
    await createStaff({ ctx, input: { email, password, displayName: 'Administrator', role: 'national_officer', jurisdictionCode: NATION_CODE } });
    return { created: true, role: 'national_officer' };
  }
  await ensureHealthCentre(ctx, centre);
  await createStaff({ ctx, input: { email, password, displayName: 'Administrator', role: 'centre_admin', jurisdictionCode: centre.code } });
  return { created: true, role: 'centre_admin' };
}

export async function countStaff(ctx: Pick<Ctx, 'tx'>): Promise<number> {
  const [row] = await ctx.tx.select({ n: sql<number>`count(*)::int` }).from(staffUsers);
  return row?.n ?? 0;
}

/** A health centre code starts with its prefecture's (JIS X 0401) code: 13-104 lies in 13 (東京都). */
async function ensureHealthCentre(ctx: Ctx, centre: FirstCentre): Promise<void> {
  const [existing] = await ctx.tx.select({ kind: jurisdictions.kind }).from(jurisdictions).where(eq(jurisdictions.code, centre.code));
  if (existing?.kind === 'health_centre') return;
  const prefectureCode = /^(\d{2})-/.exec(centre.code)?.[1];
  const [prefecture] = prefectureCode ? await ctx.tx.select().from(jurisdictions).where(eq(jurisdictions.code, prefectureCode)) : [];
  if (existing || !prefecture || prefecture.kind !== 'prefecture') {
    throw new ValidationError([{ field: 'centreCode', message: 'must be a new or existing health centre code starting with its prefecture code, e.g. 13-104', messageJa: '保健所コードは都道府県コードで始めてください（例: 13-104）' }]);
  }
  await ctx.tx.insert(jurisdictions).values({ kind: 'health_centre', parentId: prefecture.id, code: centre.code, path: `${prefecture.path}${centre.code}/`, nameJa: centre.nameJa, nameEn: centre.nameJa });
}
