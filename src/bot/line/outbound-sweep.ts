import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps';
import { alertLineLost } from '../../domain/outbox/line-unsent';
import { lineApiFor } from './limited-api';
import { deliverOutbound } from './outbox';

export { OUTBOUND_GIVE_UP_MS, OUTBOUND_MAX_ATTEMPTS, OUTBOUND_RESEND_CAP_MS } from '../../domain/outbox/line-unsent';

/**
 * The `line.outbound` job: take the row over (a new claimant each run) and send it. A
 * transient failure leaves it queued for the next sweep; a refusal for good is recorded and
 * a person under monitoring gets a channel_lost alert.
 */
export async function resendLineOutbound(deps: Deps, outboundId: string): Promise<{ sent: number; failed: number; transient: boolean }> {
  const result = await deliverOutbound(deps, lineApiFor(deps), [outboundId], `sweep:${randomUUID()}`);
  if (result.failed.length) await alertLineLost(deps.db, deps.now(), result.failed.map((f) => f.personId), 'send_failed');
  return { sent: result.sent, failed: result.failed.length, transient: result.transient !== null };
}
