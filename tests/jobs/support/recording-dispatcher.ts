import type { ChannelKind } from '../../../db/schema';
import type { ChannelDispatcher, PromptKind } from '../../../src/bot/dispatch';
import { DISPATCHERS } from '../../../src/bot/dispatchers';

export interface RecordedSend {
  channel: ChannelKind;
  sessionIds: string[];
  kind: PromptKind;
}

/**
 * Test dispatchers that record what the jobs asked them to send (no provider involved).
 * Registered for the test only; restore() puts back whatever was registered before.
 */
export function recordDispatchers(channels: readonly ChannelKind[] = ['line', 'sms', 'voice', 'web']) {
  const sends: RecordedSend[] = [];
  const previous = new Map(channels.map((c) => [c, DISPATCHERS[c]] as const));
  for (const channel of channels) {
    const d: ChannelDispatcher = {
      channel,
      batchSize: channel === 'line' ? 500 : 1,
      async sendPrompts(_deps, sessionIds, kind) {
        sends.push({ channel, sessionIds: [...sessionIds], kind });
      },
    };
    DISPATCHERS[channel] = d;
  }
  return {
    sends,
    /** Session ids sent on a channel with a kind, in order. */
    ids(channel: ChannelKind, kind: PromptKind = 'prompt') {
      return sends.filter((s) => s.channel === channel && s.kind === kind).flatMap((s) => s.sessionIds);
    },
    restore() {
      for (const [c, d] of previous) {
        if (d) DISPATCHERS[c] = d;
        else delete DISPATCHERS[c];
      }
    },
  };
}
