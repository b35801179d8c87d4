import type { ChannelKind } from '../domain/channels/person-on-channel';
import type { ChannelDispatcher } from './dispatch';
import { lineDispatcher } from './line/dispatcher';
import { smsDispatcher } from './sms/dispatcher';
import { voiceDispatcher } from './voice/dispatcher';
import { webDispatcher } from './web/dispatcher';

/** The dispatcher of each channel; the jobs look a session's channel up here. */
export const DISPATCHERS: Partial<Record<ChannelKind, ChannelDispatcher>> = {
  line: lineDispatcher,
  web: webDispatcher,
  sms: smsDispatcher,
  voice: voiceDispatcher,
};
