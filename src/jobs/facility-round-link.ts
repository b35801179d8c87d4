import { z } from 'zod';
import type { Deps } from '../deps';
import { systemActor, withTransaction } from '../domain/context';
import { markLinksQueued, planFacilityRoundLinks, roundsToSendLinks, type FacilityLinkSend } from '../domain/facilities/facility-round-link';
import { sendOutboxRow } from '../domain/outbox/outbox';
import { defineJob, withJobIds } from './define';
import { markQuiet } from '../platform/quiet-failure';

/**
 * A facility round's signed link to the facility's staff contacts (施設一括報告): queued by
 * the tick once per round when the round opens (sendKey 'auto'), and by 「リンクを再送」 on
 * the facility page (sendKey 'r<ms>'). The payload holds ids only; the link and the
 * addresses are read in the handler. SMS and LINE go through the channels' notice delivery
 * (Deps.channels), mail through the mailer — all claimed → sent → settled in the one
 * outbox, so a retried job sends each message once. A transient failure of one message
 * does not stop the others; the job then fails and retries the rest. An SMS inside quiet
 * hours is held the same way: the job fails with retryAfterMs to their end (planFacilityRoundLinks).
 */
export const facilityRoundLinkJob = defineJob({
  name: 'facilities.round-link',
  queue: 'rounds',
  version: 1,
  payload: z.object({ roundId: z.uuid(), sendKey: z.string().regex(/^(auto|r\d{10,16})$/) }),
  jobId: ({ roundId, sendKey }) => `facility-link:${roundId}:${sendKey}`,
  handler: async ({ roundId, sendKey }, deps: Deps) => {
    const providers = { sms: !!(deps.env.TWILIO_ACCOUNT_SID && deps.env.TWILIO_AUTH_TOKEN && deps.env.TWILIO_FROM_NUMBER), line: !!deps.env.LINE_CHANNEL_ACCESS_TOKEN, mail: !!deps.mailer };
    const plan = await withTransaction(deps.db, { actor: systemActor('facility-round-link'), now: deps.now() }, (ctx) => planFacilityRoundLinks(ctx, { roundId, sendKey, env: deps.env, providers }));
    let failure: unknown = null;
    for (const s of plan.sends) {
      try {
        await send(deps, s);
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure) throw failure;
    // The SMS held by quiet hours: the job comes back when they end (the retry's delay, job-failures.ts)
    // and sends only what is still unsent (the outbox's retry keys).
    if (plan.smsHeldUntil) throw markQuiet(Object.assign(new Error('quiet hours: the facility link SMS waits until they end'), { retryAfterMs: plan.smsHeldUntil.getTime() - deps.now().getTime() }));
    return { sent: plan.sends.length };
  },
});

async function send(deps: Deps, s: FacilityLinkSend): Promise<void> {
  if (s.via === 'sms') return deps.channels.deliverNotice(deps, { via: 'sms', to: s.to, row: s.row });
  if (s.via === 'line') return deps.channels.deliverNotice(deps, { via: 'line', to: s.to, row: s.row, text: s.text });
  const mailer = deps.mailer!;
  let refused: unknown = null;
  await sendOutboxRow(deps, s.row.id, { kind: 'queued' }, async () => {
    try {
      const { messageId } = await mailer.send({ to: s.to, subject: s.subject, text: s.text });
      return { accepted: true, status: 'sent', providerMessageId: messageId };
    } catch (err) {
      refused = err;
      // SMTP 5xx: the address is refused for good; anything else (connection, 4xx) is retried.
      const code = (err as { responseCode?: number }).responseCode;
      const permanent = typeof code === 'number' && code >= 500;
      return { accepted: false, transient: !permanent, errorCode: code ? `smtp_${code}` : 'smtp_error', errorMessage: err instanceof Error ? err.message : String(err) };
    }
  });
  const code = (refused as { responseCode?: number } | null)?.responseCode;
  if (refused && !(typeof code === 'number' && code >= 500)) throw refused;
}

/** The tick's step: one job per round whose link has not been queued yet, then the rounds marked. */
export async function enqueueFacilityRoundLinks(deps: Deps, now: Date): Promise<number> {
  const ids = await roundsToSendLinks(deps.db, now);
  if (!ids.length) return 0;
  await deps.jobs.triggerBulk(facilityRoundLinkJob, withJobIds(facilityRoundLinkJob, ids.map((roundId) => ({ roundId, sendKey: 'auto' }))));
  await markLinksQueued(deps.db, ids, now);
  return ids.length;
}
