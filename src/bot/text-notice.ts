import { voiceFor } from '../flows';
import type { ChannelKind } from '../domain/channels/person-on-channel';
import type { Deps } from '../deps';
import type { Ctx } from '../domain/context';
import { TransientSendError } from './dispatch';
import { lineApiFor } from './line/limited-api';
import { lineSend } from './line/outbox';
import { PermanentSendError } from './twilio/client';
import { twilioSettings } from './twilio/config';
import { deliverNoticeCall, deliverSms } from './twilio/outbound';
import { quietHoursDeferral } from './twilio/quiet-hours';
import { renderTurn } from './voice/twiml';
import { linkRecipient } from '../domain/web/link-message';
import type { NoticeInput, NoticePlan } from '../jobs/channel-work';
import { ensureOutbound, recordUnsentOutbound, type OutboundRow } from '../domain/outbox/outbound-messages';
import { sendOutboxRow } from '../domain/outbox/outbox';

export type { NoticeInput, NoticePlan } from '../jobs/channel-work';

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
    // The centre's own quiet hours, as the rounds judge them (create-due-sessions.ts): one rule for every SMS and call.
    const deferred = quietHoursDeferral(ctx.now, who.timeZone, who.quietHours ?? deps.env.QUIET_HOURS, route === 'sms' ? 'SMS' : 'calls');
    if (deferred) throw deferred;
  }
  if (route === 'sms') return { via: 'sms', to, row: await ensureOutbound(ctx.tx, { ...base, channel: 'sms', body: { text: input.text(who) } }, ctx.now) };
  if (route === 'call') {
    const say = input.spoken!(who);
    return { via: 'call', to, row: await ensureOutbound(ctx.tx, { ...base, channel: 'voice', body: { say } }, ctx.now), twiml: renderTurn({ lang: who.lang, say }) };
  }
  const text = input.text(who);
  const row = await ensureOutbound(ctx.tx, { ...base, channel: 'line', body: { text } }, ctx.now);
  return row.status === 'queued' ? { via: 'line', to, row, text } : null;
}

/**
 * A notice by SMS to a number that is no person's (a household's contact, household-contact.ts):
 * recorded against `personId` (the member it is about) like any notice, sent when Twilio is
 * configured, outside the centre's quiet hours (`quietHours`, null: QUIET_HOURS, as planNotice
 * judges them); otherwise recorded as failed with the reason.
 */
export async function planSmsToNumber(
  deps: Deps,
  ctx: Ctx,
  input: Omit<NoticeInput, 'text' | 'channel' | 'spoken'> & { to: string; text: string; timeZone: string; quietHours: string | null },
): Promise<NoticePlan> {
  const base = { personId: input.personId, sessionId: input.sessionId ?? null, kind: input.kind, retryKey: input.retryKey };
  if (!twilioSettings(deps.env)) return recordUnsent(deps, ctx, base, 'no provider configured');
  const deferred = quietHoursDeferral(ctx.now, input.timeZone, input.quietHours ?? deps.env.QUIET_HOURS, 'SMS');
  if (deferred) throw deferred;
  return { via: 'sms', to: input.to, row: await ensureOutbound(ctx.tx, { ...base, channel: 'sms', body: { text: input.text } }, ctx.now) };
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

/** A notice by LINE push through the one outbox (claim → LINE's send → settle); a transient failure throws for the job to retry. */
async function pushLine(deps: Deps, row: OutboundRow, to: string, text: string): Promise<void> {
  const done = await sendOutboxRow(deps, row.id, { kind: 'queued' }, lineSend(deps, lineApiFor(deps), { to, messages: [{ type: 'text', text }] }));
  if (done && !done.outcome.accepted && done.outcome.transient) throw new TransientSendError(done.outcome.errorMessage, done.outcome.retryAfterMs);
}
