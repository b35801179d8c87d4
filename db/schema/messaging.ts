import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { checkSessions } from './checks';
import { createdAt, id, tstz, updatedAt } from './columns';
import { persons } from './persons';

export const INBOUND_PROVIDERS = ['line', 'twilio_sms', 'twilio_voice', 'twilio_status', 'web'] as const;
export type InboundProvider = (typeof INBOUND_PROVIDERS)[number];

/**
 * The inbox: every provider event, stored under its provider id (LINE webhookEventId,
 * Twilio MessageSid …) before it is answered. A duplicate delivery hits the unique index
 * and is a no-op. `seq` orders one sender's events; `processed_at` null = still to do (the
 * sweeper's query).
 */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: id(),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    provider: text('provider', { enum: INBOUND_PROVIDERS }).notNull(),
    providerEventId: text('provider_event_id').notNull(),
    senderKey: text('sender_key'), // hashed sender (LINE userId, phone): ordering, no personal data in job payloads
    payload: jsonb('payload').notNull(),
    receivedAt: tstz('received_at').notNull().defaultNow(),
    processedAt: tstz('processed_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    // A red answer the urgent lane takes (a typed one, by its sender's hint: the intake marks it
    // after the write): ordinary batches leave it to its own job, and the sweeper puts it back there.
    urgent: boolean('urgent').notNull().default(false),
  },
  (t) => [
    uniqueIndex('inbound_events_provider_id_uq').on(t.provider, t.providerEventId),
    index('inbound_events_unprocessed_idx').on(t.receivedAt).where(sql`processed_at is null`),
    index('inbound_events_sender_idx').on(t.senderKey, t.seq),
    // The senders with a red answer waiting (a handful): ordinary batches pass them over (process-in-order.ts).
    index('inbound_events_urgent_sender_idx').on(t.senderKey).where(sql`processed_at is null and urgent`),
  ],
);

export const OUTBOUND_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed'] as const;
export type OutboundStatus = (typeof OUTBOUND_STATUSES)[number];

/**
 * Every message or call we send and what became of it. `retry_key` is unique and derived
 * from what is sent (session + step), so a retried job never sends twice; LINE gets it as
 * X-Line-Retry-Key.
 */
export const outboundMessages = pgTable(
  'outbound_messages',
  {
    id: id(),
    personId: uuid('person_id').references(() => persons.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id').references(() => checkSessions.id),
    channel: text('channel', { enum: ['line', 'sms', 'voice', 'web', 'mail'] }).notNull(),
    kind: text('kind').notNull(), // prompt, reply, reminder, call, closing, link …
    retryKey: text('retry_key').notNull(),
    providerMessageId: text('provider_message_id'),
    status: text('status', { enum: OUTBOUND_STATUSES }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    body: jsonb('body'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('outbound_messages_retry_key_uq').on(t.retryKey),
    index('outbound_messages_provider_id_idx').on(t.providerMessageId),
    index('outbound_messages_person_idx').on(t.personId, t.createdAt),
    // The LINE outbound sweep's query: messages not sent yet, by when they were last touched.
    index('outbound_messages_line_unsent_idx').on(t.updatedAt).where(sql`channel = 'line' and status in ('queued', 'sending')`),
    // The tick's sweep of SMS/voice first prompts recorded but never sent (claim-unsent-prompts.ts).
    // A facility's contact log (its round links: no person, the facility in the body).
    index('outbound_messages_facility_link_idx').on(sql`(body->>'facilityId')`, t.createdAt).where(sql`kind = 'facility_round_link'`),
    index('outbound_messages_twilio_prompt_unsent_idx').on(t.updatedAt).where(sql`channel in ('sms', 'voice') and kind in ('prompt', 'call') and status = 'queued'`),
  ],
);

/**
 * A round's first prompt to up to 500 people, recorded once per LINE multicast rather than
 * once per person (issue 16: a national round is 3,088 rows, not 1.5 M): who it named
 * (`person_ids`, with each one's check in `session_ids` at the same position) and what became
 * of it. `retry_key` is derived from exactly the sessions it names (LINE's X-Line-Retry-Key).
 * A person's contact log, "was this check ever sent" and the not-sent alert read it by person
 * or session through the GIN indexes; an erased or merged person is taken out of the arrays.
 */
export const lineMulticasts = pgTable(
  'line_multicasts',
  {
    id: id(),
    kind: text('kind').notNull(), // prompt
    retryKey: text('retry_key').notNull(),
    personIds: uuid('person_ids').array().notNull(),
    sessionIds: uuid('session_ids').array().notNull(),
    providerMessageId: text('provider_message_id'),
    status: text('status', { enum: OUTBOUND_STATUSES }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    // When LINE accepted it: its sessions' reminder clock starts here.
    sentAt: tstz('sent_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('line_multicasts_retry_key_uq').on(t.retryKey),
    index('line_multicasts_person_ids_idx').using('gin', t.personIds),
    index('line_multicasts_session_ids_idx').using('gin', t.sessionIds),
  ],
);

/**
 * The sent multicasts whose sessions the tick has still to mark prompted (issue 16): not in
 * the send, the morning's busiest minute, but a minute or more later (markMulticastSessions).
 * A table of its own, so the multicast's row is never written for it: an UPDATE touching an
 * indexed column of line_multicasts re-enters the row in both GIN indexes (1,000 entries).
 */
export const lineMulticastMarks = pgTable(
  'line_multicast_marks',
  {
    multicastId: uuid('multicast_id')
      .primaryKey()
      .references(() => lineMulticasts.id, { onDelete: 'cascade' }),
    sentAt: tstz('sent_at').notNull(),
  },
  (t) => [index('line_multicast_marks_sent_idx').on(t.sentAt)],
);
