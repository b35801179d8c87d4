import type { Ctx } from '../../domain/context';
import { acknowledgePage } from '../../domain/escalation/acknowledge-page';
import { pageSmsAckText } from '../../domain/escalation/page-texts';
import { ensureOutbound } from '../twilio/outbound';

/** 「1」 as staff type it on a phone: half- or full-width, with spaces or a full stop. */
const ONE = /^\s*[1１][.。．]?\s*$/;

/**
 * An on-call person replying 1 to a page's SMS (src/domain/escalation): acknowledges the
 * alerts the page announced and records the confirmation as this event's reply. False
 * when the text is not 1 or the number has no page to answer (then it is a patient's SMS).
 */
export async function handlePageReply(tx: Ctx['tx'], eventId: string, from: string, body: string, now: Date): Promise<boolean> {
  if (!ONE.test(body)) return false;
  const ack = await acknowledgePage({ ctx: { actor: { kind: 'webhook', provider: 'twilio' }, tx, now }, input: { via: 'sms', phone: from } });
  if (!ack) return false;
  await ensureOutbound(tx, { personId: null, sessionId: null, channel: 'sms', kind: 'page_reply', retryKey: `sms:reply:${eventId}:0`, body: { text: pageSmsAckText(ack.acknowledged) } }, now);
  return true;
}
