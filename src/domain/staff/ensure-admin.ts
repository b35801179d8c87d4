import { sql } from 'drizzle-orm';
import { staffUsers } from '../../../db/schema';
import { NATION_CODE } from '../../../db/seed/reference-data';
import { type Ctx } from '../context';
import { createStaff } from './create-staff';

/** On first start, ADMIN_EMAIL + ADMIN_PASSWORD create a national-level administrator if no staff user exists. */
export async function ensureFirstAdmin(ctx: Ctx, email: string, password: string): Promise<{ created: boolean }> {
  const [row] = await ctx.tx.select({ n: sql<number>`count(*)::int` }).from(staffUsers);
  if ((row?.n ?? 0) > 0) return { created: false };
  await createStaff({ ctx, input: { email, password, displayName: 'Administrator', role: 'national_officer', jurisdictionCode: NATION_CODE } });
  return { created: true };
}
