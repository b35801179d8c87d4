import type { Tx } from '../../domain/inbox/process-in-order';
import { outboundByProviderId, type OutboundStatus } from '../../domain/outbox/outbound-messages';
import { systemActor, type Ctx } from '../../domain/context';
import type { Deps } from '../../deps';
import { recordPageDelivery } from '../../domain/escalation/page-outcome';
import { scheduleAfterFailedAttempt } from '../voice/retry';
import type { InboundEvent } from '../../domain/inbox/process-in-order';
import { advanceOutboundStatus } from './outbound';
import { markChannelUnreachable, optOutChannel } from '../../domain/channels/channel-state';
import { countCallOutcome, countTwilioResult } from '../../platform/metrics/record';

interface Mapped {
  status: OutboundStatus;
  code: string | null;
}

/** Twilio message statuses to ours (accepted/queued/scheduled say nothing new). */
export function mapMessageStatus(status: string | undefined, errorCode: string | undefined): Mapped | null {
  switch (status) {
    case 'sending':
      return { status: 'sending', code: null };
    case 'sent':
      return { status: 'sent', code: null };
    case 'delivered':
    case 'read':
      return { status: 'delivered', code: null };
    case 'undelivered':
      return { status: 'undelivered', code: errorCode ?? null };
    case 'failed':
    case 'canceled':
      return { status: 'failed', code: errorCode ?? status };
    default:
      return null;
  }
}

/**
 * Call statuses: answered (in-progress) is 'sent', completed is 'delivered' — unless an
 * answering machine took it (AnsweredBy machine_* / fax), which counts as no answer.
 */
export function mapCallStatus(status: string | undefined, answeredBy: string | undefined): Mapped | null {
  const machine = !!answeredBy && (answeredBy.startsWith('machine') || answeredBy === 'fax');
  switch (status) {
    case 'initiated':
    case 'ringing':
      return { status: 'sending', code: null };
    case 'in-progress':
      return machine ? null : { status: 'sent', code: null };
    case 'completed':
      return machine ? { status: 'undelivered', code: 'machine' } : { status: 'delivered', code: null };
    case 'busy':
    case 'no-answer':
      return { status: 'undelivered', code: status };
    case 'failed':
    case 'canceled':
      return { status: 'failed', code: status };
    default:
      return null;
  }
}

/**
 * Twilio delivery errors that say the number itself cannot take SMS: 30005 unknown
 * destination, 30006 landline or unreachable carrier. Others (30003 handset off, 30008
 * unknown) may work later and only go through the retry chain.
 */
const NUMBER_CANNOT_TAKE_SMS = new Set(['30005', '30006']);

/**
 * One status callback, in the inbox transaction: move the outbound row forward, and when
 * a prompt or call did not reach the person schedule what comes next (a later SMS retry,
 * a call, or the non-responder alert). 21610 (recipient sent STOP to Twilio) opts out.
 * Callbacks for messages we do not know (or duplicates) change nothing.
 */
export async function handleStatusEvent(deps: Deps, tx: Tx, event: InboundEvent): Promise<void> {
  const p = event.payload as Record<string, string>;
  const isCall = !p.MessageSid && !p.SmsSid && !!p.CallSid;
  const sid = isCall ? p.CallSid! : (p.MessageSid ?? p.SmsSid)!;
  const row = await outboundByProviderId(tx, sid);
  if (!row) return;
  const mapped = isCall ? mapCallStatus(p.CallStatus, p.AnsweredBy) : mapMessageStatus(p.MessageStatus ?? p.SmsStatus, p.ErrorCode);
  if (isCall) countCallOutcome(p.CallStatus, p.CallDuration);
  if (!mapped) return;
  if (mapped.status === 'failed' || mapped.status === 'undelivered') countTwilioResult(mapped.code ?? p.ErrorCode);
  const now = deps.now();
  const updated = await advanceOutboundStatus(tx, row, mapped.status, { code: mapped.code }, now);
  const ctx: Ctx = { actor: systemActor('twilio'), tx, now };
  // Staff pages (on-call escalation): answered, refused, not delivered.
  if (updated && row.kind.startsWith('page_')) return recordPageDelivery({ ctx, input: { outboundId: row.id, status: mapped.status, code: mapped.code } });
  if (!updated || (mapped.status !== 'undelivered' && mapped.status !== 'failed')) return;
  if (!isCall && mapped.code === '21610' && row.personId) {
    await optOutChannel(ctx, row.personId, 'sms');
    return;
  }
  // The carrier says this number cannot take SMS at all (unknown, a landline): stop trying
  // it and tell the centre (channel_lost), then go on with the chain (a call may still work).
  if (!isCall && mapped.code && NUMBER_CANNOT_TAKE_SMS.has(mapped.code) && row.personId) {
    await markChannelUnreachable(ctx, row.personId, 'sms', mapped.code);
  }
  if (row.sessionId && ['prompt', 'reminder', 'call'].includes(row.kind)) {
    await scheduleAfterFailedAttempt(deps, ctx, row.sessionId, isCall ? 'call' : 'sms');
  }
}
