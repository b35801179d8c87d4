import { sql } from 'drizzle-orm';
import { staffUsers } from '../../../db/schema';
import { NATION_CODE } from '../../../db/seed/reference-data';
import { type Ctx } from '../context';
import { createStaff } from './create-staff';

/**
 * On first start, ADMIN_EMAIL + ADMIN_PASSWORD create a national-level administrator if no
 * staff user exists. Safe when several processes start at once: a transaction-scoped
 * advisory lock makes the others wait, and they then see the first one's administrator.
 */
export async function ensureFirstAdmin(ctx: Ctx, email: string, password: string): Promise<{ created: boolean }> {
  await ctx.tx.execute(sql`select pg_advisory_xact_lock(hashtext('mimamori:first-admin'))`);
  const [row] = await ctx.tx.select({ n: sql<number>`count(*)::int` }).from(staffUsers);
  if ((row?.n ?? 0) > 0) return { created: false };
  await createStaff({ ctx, input: { email, password, displayName: 'Administrator', role: 'national_officer', jurisdictionCode: NATION_CODE } });
  return { created: true };
}
