import type { Deps } from '../../deps';
import { claimQueued, settleOutbound, type OutboundRow } from '../../domain/outbox/outbound-messages';
import { classifyTwilioError, PermanentSendError, twilioClient } from './client';
import { twilioSettings, webhookUrl } from './config';
import { markQuiet } from '../../platform/quiet-failure';
import { countSmsSegments, countTwilioResult } from '../../platform/metrics/record';


export interface OutboundBody {
  text?: string;
  /** What a notice call says (deliverNoticeCall). */
  say?: string[];
}

export { advanceOutboundStatus, ensureOutbound, type OutboundRow } from '../../domain/outbox/outbound-messages';

async function settle(deps: Deps, row: OutboundRow, err: unknown): Promise<never> {
  const e = classifyTwilioError(err);
  countTwilioResult(e instanceof PermanentSendError ? e.code : 'transient');
  if (e instanceof PermanentSendError) {
    await settleOutbound(deps.db, row.id, { status: 'failed', errorCode: e.code, errorMessage: e.message }, deps.now());
  } else {
    // Back to queued: the job's retry sends it again.
    await settleOutbound(deps.db, row.id, { status: 'queued', errorCode: 'transient', errorMessage: e.message }, deps.now());
  }
  deps.logger.warn({ outboundId: row.id, channel: row.channel, kind: row.kind, code: e instanceof PermanentSendError ? e.code : 'transient' }, 'Twilio send failed');
  throw e;
}

/**
 * Send one recorded SMS through the REST API (status callback to /webhooks/twilio/status).
 * Throws TransientSendError (retry later) or PermanentSendError (recorded as failed).
 */
export async function deliverSms(deps: Deps, row: OutboundRow, to: string): Promise<void> {
  const settings = twilioSettings(deps.env);
  if (!settings) throw markQuiet(new PermanentSendError('not_configured', 'Twilio is not configured', false)); // said once at start
  if (row.status !== 'queued' || !(await claimQueued(deps.db, row.id, deps.now()))) return;
  try {
    const msg = await twilioClient(settings).messages.create({
      to,
      from: settings.fromNumber,
      body: (row.body as OutboundBody | null)?.text ?? '',
      statusCallback: webhookUrl(deps.env, '/webhooks/twilio/status'),
    });
    await settleOutbound(deps.db, row.id, { providerMessageId: msg.sid, errorCode: null, errorMessage: null }, deps.now());
    countTwilioResult('ok');
    countSmsSegments(Number(msg.numSegments) || 1);
  } catch (err) {
    await settle(deps, row, err);
  }
}

/**
 * Place one recorded call. Twilio fetches the TwiML from /webhooks/twilio/voice?s=<session>
 * (ids only in the URL) and reports the outcome to /webhooks/twilio/status; answering
 * machines are detected (MachineDetection=Enable) and count as no answer.
 */
export async function deliverCall(deps: Deps, row: OutboundRow, to: string, sessionId: string): Promise<void> {
  await placeCall(deps, row, to, {
    url: webhookUrl(deps.env, '/webhooks/twilio/voice', { s: sessionId }),
    method: 'POST',
    machineDetection: 'Enable',
  });
}

/**
 * A short spoken notice (the closing message for a voice-only person): the TwiML goes with
 * the request, so the call needs no webhook of ours; an answering machine may take it.
 */
export async function deliverNoticeCall(deps: Deps, row: OutboundRow, to: string, twiml: string): Promise<void> {
  await placeCall(deps, row, to, { twiml });
}

async function placeCall(deps: Deps, row: OutboundRow, to: string, what: { url: string; method: 'POST'; machineDetection: 'Enable' } | { twiml: string }): Promise<void> {
  const settings = twilioSettings(deps.env);
  if (!settings) throw markQuiet(new PermanentSendError('not_configured', 'Twilio is not configured', false)); // said once at start
  if (row.status !== 'queued' || !(await claimQueued(deps.db, row.id, deps.now()))) return;
  try {
    const call = await twilioClient(settings).calls.create({
      to,
      from: settings.fromNumber,
      ...what,
      statusCallback: webhookUrl(deps.env, '/webhooks/twilio/status'),
      statusCallbackMethod: 'POST',
      statusCallbackEvent: ['answered', 'completed'],
      timeout: 30, // seconds of ringing: elderly people need time to reach the phone
    });
    await settleOutbound(deps.db, row.id, { providerMessageId: call.sid, errorCode: null, errorMessage: null }, deps.now());
    countTwilioResult('ok');
  } catch (err) {
    await settle(deps, row, err);
  }
}
