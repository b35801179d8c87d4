import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { outboundMessages } from '../../../db/schema';
import { claimLeased, settleOutbound, type OutboundRow } from './outbound-messages';

/**
 * The one outbox for every channel (LINE, SMS, calls): a message is recorded (in the
 * transaction that decided to send it, once per retry key) → claimed (so two workers never
 * send it twice) → sent by its channel's one `send` → settled (the outcome written back).
 * The channels (src/bot/line/outbox.ts, src/bot/twilio/outbound.ts, src/bot/text-notice.ts)
 * only say how to talk to their provider.
 */

export { recordOutboundRows, type NewOutbound } from './outbound-messages';

/**
 * How a row is claimed: `queued` takes it only while queued (SMS, calls, notices: one job
 * owns the row); `leased` lets its owner take it again after a crash and anyone else after
 * the lease (LINE replies, which the outbound sweep takes over).
 */
export type OutboxClaim = { kind: 'queued' } | { kind: 'leased'; claimant: string; lease: { queuedMs: number; sendingMs: number } };

/** Claim a row for sending (status → sending, one more attempt); null when it is not ours to send. */
export async function claimOutboxRow(db: DbOrTx, id: string, claim: OutboxClaim, now: Date): Promise<OutboundRow | null> {
  if (claim.kind === 'leased') return claimLeased(db, id, claim.claimant, now, claim.lease);
  const [row] = await db
    .update(outboundMessages)
    .set({ status: 'sending', attempts: sql`${outboundMessages.attempts} + 1`, updatedAt: now })
    .where(and(eq(outboundMessages.id, id), eq(outboundMessages.status, 'queued')))
    .returning();
  return row ?? null;
}

/**
 * What a channel's send says about one claimed row. Accepted: the provider took it
 * (`status` sent, or still sending until a status callback says more). Refused: for good
 * (`transient` false → failed) or for now (→ queued again, the job or the sweep retries).
 * `merge` is added to the row's body (LINE: whether it went by reply or push).
 */
export type SendOutcome =
  | { accepted: true; status: 'sent' | 'sending'; providerMessageId: string | null; errorCode?: string | null; merge?: Record<string, unknown> }
  | { accepted: false; transient: boolean; errorCode: string; errorMessage: string; retryAfterMs?: number; merge?: Record<string, unknown> };

/** A channel's one send: talk to the provider about a claimed row and say how it went (never throws for a provider's answer). */
export type ChannelSend = (row: OutboundRow) => Promise<SendOutcome>;

/**
 * Claim → send → settle for one recorded row. Returns the claimed row with the outcome, or
 * null when the row was not ours to send (sent already, or another worker has it).
 */
export async function sendOutboxRow(
  deps: { db: DbOrTx; now: () => Date },
  id: string,
  claim: OutboxClaim,
  send: ChannelSend,
): Promise<{ row: OutboundRow; outcome: SendOutcome } | null> {
  const row = await claimOutboxRow(deps.db, id, claim, deps.now());
  if (!row) return null;
  const outcome = await send(row);
  await settleOutbound(deps.db, row.id, settlementOf(outcome), deps.now(), outcome.merge);
  return { row, outcome };
}

/** What a send's outcome writes to its row (settleOutbound, settleOutboundMany). */
export function settlementOf(outcome: SendOutcome): Partial<Pick<OutboundRow, 'status' | 'providerMessageId' | 'errorCode' | 'errorMessage'>> {
  return outcome.accepted
    ? { ...(outcome.status === 'sent' ? { status: 'sent' as const } : {}), providerMessageId: outcome.providerMessageId, errorCode: outcome.errorCode ?? null, errorMessage: null }
    : { status: outcome.transient ? 'queued' : 'failed', errorCode: outcome.errorCode, errorMessage: outcome.errorMessage.slice(0, 500) };
}
