import type { ChannelKind } from '../domain/channels/person-on-channel';
import type { Deps } from '../deps';

/** A send that may succeed later (429, 5xx, timeout): the job retries with backoff. */
export class TransientSendError extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'TransientSendError';
  }
}

export type { PromptKind } from '../domain/rounds/record-dispatch';
import type { PromptKind } from '../domain/rounds/record-dispatch';

/**
 * How the jobs send a check's first prompt or a reminder on a channel. Each channel
 * implements it in src/bot/<channel>/ and records every message in outbound_messages
 * (retry key derived from session + kind, so a retried job never sends twice). A
 * permanent failure (blocked user, invalid number) is recorded, the channel marked
 * unreachable and a "channel_lost" alert raised inside; only transient failures throw
 * TransientSendError.
 */
export interface ChannelDispatcher {
  channel: ChannelKind;
  /** Most sessions one call may take: LINE multicasts up to 500 people; SMS and voice take 1. */
  batchSize: number;
  sendPrompts(deps: Deps, sessionIds: string[], kind: PromptKind): Promise<void>;
}
