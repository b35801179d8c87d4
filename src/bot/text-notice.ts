import { voiceFor } from '../flows';
import type { ChannelKind } from '../domain/channels/person-on-channel';
import type { Deps } from '../deps';
import type { Ctx } from '../domain/context';
import { TransientSendError } from './dispatch';
import { LineSendError } from './line/client';
import { lineApiFor } from './line/limited-api';
import { lineRetryUuid } from './line/retry-key';
import { PermanentSendError } from './twilio/client';
import { twilioSettings } from './twilio/config';
import { deliverNoticeCall, deliverSms, ensureOutbound, type OutboundRow } from './twilio/outbound';
import { quietHoursDeferral } from './twilio/quiet-hours';
import { renderTurn } from './voice/twiml';
import { linkRecipient, type LinkRecipient } from '../domain/web/link-message';
import { ensureOutbound as recordOutbound, recordUnsentOutbound, settleAttempt } from '../domain/outbox/outbound-messages';

export type NoticePlan =
  | { via: 'sms'; to: string; row: OutboundRow }
  | { via: 'line'; to: string; row: OutboundRow; text: string }
  | { via: 'call'; to: string; row: OutboundRow; twiml: string }
  | null;

export interface NoticeInput {
  personId: string;
  sessionId?: string | null;
  kind: string; // web_link_prompt, closing …
  retryKey: string;
  text: (who: LinkRecipient) => string;
  /**
   * The person's own channel, tried first (the closing message): LINE people get LINE, SMS
   * people SMS, voice people a short call saying `spoken`. Default (web links): SMS, then LINE.
   */
  channel?: ChannelKind;
  /** What a short call says, for a person whose channel is voice. */
  spoken?: (who: LinkRecipient) => string[];
}

type Route = 'sms' | 'line' | 'call';
const ROUTES: Record<ChannelKind, Route[]> = { line: ['line', 'sms'], sms: ['sms', 'line'], voice: ['call', 'sms', 'line'], web: ['sms', 'line'] };

/**
 * One notice to a person, outside a conversation, on the first route that can reach them
 * (their channel first, see NoticeInput.channel): SMS when Twilio is configured and they
 * have a usable number, LINE push when LINE is configured and their account is linked, a
 * call when Twilio is configured and they have a voice number. Recorded in
 * outbound_messages under the retry key (a retried job sends once). With no route the row
 * is recorded as failed with the reason and nothing is sent. An SMS or a call in quiet
 * hours throws TransientSendError with retryAfterMs to their end: the job comes back then.
 * Runs in the caller's transaction; deliverNotice sends after it committed.
 */
export async function planNotice(deps: Deps, ctx: Ctx, input: NoticeInput): Promise<NoticePlan> {
  const who = await linkRecipient(ctx.tx, input.personId);
  if (!who) return null;
  const twilio = !!twilioSettings(deps.env);
  const usable: Record<Route, string | null> = {
    sms: twilio ? who.sms : null,
    line: deps.env.LINE_CHANNEL_ACCESS_TOKEN ? who.line : null,
    call: twilio && input.spoken && voiceFor(who.lang) ? who.voice : null, // no call in a language Twilio cannot speak
  };
  const route = ROUTES[input.channel ?? 'web'].find((r) => usable[r]);
  const base = { personId: input.personId, sessionId: input.sessionId ?? null, kind: input.kind, retryKey: input.retryKey };
  if (!route) return recordUnsent(deps, ctx, base, twilio || !!deps.env.LINE_CHANNEL_ACCESS_TOKEN ? 'no usable SMS number or LINE account' : 'no provider configured');
  const to = usable[route]!;
  if (route !== 'line') {
    const deferred = quietHoursDeferral(ctx.now, who.timeZone, deps.env.QUIET_HOURS, route === 'sms' ? 'SMS' : 'calls');
    if (deferred) throw deferred;
  }
  if (route === 'sms') return { via: 'sms', to, row: await ensureOutbound(ctx.tx, { ...base, channel: 'sms', body: { text: input.text(who) } }, ctx.now) };
  if (route === 'call') {
    const say = input.spoken!(who);
    return { via: 'call', to, row: await ensureOutbound(ctx.tx, { ...base, channel: 'voice', body: { say } }, ctx.now), twiml: renderTurn({ lang: who.lang, say }) };
  }
  const text = input.text(who);
  const row = await recordOutbound(ctx.tx, { ...base, channel: 'line', body: { text } }, ctx.now);
  return row.status === 'queued' ? { via: 'line', to, row, text } : null;
}

async function recordUnsent(deps: Deps, ctx: Ctx, base: { personId: string; sessionId: string | null; kind: string; retryKey: string }, reason: string): Promise<null> {
  await recordUnsentOutbound(ctx.tx, base, reason, ctx.now);
  deps.logger.info({ personId: base.personId, kind: base.kind }, `notice not sent: ${reason}`);
  return null;
}

/** Send a planned notice; transient provider failures throw TransientSendError (the job retries with the same key). */
export async function deliverNotice(deps: Deps, plan: NoticePlan): Promise<void> {
  if (!plan) return;
  if (plan.via === 'sms') return ignorePermanent(() => deliverSms(deps, plan.row, plan.to));
  if (plan.via === 'call') return ignorePermanent(() => deliverNoticeCall(deps, plan.row, plan.to, plan.twiml));
  return pushLine(deps, plan.row, plan.to, plan.text);
}

/** A permanent Twilio failure is recorded on the row (failed) by the send itself; nothing more to do. */
async function ignorePermanent(send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (err) {
    if (err instanceof PermanentSendError) return;
    throw err;
  }
}

async function pushLine(deps: Deps, row: OutboundRow, to: string, text: string): Promise<void> {
  const set = (values: Parameters<typeof settleAttempt>[2]) => settleAttempt(deps.db, { id: row.id }, values, deps.now());
  try {
    const accepted = await lineApiFor(deps).push(to, [{ type: 'text', text }], lineRetryUuid(row.retryKey));
    await set({ status: 'sent', providerMessageId: accepted.requestId, errorCode: null, errorMessage: null });
  } catch (err) {
    const e = err instanceof LineSendError ? err : new LineSendError((err as Error).message, null, true);
    await set({ status: e.transient ? 'queued' : 'failed', errorCode: e.status === null ? 'network' : String(e.status), errorMessage: e.message.slice(0, 500) });
    deps.logger.warn({ outboundId: row.id, status: e.status, transient: e.transient }, 'LINE push of a notice failed');
    if (e.transient) throw new TransientSendError(e.message, e.retryAfterMs);
  }
}
