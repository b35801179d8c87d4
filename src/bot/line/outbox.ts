import type { Ctx } from '../../domain/context';
import { claimLeased, claimLeasedMany, queueLineOutbound, settleOutboundMany, type OutboundRow, type OutboundSettlement } from '../../domain/outbox/outbound-messages';
import { settlementOf, type ChannelSend } from '../../domain/outbox/outbox';
import { QUEUED_LEASE_MS, SENDING_LEASE_MS } from '../../domain/outbox/line-unsent';
import type { Deps } from '../../deps';
import { TransientSendError } from '../dispatch';
import { isUsedReplyToken, LineSendError, type LineAccepted, type LineApi } from './client';
import type { LineMessage } from './render';
import { lineRetryUuid } from './retry-key';

type DbOrTx = Ctx['tx'];

/** LINE reply tokens are short-lived (about a minute); past this we push instead. */
export const REPLY_TOKEN_FRESH_MS = 50_000;

/** Recipients one delivery sends to at once (each recipient's rows one after another). */
const SEND_LANES = 8;

export { QUEUED_LEASE_MS, SENDING_LEASE_MS } from '../../domain/outbox/line-unsent';
/** The lease a LINE row is claimed under (claimOutbound). */
export const LINE_LEASE = { queuedMs: QUEUED_LEASE_MS, sendingMs: SENDING_LEASE_MS };

export interface OutboundBody {
  to: string; // LINE userId (kept in the database only, like person_channels.address)
  messages: LineMessage[];
  replyToken?: string | null;
  replyBy?: string | null; // ISO instant after which the token is not tried
  /** Who sends the row: the run that queued it (`event:<id>` …), or the sweep once it took over. */
  owner?: string;
  /** How it went out, or was last tried. */
  via?: 'reply' | 'push';
}

/** Record one message request to send, in the caller's transaction; a known retry key adds nothing. */
export async function queueOutbound(
  tx: DbOrTx,
  item: { retryKey: string; kind: string; personId: string | null; sessionId: string | null; body: OutboundBody },
  now: Date,
): Promise<string | null> {
  return queueLineOutbound(tx, item, now);
}

export interface DeliveryResult {
  sent: number;
  /** Refused for good (4xx other than 429): recorded as failed. */
  failed: { id: string; personId: string | null; sessionId: string | null; status: number | null }[];
  /** 429/5xx/network: the rows stay queued; the caller throws this for the job to retry. */
  transient: TransientSendError | null;
}

/**
 * Take a row for sending, atomically: its owner takes it when queued (or, after a crash,
 * when still marked as sending — a job only runs again once BullMQ gave its earlier run up);
 * anyone else only after the lease. Two jobs of one sender or a job and the sweep never
 * send a row twice, so a reply token is used once. Returns the row, or null if not ours.
 */
export async function claimOutbound(db: DbOrTx, id: string, claimant: string, now: Date): Promise<OutboundRow | null> {
  return claimLeased(db, id, claimant, now, LINE_LEASE);
}

/**
 * Send rows through the one outbox (claim → send → settle, src/domain/outbox/outbox.ts)
 * with LINE's send (lineSend), a statement for the claim and one for the settlement of all
 * the rows: every row is claimed first (`claimant` names this run; a row someone else is
 * sending is skipped), sent, and the outcomes written back together. Transient failures
 * (429/5xx/network) put the row back in the queue, hold back that person's later rows (so
 * messages keep their order; released unsent) and come back as `transient`. A crash between
 * the sends and the settlement leaves the rows `sending` under this run's name: its retry
 * (or the sweep after the lease) sends them again by push with their retry keys.
 */
export async function deliverOutbound(deps: Pick<Deps, 'db' | 'logger' | 'now'>, api: LineApi, ids: string[], claimant: string, claimed: readonly OutboundRow[] = []): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, failed: [], transient: null };
  if (ids.length === 0) return result;
  // Every row ours to send: the ones recorded claimed by this run (recordClaimedLineOutbound),
  // the others claimed in one statement (a row someone else is sending is left out) …
  const mine = new Map(claimed.map((r) => [r.id, r]));
  const rows = [...ids.flatMap((id) => mine.get(id) ?? []), ...(await claimLeasedMany(deps.db, ids.filter((id) => !mine.has(id)), claimant, deps.now(), LINE_LEASE))];
  // … in the order given (the sender's event order), so replies arrive in conversation order.
  rows.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
  // One chain a recipient, the chains side by side (a few at a time): a recipient's
  // messages keep their order, and one reply never waits for another recipient's.
  const byRecipient = new Map<string, OutboundRow[]>();
  for (const row of rows) {
    const to = (row.body as OutboundBody).to;
    byRecipient.set(to, [...(byRecipient.get(to) ?? []), row]);
  }
  const send = lineSend(deps, api);
  const settled: OutboundSettlement[] = [];
  const chains = [...byRecipient.values()];
  let next = 0;
  const lane = async () => {
    while (next < chains.length) {
      const chain = chains[next++]!;
      for (const [i, row] of chain.entries()) {
        const outcome = await send(row);
        settled.push({ id: row.id, set: settlementOf(outcome), merge: outcome.merge });
        if (outcome.accepted) result.sent++;
        else if (outcome.transient) {
          result.transient ??= new TransientSendError(outcome.errorMessage, outcome.retryAfterMs);
          // This recipient's later rows wait (order kept): back to queued, their attempt not counted.
          for (const later of chain.slice(i + 1)) settled.push({ id: later.id, release: true });
          break;
        } else result.failed.push({ id: row.id, personId: row.personId, sessionId: row.sessionId, status: outcome.errorCode === 'network' ? null : Number(outcome.errorCode) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEND_LANES, chains.length) }, lane));
  // Every outcome written back in one statement.
  await settleOutboundMany(deps.db, settled, deps.now());
  return result;
}

/**
 * LINE's one send, for a claimed row: the reply API while the row's reply token is fresh
 * and unused (free of charge), the push API otherwise — with X-Line-Retry-Key from the
 * row's retry key, so a retry is never delivered twice. `message` stands in for the body's
 * recipient and messages (a notice's row keeps only its text). How it went out is added
 * to the row (`via`).
 */
export function lineSend(deps: Pick<Deps, 'logger' | 'now'>, api: LineApi, message?: { to: string; messages: LineMessage[] }): ChannelSend {
  return async (row) => {
    const body = (row.body ?? {}) as OutboundBody;
    const to = message?.to ?? body.to;
    const messages = message?.messages ?? body.messages;
    // attempts counts this try. The token is tried on the first one, and again on a later one
    // when the last try was a reply whose outcome is unknown (a 5xx or no answer: LINE may
    // have taken it; a 429 took nothing) — a push then could send the message twice, and a
    // token refused now was used by that try. An expired token, or a try that pushed, pushes.
    const tokenLive = Boolean(body.replyToken && body.replyBy && deps.now() < new Date(body.replyBy));
    const replyTriedBefore = row.attempts > 1 && body.via === 'reply';
    const fresh = tokenLive && (row.attempts === 1 || replyTriedBefore);
    let via: 'reply' | 'push' = fresh ? 'reply' : 'push';
    const push = () => api.push(to, messages, lineRetryUuid(row.retryKey));
    try {
      let accepted: LineAccepted;
      try {
        accepted = fresh ? await api.reply(body.replyToken!, messages) : await push();
      } catch (err) {
        if (!fresh || !(err instanceof LineSendError) || err.transient) throw err;
        // Refused after an earlier try that may have gone out: that try used it.
        if (replyTriedBefore && isUsedReplyToken(err)) return { accepted: true, status: 'sent', providerMessageId: null, errorCode: 'reply_token_used', merge: { via } };
        // An expired or already-used reply token: push instead (the retry key guards the push).
        via = 'push';
        accepted = await push();
      }
      // Accepted earlier: by its retry key (a push), or by an earlier try of its reply token that got no answer.
      const earlier = via === 'reply' ? 'reply_token_used' : 'duplicate_retry_key';
      return { accepted: true, status: 'sent', providerMessageId: accepted.requestId, errorCode: accepted.duplicate ? earlier : null, merge: { via } };
    } catch (err) {
      const e = err instanceof LineSendError ? err : new LineSendError((err as Error).message, null, true);
      deps.logger.warn({ outboundId: row.id, kind: row.kind, via, status: e.status, transient: e.transient }, 'LINE send failed');
      return { accepted: false, transient: e.transient, errorCode: e.status === null ? 'network' : String(e.status), errorMessage: e.message, retryAfterMs: e.retryAfterMs, merge: { via } };
    }
  };
}
