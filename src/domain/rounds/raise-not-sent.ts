import { and, desc, eq, sql } from 'drizzle-orm';
import { alerts, checkSessions, lineMulticasts, MONITORED_STATUSES, outboundMessages, personChannels, persons, type ChannelKind } from '../../../db/schema';
import { raiseAlert, type AlertReason } from '../alerts/raise-alert';
import type { Ctx, VerbArgs } from '../context';
import { requirePermission } from '../permissions';

const CHANNEL_NAMES: Record<ChannelKind, { ja: string; en: string }> = {
  line: { ja: 'LINE', en: 'LINE' },
  sms: { ja: 'SMS', en: 'SMS' },
  voice: { ja: '自動音声電話', en: 'automated call' },
  web: { ja: 'ウェブのリンク', en: 'web link' },
};

const STATE_NAMES: Record<string, { ja: string; en: string }> = {
  none: { ja: '未登録', en: 'not registered' },
  pending: { ja: '未連携', en: 'not linked' },
  opted_out: { ja: '配信停止', en: 'opted out' },
  unreachable: { ja: '不達', en: 'unreachable' },
};

export type NotSentCause = 'send_failed' | 'send_kept_failing' | 'no_channel' | 'not_dispatched';

/**
 * A round's check closed without ever reaching the person (see never-sent.ts): one amber
 * 'not_sent' alert for the health centre, saying why — the send was refused, kept failing
 * until the round closed, the channel cannot be used, or nothing was dispatched at all
 * (the job system was down, quiet hours lasted past the round) — so a nurse phones and
 * someone fixes the cause. One per session (dedupe key `not_sent:<session>`); none for a
 * person no longer monitored, and none when the session already has its non-responder
 * alert (the centre was told about this check once).
 * @example await raiseNotSent({ ctx, input: { sessionId } }) // { alertId: '…', cause: 'send_kept_failing' }
 */
export async function raiseNotSent({ ctx, input }: VerbArgs<{ sessionId: string }>): Promise<{ alertId: string | null; cause: NotSentCause | null }> {
  requirePermission(ctx.actor, 'raiseNotSent');
  const [row] = await ctx.tx
    .select({ s: checkSessions, status: persons.status })
    .from(checkSessions)
    .innerJoin(persons, eq(persons.id, checkSessions.personId))
    .where(eq(checkSessions.id, input.sessionId));
  if (!row || !MONITORED_STATUSES.includes(row.status)) return { alertId: null, cause: null };
  const s = row.s;
  const [told] = await ctx.tx.select({ id: alerts.id }).from(alerts).where(eq(alerts.dedupeKey, `non_responder:${s.id}`));
  if (told) return { alertId: null, cause: null };
  const { cause, values } = await whyNotSent(ctx, s);
  const { id } = await raiseAlert({
    ctx,
    input: {
      personId: s.personId,
      sessionId: s.id,
      severity: 'amber',
      reason: 'not_sent',
      reasons: [{ ruleId: 'not_sent', ...wording(cause, s.channel, values), values: { localDate: s.localDate, round: s.round, channel: s.channel, cause, ...values } }],
      dedupeKey: `not_sent:${s.id}`,
    },
  });
  return { alertId: id, cause };
}

/** Why, from what was recorded: the session's last message, else the state of its channel. */
async function whyNotSent(ctx: Ctx, s: typeof checkSessions.$inferSelect): Promise<{ cause: NotSentCause; values: Record<string, string> }> {
  const [own] = await ctx.tx
    .select({ status: outboundMessages.status, errorCode: outboundMessages.errorCode, updatedAt: outboundMessages.updatedAt })
    .from(outboundMessages)
    .where(and(eq(outboundMessages.personId, s.personId), eq(outboundMessages.sessionId, s.id)))
    .orderBy(desc(outboundMessages.updatedAt))
    .limit(1);
  // A round's LINE prompt is recorded once per multicast (line_multicasts), the session among its recipients.
  const [multicast] = await ctx.tx
    .select({ status: lineMulticasts.status, errorCode: lineMulticasts.errorCode, updatedAt: lineMulticasts.updatedAt })
    .from(lineMulticasts)
    .where(sql`${lineMulticasts.sessionIds} @> array[${s.id}::uuid]`)
    .orderBy(desc(lineMulticasts.updatedAt))
    .limit(1);
  const last = [own, multicast].filter((x) => x !== undefined).sort((x, y) => y!.updatedAt.getTime() - x!.updatedAt.getTime())[0];
  // Given up by the tick ('round_over') or still queued: transient failures outlasted the round.
  if (last && last.status === 'failed' && last.errorCode !== 'round_over' && last.errorCode !== 'not_linked') return { cause: 'send_failed', values: { errorCode: last.errorCode ?? 'unknown' } };
  if (last && last.errorCode !== 'not_linked') return { cause: 'send_kept_failing', values: {} };
  if (s.channel === 'web') return { cause: 'not_dispatched', values: {} };
  const [ch] = await ctx.tx
    .select({ state: personChannels.state })
    .from(personChannels)
    .where(and(eq(personChannels.personId, s.personId), eq(personChannels.kind, s.channel)));
  const usable = ch && (ch.state === 'verified' || (ch.state === 'pending' && s.channel !== 'line'));
  return usable ? { cause: 'not_dispatched', values: {} } : { cause: 'no_channel', values: { channelState: ch?.state ?? 'none' } };
}

function wording(cause: NotSentCause, channel: ChannelKind, values: Record<string, string>): Pick<AlertReason, 'ja' | 'en'> {
  const c = CHANNEL_NAMES[channel];
  switch (cause) {
    case 'send_failed':
      return { ja: `${c.ja}で健康観察を送れませんでした（送信エラー: ${values.errorCode}）`, en: `The daily check could not be sent by ${c.en} (send error: ${values.errorCode})` };
    case 'send_kept_failing':
      return { ja: `${c.ja}の送信が回の終わりまで失敗し続け、健康観察が届いていません`, en: `Sending by ${c.en} kept failing until the round closed: the daily check never reached the person` };
    case 'no_channel': {
      const st = STATE_NAMES[values.channelState ?? 'none'] ?? STATE_NAMES.none!;
      return { ja: `${c.ja}の連絡先が使えない（${st.ja}）ため、健康観察を送れませんでした`, en: `The daily check could not be sent: the ${c.en} contact cannot be used (${st.en})` };
    }
    case 'not_dispatched':
      return { ja: '健康観察が送信されないまま回が終わりました（配信処理の停止、夜間の送信制限など）', en: 'The round closed before the daily check was sent (dispatch not running, or quiet hours)' };
  }
}
