import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { InboxRow } from '../intake/inbox-writer';

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

/** The ordering key of a sender: SHA-256 of the LINE userId, never the id itself. */
export async function senderKeyOf(userId: string): Promise<string> {
  return createHash('sha256').update(`line:${userId}`).digest('hex');
}

/**
 * The inbox rows of a webhook body: each event under its webhookEventId (a duplicate or a
 * redelivery hits the unique index and stores nothing), its sender as a hashed key.
 */
export async function lineInboxRows(body: LineWebhookBody, now: Date): Promise<InboxRow[]> {
  return Promise.all(
    body.events.map(async (e) => ({
      provider: 'line' as const,
      providerEventId: e.webhookEventId,
      senderKey: e.source?.userId ? await senderKeyOf(e.source.userId) : null,
      payload: e,
      receivedAt: now,
    })),
  );
}
