import { and, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../../db/client';
import { inboundEvents } from '../../../db/schema';
import type { JobRunner } from '../../jobs/runner';
import { inboundJobId, lineInboundTarget } from '../intake/inbound-jobs';

/** The parts of a webhook body the intake relies on; the rest of each event is kept as-is. */
const webhookBodySchema = z.object({
  destination: z.string().optional(),
  events: z.array(
    z.looseObject({
      type: z.string(),
      webhookEventId: z.string().min(1).max(100),
      timestamp: z.number().optional(),
      source: z.looseObject({ type: z.string(), userId: z.string().optional() }).optional(),
      deliveryContext: z.looseObject({ isRedelivery: z.boolean() }).optional(),
    }),
  ),
});
export type LineWebhookBody = z.infer<typeof webhookBodySchema>;

export type ParsedBody = { ok: true; body: LineWebhookBody } | { ok: false; message: string };

/** Raw bytes to a webhook body: malformed JSON or a body without events is a clear 400. */
export function parseWebhookBody(raw: Uint8Array): ParsedBody {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    return { ok: false, message: 'the body is not valid JSON' };
  }
  const parsed = webhookBodySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `not a LINE webhook body: ${issue?.path.join('.') || '(body)'} ${issue?.message ?? ''}`.trim() };
  }
  return { ok: true, body: parsed.data };
}

/** The ordering key of a sender: SHA-256 of the LINE userId (Web Crypto), never the id itself. */
export async function senderKeyOf(userId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`line:${userId}`)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Inbox first: store every event under its webhookEventId (a duplicate or a redelivery
 * hits the unique index and stores nothing), then enqueue one job per event still to do.
 * Throws on a database error, so the caller answers 5xx and LINE redelivers.
 * Returns how many events were new. An unreachable Redis loses nothing: the rows wait
 * for the sweeper. On Node this enqueue is the only one (the insert trigger does not
 * announce Node's rows to the inbound listener); on Workers `jobs` enqueues nothing and
 * the trigger's NOTIFY does the announcing.
 */
export async function storeLineEvents(db: Db, jobs: Pick<JobRunner, 'triggerBulk'>, body: LineWebhookBody, now: Date): Promise<{ stored: number }> {
  if (body.events.length === 0) return { stored: 0 };
  const rows = await Promise.all(
    body.events.map(async (e) => ({
      provider: 'line' as const,
      providerEventId: e.webhookEventId,
      senderKey: e.source?.userId ? await senderKeyOf(e.source.userId) : null,
      payload: e,
      receivedAt: now,
    })),
  );
  const inserted = await db.insert(inboundEvents).values(rows).onConflictDoNothing().returning({ id: inboundEvents.id });
  let ids = inserted.map((r) => r.id);
  if (inserted.length < rows.length) {
    // Seen before: enqueue again only what is still unprocessed (the job id dedupes in Redis).
    const again = await db
      .select({ id: inboundEvents.id })
      .from(inboundEvents)
      .where(and(eq(inboundEvents.provider, 'line'), inArray(inboundEvents.providerEventId, rows.map((r) => r.providerEventId)), isNull(inboundEvents.processedAt)));
    ids = [...new Set([...ids, ...again.map((r) => r.id)])];
  }
  await jobs.triggerBulk(lineInboundTarget, ids.map((eventId) => ({ payload: { eventId }, jobId: inboundJobId(eventId) })));
  return { stored: inserted.length };
}
