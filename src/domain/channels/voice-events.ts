import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { inboundEvents } from '../../../db/schema';
import type { OutMessage } from '../../flows';

/** Which spoken guides went with a question (src/bot/voice/hints.ts AskHints). */
interface AskHints {
  repeat: boolean;
  keypad: boolean;
}

/** What a voice event keeps: the request, the session, and what we said back (to repeat it exactly). */
export interface VoiceEventPayload {
  params: Record<string, string>;
  sessionId: string;
  reply?: { say: string[]; ask?: OutMessage; hints?: AskHints };
}

/**
 * Store one voice request under `${CallSid}:${step}`. Null when the same request was
 * already stored (Twilio retried it): the caller re-renders the stored reply instead of
 * advancing the check again.
 */
export async function storeVoiceEvent(tx: DbOrTx, row: { providerEventId: string; senderKey: string; payload: VoiceEventPayload; now: Date }): Promise<{ id: string } | { duplicate: VoiceEventPayload }> {
  const [inserted] = await tx
    .insert(inboundEvents)
    .values({ provider: 'twilio_voice', providerEventId: row.providerEventId, senderKey: row.senderKey, payload: row.payload, receivedAt: row.now, processedAt: row.now, attempts: 1 })
    .onConflictDoNothing()
    .returning({ id: inboundEvents.id });
  if (inserted) return inserted;
  const [existing] = await tx
    .select({ payload: inboundEvents.payload })
    .from(inboundEvents)
    .where(and(eq(inboundEvents.provider, 'twilio_voice'), eq(inboundEvents.providerEventId, row.providerEventId)));
  return { duplicate: existing!.payload as VoiceEventPayload };
}

/** Keep what we said; `askedIn` moves the event to the session the question belongs to (a household call going on to the next member's check). */
export async function saveReply(tx: DbOrTx, eventId: string, reply: VoiceEventPayload['reply'], askedIn?: string): Promise<void> {
  await tx
    .update(inboundEvents)
    .set({ payload: sql`${inboundEvents.payload} || ${JSON.stringify(askedIn ? { reply, sessionId: askedIn } : { reply })}::jsonb` })
    .where(eq(inboundEvents.id, eventId));
}

/** The question we last asked in this session on a call (the newest voice event that asked one). */
export async function lastAsked(tx: DbOrTx, senderKey: string, sessionId: string): Promise<OutMessage | null> {
  const rows = await tx
    .select({ payload: inboundEvents.payload })
    .from(inboundEvents)
    .where(and(eq(inboundEvents.provider, 'twilio_voice'), eq(inboundEvents.senderKey, senderKey), sql`${inboundEvents.payload}->>'sessionId' = ${sessionId}`, sql`${inboundEvents.payload}->'reply'->'ask' is not null`))
    .orderBy(desc(inboundEvents.seq))
    .limit(1);
  return (rows[0]?.payload as VoiceEventPayload | undefined)?.reply?.ask ?? null;
}
