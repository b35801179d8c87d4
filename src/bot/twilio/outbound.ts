import type { Deps } from '../../deps';
import type { OutboundRow } from '../../domain/outbox/outbound-messages';
import { sendOutboxRow } from '../../domain/outbox/outbox';
import { classifyTwilioError, PermanentSendError, twilioClient } from './client';
import { twilioSettings, webhookUrl, type TwilioSettings } from './config';
import { markQuiet } from '../../platform/quiet-failure';
import { countSmsSegments, countTwilioResult } from '../../platform/metrics/record';


export interface OutboundBody {
  text?: string;
  /** What a notice call says (deliverNoticeCall). */
  say?: string[];
}

export { advanceOutboundStatus, ensureOutbound, type OutboundRow } from '../../domain/outbox/outbound-messages';

/**
 * Claim → send → settle one recorded row through the one outbox (src/domain/outbox/outbox.ts)
 * with Twilio's `create` (a message or a call). A row already claimed is left alone. The
 * provider's refusal is settled on the row, then thrown: TransientSendError (retry later)
 * or PermanentSendError (recorded as failed).
 */
async function sendThroughOutbox(deps: Deps, row: OutboundRow, create: (settings: TwilioSettings) => Promise<{ sid: string; numSegments?: string | null }>): Promise<void> {
  const settings = twilioSettings(deps.env);
  if (!settings) throw markQuiet(new PermanentSendError('not_configured', 'Twilio is not configured', false)); // said once at start
  let refused: unknown = null;
  await sendOutboxRow(deps, row.id, { kind: 'queued' }, async (claimed) => {
    try {
      const sent = await create(settings);
      countTwilioResult('ok');
      if (claimed.channel === 'sms') countSmsSegments(Number(sent.numSegments) || 1);
      // Still 'sending': the status callback says sent / delivered / failed.
      return { accepted: true, status: 'sending', providerMessageId: sent.sid };
    } catch (err) {
      const e = classifyTwilioError(err);
      refused = e;
      const code = e instanceof PermanentSendError ? e.code : 'transient';
      countTwilioResult(code);
      deps.logger.warn({ outboundId: claimed.id, channel: claimed.channel, kind: claimed.kind, code }, 'Twilio send failed');
      // Transient: back to queued, the job's retry sends it again.
      return { accepted: false, transient: !(e instanceof PermanentSendError), errorCode: code, errorMessage: e.message };
    }
  });
  if (refused) throw refused;
}

/**
 * Send one recorded SMS through the REST API (status callback to /webhooks/twilio/status).
 * Throws TransientSendError (retry later) or PermanentSendError (recorded as failed).
 */
export async function deliverSms(deps: Deps, row: OutboundRow, to: string): Promise<void> {
  await sendThroughOutbox(deps, row, (settings) =>
    twilioClient(settings).messages.create({
      to,
      from: settings.fromNumber,
      body: (row.body as OutboundBody | null)?.text ?? '',
      statusCallback: webhookUrl(deps.env, '/webhooks/twilio/status'),
    }),
  );
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
  await sendThroughOutbox(deps, row, (settings) =>
    twilioClient(settings).calls.create({
      to,
      from: settings.fromNumber,
      ...what,
      statusCallback: webhookUrl(deps.env, '/webhooks/twilio/status'),
      statusCallbackMethod: 'POST',
      statusCallbackEvent: ['answered', 'completed'],
      timeout: 30, // seconds of ringing: elderly people need time to reach the phone
    }),
  );
}
