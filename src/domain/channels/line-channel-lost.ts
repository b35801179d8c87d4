import { eq } from 'drizzle-orm';
import { MONITORED_STATUSES, personChannels } from '../../../db/schema';
import { raiseAlert } from '../alerts/raise-alert';
import { localDateOf } from '../time';
import type { LineLink } from './person-on-channel';
import type { DbOrTx } from '../../../db/client';

/**
 * The patient blocked the account: the channel is unreachable (pushes would fail), and a
 * person still under monitoring gets a "channel lost" alert so a nurse phones them.
 * One alert per person and local day however often they block and unblock.
 */
export async function handleUnfollow(turn: { tx: DbOrTx; now: Date }, link: LineLink): Promise<void> {
  await turn.tx.update(personChannels).set({ state: 'unreachable', updatedAt: turn.now }).where(eq(personChannels.id, link.channelId));
  if (!MONITORED_STATUSES.includes(link.status)) return;
  await raiseChannelLost(turn, link.personId, localDateOf(turn.now, link.centre.timeZone), 'unfollow');
}

export type ChannelLostCause = 'unfollow' | 'not_linked' | 'send_failed' | 'undelivered';

export async function raiseChannelLost(turn: { tx: DbOrTx; now: Date }, personId: string, localDate: string, cause: ChannelLostCause) {
  const why = {
    unfollow: { ja: 'LINEがブロック（友だち解除）されました。電話などで連絡してください。', en: 'The patient blocked the LINE account (unfollowed). Please reach them another way.' },
    not_linked: { ja: 'LINEが連携されていないため、健康観察を送れませんでした。', en: 'The health check could not be sent: no LINE account is linked.' },
    send_failed: { ja: 'LINEでのメッセージ送信に失敗しました。', en: 'Sending the LINE message failed.' },
    undelivered: {
      ja: 'LINEのメッセージを何度送っても届けられませんでした（LINEの障害など）。返信やリマインダーが届いていません。電話などで連絡してください。',
      en: 'A LINE message (a reply or reminder) could not be delivered despite repeated tries (e.g. a LINE outage). Please reach the patient another way.',
    },
  }[cause];
  return raiseAlert({
    ctx: { actor: { kind: 'patient', personId, channel: 'line' }, tx: turn.tx, now: turn.now },
    input: {
      personId,
      severity: 'amber',
      reason: 'channel_lost',
      reasons: [{ ruleId: 'channel_lost', ja: why.ja, en: why.en, values: { channel: 'line', cause } }],
      dedupeKey: `channel_lost:line:${personId}:${localDate}`,
    },
  });
}

