import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { outboundMessages } from '../../../db/schema';
import type { Deps } from '../../deps';
import { TransientSendError } from '../dispatch';
import { LineSendError, type LineApi } from './client';
import type { LineMessage } from './render';
import { lineRetryUuid } from './retry-key';

/** LINE reply tokens are short-lived (about a minute); past this we push instead. */
export const REPLY_TOKEN_FRESH_MS = 50_000;

export interface OutboundBody {
  to: string; // LINE userId (kept in the database only, like person_channels.address)
  messages: LineMessage[];
  replyToken?: string | null;
  replyBy?: string | null; // ISO instant after which the token is not tried
}

/** Record one message request to send, in the caller's transaction; a known retry key adds nothing. */
export async function queueOutbound(
  tx: DbOrTx,
  item: { retryKey: string; kind: string; personId: string | null; sessionId: string | null; body: OutboundBody },
  now: Date,
): Promise<string | null> {
  const [row] = await tx
    .insert(outboundMessages)
    .values({ channel: 'line', kind: item.kind, retryKey: item.retryKey, personId: item.personId, sessionId: item.sessionId, body: item.body, status: 'queued', createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning({ id: outboundMessages.id });
  return row?.id ?? null;
}

export interface DeliveryResult {
  sent: number;
  /** Refused for good (4xx other than 429): recorded as failed. */
  failed: { id: string; personId: string | null; sessionId: string | null; status: number | null }[];
  /** 429/5xx/network: the rows stay queued; the caller throws this for the job to retry. */
  transient: TransientSendError | null;
}

/**
 * Send queued rows: the reply API while the event's reply token is fresh (free of charge),
 * the push API otherwise — with X-Line-Retry-Key from the row's retry key, so a retry is
 * never delivered twice. Every outcome is written back to the row. Transient failures
 * (429/5xx/network) leave the row queued and come back as `transient` for the job to throw.
 */
export async function deliverOutbound(deps: Pick<Deps, 'db' | 'logger' | 'now'>, api: LineApi, ids: string[]): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, failed: [], transient: null };
  if (ids.length === 0) return result;
  const rows = await deps.db
    .select()
    .from(outboundMessages)
    .where(and(inArray(outboundMessages.id, ids), eq(outboundMessages.status, 'queued')));
  // In the order given (the sender's event order), so replies arrive in conversation order.
  rows.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
  for (const row of rows) {
    const body = row.body as OutboundBody;
    const fresh = body.replyToken && body.replyBy && deps.now() < new Date(body.replyBy) && row.attempts === 0;
    try {
      let accepted;
      try {
        accepted = fresh ? await api.reply(body.replyToken!, body.messages) : await api.push(body.to, body.messages, lineRetryUuid(row.retryKey));
      } catch (err) {
        // An expired or already-used reply token: push instead (the retry key guards the push).
        if (!fresh || !(err instanceof LineSendError) || err.transient) throw err;
        accepted = await api.push(body.to, body.messages, lineRetryUuid(row.retryKey));
      }
      await mark(deps.db, row.id, { status: 'sent', providerMessageId: accepted.requestId, errorCode: accepted.duplicate ? 'duplicate_retry_key' : null, errorMessage: null });
      result.sent++;
    } catch (err) {
      const e = err instanceof LineSendError ? err : new LineSendError((err as Error).message, null, true);
      await mark(deps.db, row.id, { status: e.transient ? 'queued' : 'failed', errorCode: e.status === null ? 'network' : String(e.status), errorMessage: e.message.slice(0, 500) });
      deps.logger.warn({ outboundId: row.id, kind: row.kind, status: e.status, transient: e.transient }, 'LINE send failed');
      if (e.transient) result.transient ??= new TransientSendError(e.message, e.retryAfterMs);
      else result.failed.push({ id: row.id, personId: row.personId, sessionId: row.sessionId, status: e.status });
    }
  }
  return result;
}

async function mark(db: DbOrTx, id: string, set: Partial<typeof outboundMessages.$inferInsert>) {
  await db
    .update(outboundMessages)
    .set({ ...set, attempts: sql`${outboundMessages.attempts} + 1`, updatedAt: new Date() })
    .where(eq(outboundMessages.id, id));
}
