import { and, eq, inArray } from 'drizzle-orm';
import { personChannels } from '../../../db/schema';
import type { Ctx } from '../context';

/** The channels a phone number gives: SMS and the automated voice call (the web check goes out as an SMS link). */
export const PHONE_CHANNELS = ['sms', 'voice'] as const;

export interface PhoneChannelChange {
  kind: (typeof PHONE_CHANNELS)[number];
  change: 'created' | 'readdressed' | 'removed';
}

/**
 * Make a person's SMS and voice channels match their phone number: missing ones are
 * created pending; one on another number moves to the new number and goes back to pending
 * (the new number is not verified, and an opt-out given from the old number does not
 * carry over); without a number they are removed, so nothing is sent to a number the
 * person no longer has. Returns what changed, for the audit row (kinds only, no numbers).
 */
export async function syncPhoneChannels(ctx: Ctx, personId: string, phone: string | null): Promise<PhoneChannelChange[]> {
  const existing = await ctx.tx
    .select({ id: personChannels.id, kind: personChannels.kind, address: personChannels.address })
    .from(personChannels)
    .where(and(eq(personChannels.personId, personId), inArray(personChannels.kind, [...PHONE_CHANNELS])));
  const changes: PhoneChannelChange[] = [];
  for (const kind of PHONE_CHANNELS) {
    const row = existing.find((c) => c.kind === kind);
    if (!phone) {
      if (!row) continue;
      await ctx.tx.delete(personChannels).where(eq(personChannels.id, row.id));
      changes.push({ kind, change: 'removed' });
    } else if (!row) {
      await ctx.tx.insert(personChannels).values({ personId, kind, address: phone, createdAt: ctx.now, updatedAt: ctx.now });
      changes.push({ kind, change: 'created' });
    } else if (row.address !== phone) {
      await ctx.tx
        .update(personChannels)
        .set({ address: phone, state: 'pending', verifiedAt: null, optedOutAt: null, updatedAt: ctx.now })
        .where(eq(personChannels.id, row.id));
      changes.push({ kind, change: 'readdressed' });
    }
  }
  return changes;
}
