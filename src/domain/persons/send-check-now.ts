import { and, eq, inArray } from 'drizzle-orm';
import { CHANNEL_KINDS, checkSessions, MONITORED_STATUSES, personChannels, type ChannelKind } from '../../../db/schema';
import { voicelessChannel } from '../channels/voiceless';
import type { Lang } from '../../flows';
import { startCheck } from '../checks/start-check';
import type { VerbArgs } from '../context';
import { ConflictError, ValidationError } from '../errors';
import { NOT_MONITORED_JA } from '../messages-ja';
import { channelLabel } from '../reports/labels';
import { personInScope } from './person-in-scope';
import { requirePermission } from '../permissions';

/** The job enqueued right after commit normally runs within seconds; the sweeper steps in after this. */
const SWEEP_AFTER_MS = 5 * 60_000;

/**
 * 「今すぐ送信」: start an unscheduled check for one person on a channel that can reach them
 * (the one asked for, else their preferred one, else SMS), and leave it pending for the
 * channel's dispatch job, which sends the prompt exactly once (its job id is the session).
 * Returns the session and the channel; the caller enqueues the dispatch job after commit.
 */
export async function sendCheckNow({ ctx, input }: VerbArgs<{ personId: string; channel?: string }>): Promise<{ sessionId: string; channel: ChannelKind }> {
  requirePermission(ctx.actor, 'sendCheckNow');
  const person = await personInScope(ctx, input.personId);
  if (!MONITORED_STATUSES.includes(person.status)) throw new ConflictError('this person is not under monitoring', undefined, NOT_MONITORED_JA);
  if (input.channel !== undefined && !(CHANNEL_KINDS as readonly string[]).includes(input.channel)) {
    throw new ValidationError([{ field: 'channel', message: `must be one of ${CHANNEL_KINDS.join(', ')}`, messageJa: '送信手段が正しくありません' }]);
  }
  const usable = await ctx.tx
    .select({ kind: personChannels.kind })
    .from(personChannels)
    .where(and(eq(personChannels.personId, person.id), inArray(personChannels.state, ['pending', 'verified'])));
  // LINE needs a linked account; SMS and voice a number; the web check's link goes out by
  // SMS or, without a usable number, by LINE (src/bot/web/dispatcher.ts).
  const has = (k: ChannelKind) => usable.some((c) => c.kind === k);
  const reachable = (k: ChannelKind) => (k === 'web' ? has('sms') || has('line') : has(k));
  const asked = (input.channel as ChannelKind | undefined) ?? person.preferredChannel;
  // No automated voice in their language (Nepali): the check goes out as the web link instead (see voicelessChannel).
  const wanted = voicelessChannel(asked, person.preferredLanguage as Lang);
  const channel = reachable(wanted) ? wanted : !input.channel && reachable('sms') ? 'sms' : null;
  if (!channel) throw new ConflictError(`the person cannot be reached on ${wanted}`, { channel: wanted }, `この対象者には${channelLabel(wanted, 'ja')}で連絡できません`);
  const { sessionId } = await startCheck({ ctx, input: { personId: person.id, channel, source: 'manual' } });
  // startCheck marks the session prompted and starts the engine; the session is left as the
  // round creates one — pending, no state — so the channel's dispatcher begins it and sends
  // its opening exactly once (the SMS dispatcher sends nothing for a session already begun).
  // If the dispatch job is never enqueued or is lost (Redis down), the tick's sweeper
  // (claimPendingDispatch) sends it once next_action_at has passed, like a scheduled one,
  // holding an SMS or call until quiet hours end.
  await ctx.tx
    .update(checkSessions)
    .set({ status: 'pending', state: null, promptedAt: null, nextActionAt: new Date(ctx.now.getTime() + SWEEP_AFTER_MS), updatedAt: ctx.now })
    .where(eq(checkSessions.id, sessionId));
  return { sessionId, channel };
}
