
/** A send that may succeed later (429, 5xx, timeout): the job retries with backoff. */
export class TransientSendError extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'TransientSendError';
  }
}

export type { PromptKind } from '../domain/rounds/record-dispatch';
/** What a channel implements for the dispatch jobs (defined by the jobs, src/jobs/channel-work.ts). */
export type { ChannelDispatcher } from '../jobs/channel-work';
