import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { checkSessions, MONITORED_STATUSES, personChannels, persons } from '../../../db/schema';
import { raiseAlert } from '../alerts/raise-alert';
import type { Ctx } from '../context';
import { OPEN_SESSION_STATUSES } from '../checks/session';

export { ownersOfNumber, type NumberOwner } from './person-on-channel';

/** The patient followed the LINE account (again): their channel works. */
export async function markLineFollowed(tx: DbOrTx, channelId: string, now: Date): Promise<void> {
  await tx.update(personChannels).set({ state: 'verified', updatedAt: now }).where(eq(personChannels.id, channelId));
}

/** A successful exchange proves the number reaches the person. */
export async function markChannelVerified(tx: DbOrTx, channelId: string, now: Date): Promise<void> {
  await tx
    .update(personChannels)
    .set({ state: 'verified', verifiedAt: now, updatedAt: now })
    .where(and(eq(personChannels.id, channelId), eq(personChannels.state, 'pending')));
}

/**
 * Opt a person's SMS channel out (STOP, or Twilio error 21610). Their open SMS checks leave
 * the reminder chain (no reminder, no automated call, no non-responder alert; a late answer
 * is still recorded) and later rounds are cancelled at dispatch. When the person is still
 * being monitored the health centre gets one 'opted_out' alert: they must reach the person
 * another way (change the channel, or call). Returns false when the channel was already
 * opted out (nothing raised twice).
 */
export async function optOutChannel(ctx: Ctx, personId: string, kind: 'sms' | 'voice'): Promise<boolean> {
  const [changed] = await ctx.tx
    .update(personChannels)
    .set({ state: 'opted_out', optedOutAt: ctx.now, updatedAt: ctx.now })
    .where(and(eq(personChannels.personId, personId), eq(personChannels.kind, kind), inArray(personChannels.state, ['pending', 'verified', 'unreachable'])))
    .returning({ id: personChannels.id });
  if (!changed) return false;
  await ctx.tx
    .update(checkSessions)
    .set({ nextActionAt: null, updatedAt: ctx.now })
    .where(and(eq(checkSessions.personId, personId), eq(checkSessions.channel, kind), inArray(checkSessions.status, [...OPEN_SESSION_STATUSES])));
  const [person] = await ctx.tx.select({ status: persons.status }).from(persons).where(eq(persons.id, personId));
  if (person && (MONITORED_STATUSES as readonly string[]).includes(person.status)) {
    const what = kind === 'sms' ? { ja: 'SMS', en: 'SMS' } : { ja: '音声電話', en: 'voice calls' };
    await raiseAlert({
      ctx,
      input: {
        personId,
        severity: 'amber',
        reason: 'opted_out',
        reasons: [
          {
            ruleId: 'opted_out',
            ja: `${what.ja}の配信停止を希望しました。${what.ja}での健康観察は送られません。連絡手段を変更するか、電話で確認してください`,
            en: `Opted out of ${what.en}: no more health checks go out by ${what.en}. Change the channel or call the person`,
            values: { channel: kind },
          },
        ],
        dedupeKey: `opted_out:${changed.id}:${ctx.now.toISOString()}`,
      },
    });
  }
  return true;
}

/** START / 再開: the number works again (it just sent us a message). */
export async function optInChannel(tx: DbOrTx, personId: string, kind: 'sms' | 'voice', now: Date): Promise<boolean> {
  const changed = await tx
    .update(personChannels)
    .set({ state: 'verified', verifiedAt: now, optedOutAt: null, updatedAt: now })
    .where(and(eq(personChannels.personId, personId), eq(personChannels.kind, kind), eq(personChannels.state, 'opted_out')))
    .returning({ id: personChannels.id });
  return changed.length > 0;
}

/**
 * A permanent send failure (invalid number, not a phone): the channel is marked
 * unreachable and the centre gets a 'channel_lost' alert to find another way.
 */
export async function markChannelUnreachable(ctx: Ctx, personId: string, kind: 'sms' | 'voice', code: string): Promise<void> {
  const [changed] = await ctx.tx
    .update(personChannels)
    .set({ state: 'unreachable', updatedAt: ctx.now })
    .where(and(eq(personChannels.personId, personId), eq(personChannels.kind, kind), inArray(personChannels.state, ['pending', 'verified'])))
    .returning({ id: personChannels.id });
  if (!changed) return;
  await raiseAlert({
    ctx,
    input: {
      personId,
      severity: 'amber',
      reason: 'channel_lost',
      reasons: [{ ruleId: 'channel_lost', ja: `${kind === 'sms' ? 'SMS' : '音声電話'}が届きません（エラー ${code}）`, en: `${kind === 'sms' ? 'SMS' : 'Voice calls'} cannot reach the person (error ${code})`, values: { channel: kind, code } }],
      dedupeKey: `channel_lost:${changed.id}:${ctx.now.toISOString()}`,
    },
  });
}
