import type { ChannelWork } from '../jobs/channel-work';
import { DISPATCHERS } from './dispatchers';
import { processLineInbound } from './line/process-inbound';
import { resendLineOutbound } from './line/outbound-sweep';
import { deliverNotice, planNotice } from './text-notice';
import { processTwilioInbox } from './twilio/process-inbox';
import { retryCallOrGiveUp } from './voice';

/**
 * The channel code the jobs run, handed to them by the composition root (Deps.channels,
 * built in src/boot.ts): the jobs (src/jobs) never import src/bot.
 */
export const botChannelWork: ChannelWork = {
  dispatchers: DISPATCHERS,
  retryCallOrGiveUp,
  processInbound: { line: processLineInbound, twilio_sms: processTwilioInbox, twilio_status: processTwilioInbox },
  resendLineOutbound,
  planNotice,
  deliverNotice,
};
