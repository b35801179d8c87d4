import { and, eq, inArray } from 'drizzle-orm';
import { CHANNEL_KINDS, checkSessions, MONITORED_STATUSES, personChannels, type ChannelKind } from '../../../db/schema';
import { startCheck } from '../checks/start-check';
import type { VerbArgs } from '../context';
import { ConflictError, ValidationError } from '../errors';
import { NOT_MONITORED_JA } from '../messages-ja';
import { channelLabel } from '../reports/labels';
import { personInScope } from './person-in-scope';

/**
 * 「今すぐ送信」: start an unscheduled check for one person on a channel that can reach them
 * (the one asked for, else their preferred one, else SMS), and leave it pending for the
 * channel's dispatch job, which sends the prompt exactly once (its job id is the session).
 * Returns the session and the channel; the caller enqueues the dispatch job after commit.
 */
export async function sendCheckNow({ ctx, input }: VerbArgs<{ personId: string; channel?: string }>): Promise<{ sessionId: string; channel: ChannelKind }> {
  const person = await personInScope(ctx, input.personId);
  if (!MONITORED_STATUSES.includes(person.status)) throw new ConflictError('this person is not under monitoring', undefined, NOT_MONITORED_JA);
  if (input.channel !== undefined && !(CHANNEL_KINDS as readonly string[]).includes(input.channel)) {
    throw new ValidationError([{ field: 'channel', message: `must be one of ${CHANNEL_KINDS.join(', ')}`, messageJa: '送信手段が正しくありません' }]);
  }
  const usable = await ctx.tx
    .select({ kind: personChannels.kind })
    .from(personChannels)
    .where(and(eq(personChannels.personId, person.id), inArray(personChannels.state, ['pending', 'verified'])));
  // LINE needs a linked account; SMS and voice a number; the web check goes out as an SMS link.
  const reachable = (k: string) => (k === 'line' ? usable.some((c) => c.kind === 'line') : k === 'web' ? !!person.phone : usable.some((c) => c.kind === k));
  const wanted = (input.channel as ChannelKind | undefined) ?? person.preferredChannel;
  const channel = reachable(wanted) ? wanted : !input.channel && reachable('sms') ? 'sms' : null;
  if (!channel) throw new ConflictError(`the person cannot be reached on ${wanted}`, { channel: wanted }, `この対象者には${channelLabel(wanted, 'ja')}で連絡できません`);
  const { sessionId } = await startCheck({ ctx, input: { personId: person.id, channel, source: 'manual' } });
  // startCheck marks the session prompted; the dispatch job sends only pending sessions.
  await ctx.tx.update(checkSessions).set({ status: 'pending', promptedAt: null, updatedAt: ctx.now }).where(eq(checkSessions.id, sessionId));
  return { sessionId, channel };
}
