import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { outboundMessages, type OutboundStatus } from '../../../db/schema';
import type { Deps } from '../../deps';
import { classifyTwilioError, PermanentSendError, twilioClient } from './client';
import { twilioSettings, webhookUrl } from './config';
import { markQuiet } from '../../platform/quiet-failure';
import { countSmsSegments, countTwilioResult } from '../../platform/metrics/record';


export type OutboundRow = typeof outboundMessages.$inferSelect;
export interface OutboundBody {
  text?: string;
  /** What a notice call says (deliverNoticeCall). */
  say?: string[];
}

/**
 * Record a message or call to send, once per retry key: a retried job finds the row it
 * wrote the first time (and sends it only if it is still queued).
 * Retry keys: `sms:<kind>:<sessionId>:<n>`, `sms:reply:<eventId>:<n>`, `call:<sessionId>:<n>`.
 */
export async function ensureOutbound(
  tx: DbOrTx,
  values: { personId: string | null; sessionId: string | null; channel: 'sms' | 'voice'; kind: string; retryKey: string; body: OutboundBody | null },
  now: Date,
): Promise<OutboundRow> {
  await tx
    .insert(outboundMessages)
    .values({ ...values, status: 'queued', createdAt: now, updatedAt: now })
    .onConflictDoNothing();
  const [row] = await tx.select().from(outboundMessages).where(eq(outboundMessages.retryKey, values.retryKey));
  return row!;
}

/** Claim a queued row for sending; false when another worker (or an earlier run) already did. */
async function claim(deps: Deps, row: OutboundRow): Promise<boolean> {
  const claimed = await deps.db
    .update(outboundMessages)
    .set({ status: 'sending', attempts: sql`${outboundMessages.attempts} + 1`, updatedAt: deps.now() })
    .where(and(eq(outboundMessages.id, row.id), eq(outboundMessages.status, 'queued')))
    .returning({ id: outboundMessages.id });
  return claimed.length === 1;
}

async function settle(deps: Deps, row: OutboundRow, err: unknown): Promise<never> {
  const e = classifyTwilioError(err);
  countTwilioResult(e instanceof PermanentSendError ? e.code : 'transient');
  if (e instanceof PermanentSendError) {
    await deps.db.update(outboundMessages).set({ status: 'failed', errorCode: e.code, errorMessage: e.message, updatedAt: deps.now() }).where(eq(outboundMessages.id, row.id));
  } else {
    // Back to queued: the job's retry sends it again.
    await deps.db.update(outboundMessages).set({ status: 'queued', errorCode: 'transient', errorMessage: e.message, updatedAt: deps.now() }).where(eq(outboundMessages.id, row.id));
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
  if (row.status !== 'queued' || !(await claim(deps, row))) return;
  try {
    const msg = await twilioClient(settings).messages.create({
      to,
      from: settings.fromNumber,
      body: (row.body as OutboundBody | null)?.text ?? '',
      statusCallback: webhookUrl(deps.env, '/webhooks/twilio/status'),
    });
    await deps.db.update(outboundMessages).set({ providerMessageId: msg.sid, errorCode: null, errorMessage: null, updatedAt: deps.now() }).where(eq(outboundMessages.id, row.id));
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
  if (row.status !== 'queued' || !(await claim(deps, row))) return;
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
    await deps.db.update(outboundMessages).set({ providerMessageId: call.sid, errorCode: null, errorMessage: null, updatedAt: deps.now() }).where(eq(outboundMessages.id, row.id));
    countTwilioResult('ok');
  } catch (err) {
    await settle(deps, row, err);
  }
}

const RANK: Record<OutboundStatus, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, undelivered: 3, failed: 3 };

/**
 * Move a message's status forward only (queued → sending → sent → delivered, or →
 * undelivered / failed); a late 'sent' after 'delivered' changes nothing. Returns the row
 * when the status changed, null otherwise.
 */
export async function advanceOutboundStatus(tx: DbOrTx, row: OutboundRow, status: OutboundStatus, error: { code?: string | null }, now: Date): Promise<OutboundRow | null> {
  if (RANK[status] <= RANK[row.status]) return null;
  const [updated] = await tx
    .update(outboundMessages)
    .set({ status, errorCode: error.code ?? row.errorCode, updatedAt: now })
    .where(and(eq(outboundMessages.id, row.id), eq(outboundMessages.status, row.status)))
    .returning();
  return updated ?? null;
}
