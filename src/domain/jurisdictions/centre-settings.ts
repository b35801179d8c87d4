import { eq } from 'drizzle-orm';
import { jurisdictions, type CentreRoundTimes } from '../../../db/schema';
import type { Ctx } from '../context';
import { defaultRoundTimes, type PersonFields } from '../persons/person-input';

/**
 * A health centre's round times for a new person: the centre's own (set on the centre's
 * page, API or CSV), else the installation's defaults. The one place a person's default
 * rounds come from.
 */
export function roundTimesFor(centre: { roundTimes: CentreRoundTimes | null }, classification: PersonFields['classification']): string[] {
  const own = centre.roundTimes?.[classification === 'close_contact' ? 'contact' : 'patient'];
  return own?.length ? [...own] : defaultRoundTimes(classification);
}

export async function centreRoundTimes(ctx: Ctx, centreId: string, classification: PersonFields['classification']): Promise<string[]> {
  const [centre] = await ctx.tx.select({ roundTimes: jurisdictions.roundTimes }).from(jurisdictions).where(eq(jurisdictions.id, centreId));
  return roundTimesFor(centre ?? { roundTimes: null }, classification);
}

/**
 * The number a patient is told to call now: the after-hours number (夜間・休日) while the
 * centre is closed, when it has one; else its phone.
 */
export function phoneToCall(centre: { phone: string | null; afterHoursPhone: string | null }, isOpen: boolean): string | null {
  return !isOpen && centre.afterHoursPhone ? centre.afterHoursPhone : centre.phone;
}
