import { eq } from 'drizzle-orm';
import { jurisdictions } from '../../../db/schema';
import type { Ctx } from '../context';
import { localDateOf } from '../time';

/**
 * "Today" for a person's record: the calendar date at the health centre, in its time zone,
 * not UTC (08:30 in Tokyo is still the previous day in UTC).
 */
export async function centreToday(ctx: Ctx, centreId: string): Promise<string> {
  const [centre] = await ctx.tx.select({ timeZone: jurisdictions.timeZone }).from(jurisdictions).where(eq(jurisdictions.id, centreId));
  return localDateOf(ctx.now, centre!.timeZone);
}
