import type { Deps } from '../deps';
import type { ChannelKind } from '../domain/channels/person-on-channel';
import type { Ctx } from '../domain/context';
import type { OutboundRow } from '../domain/outbox/outbound-messages';
import type { PromptKind } from '../domain/rounds/record-dispatch';
import type { LinkRecipient } from '../domain/web/link-message';

/**
 * How the jobs send a check's first prompt or a reminder on a channel. Each channel
 * implements it in src/bot/<channel>/ and records every message in outbound_messages
 * (retry key derived from session + kind, so a retried job never sends twice). A
 * permanent failure (blocked user, invalid number) is recorded, the channel marked
 * unreachable and a "channel_lost" alert raised inside; only transient failures throw
 * TransientSendError.
 */
export type ChannelDispatcher = CheckedDispatcher | RecheckingDispatcher;

interface DispatcherBase {
  channel: ChannelKind;
  /** Most sessions one call may take: LINE multicasts up to 500 people; SMS and voice take 1. */
  batchSize: number;
}

/**
 * A dispatcher given the sessions the job re-checked (sessionsStillToSend). One whose sent
 * sessions are marked prompted later returns their ids (`markedLater`): the job starts the
 * reminder clock only for the others.
 */
export interface CheckedDispatcher extends DispatcherBase {
  rechecks?: false;
  sendPrompts(deps: Deps, sessionIds: string[], kind: PromptKind, opts?: SendOptions): Promise<void | SendResult>;
}

/**
 * A dispatcher that re-checks the sessions itself, in the statement that loads what it sends
 * (sessionsStillToSend's rules, stillToSendSql): a LINE multicast's 500 sessions and their
 * persons are then read once, not twice. It always says which it found still to send.
 */
export interface RecheckingDispatcher extends DispatcherBase {
  rechecks: true;
  sendPrompts(deps: Deps, sessionIds: string[], kind: PromptKind, opts?: SendOptions): Promise<SendResult & { /** The sessions it found still to send. */ stillToSend: readonly string[] }>;
}

export interface SendResult {
  /** Those the dispatcher's own later step marks prompted. */
  markedLater?: readonly string[];
}

export interface SendOptions {
  /**
   * The job's first run (BullMQ: no attempt made, none started before): nothing of it can
   * have been sent yet, so a dispatcher may skip looking for what a previous run sent.
   * Absent = assume a retry.
   */
  firstAttempt?: boolean;
}

/** One notice to a person outside a conversation (closing message, certificate link, web link). */
export interface NoticeInput {
  personId: string;
  sessionId?: string | null;
  kind: string; // web_link_prompt, closing …
  retryKey: string;
  text: (who: LinkRecipient) => string;
  /**
   * The person's own channel, tried first (the closing message): LINE people get LINE, SMS
   * people SMS, voice people a short call saying `spoken`. Default (web links): SMS, then LINE.
   */
  channel?: ChannelKind;
  /** What a short call says, for a person whose channel is voice. */
  spoken?: (who: LinkRecipient) => string[];
}

/** A notice recorded in the outbox and still to send after the transaction commits (null: nothing to send). */
export type NoticePlan =
  | { via: 'sms'; to: string; row: OutboundRow }
  | { via: 'line'; to: string; row: OutboundRow; text: string }
  | { via: 'call'; to: string; row: OutboundRow; twiml: string }
  | null;

/**
 * What the job handlers call in the channel doors (src/bot). The jobs own their
 * definitions (name, queue, payload, id); the channel code they run is handed in by the
 * composition root (src/boot.ts puts src/bot/channel-work.ts into Deps.channels), so
 * nothing in src/jobs imports src/bot.
 */
export interface ChannelWork {
  /** The dispatcher of each channel; the dispatch and call jobs look a session's channel up here. */
  dispatchers: Partial<Record<ChannelKind, ChannelDispatcher>>;
  /** The reminder chain's call to a session already called once: retried, or given up by the voice channel's rules. */
  retryCallOrGiveUp(deps: Deps, sessionId: string): Promise<string>;
  /**
   * The inbound job of each provider: the sender's stored events handled in order
   * (domain/inbox/process-in-order.ts); `batchSize` 1 (the urgent lane) takes no other sender.
   */
  processInbound: Record<'line' | 'twilio_sms' | 'twilio_status', (deps: Deps, eventId: string, opts?: { batchSize?: number }) => Promise<unknown>>;
  /** Send a LINE outbox row again (the `line.outbound` job of the tick's outbound sweep). */
  resendLineOutbound(deps: Deps, outboundId: string): Promise<unknown>;
  /** Record a notice in the caller's transaction on the first route that reaches the person. */
  planNotice(deps: Deps, ctx: Ctx, input: NoticeInput): Promise<NoticePlan>;
  /** Send a planned notice after commit; transient failures throw (the job retries with the same key). */
  deliverNotice(deps: Deps, plan: NoticePlan): Promise<void>;
}
