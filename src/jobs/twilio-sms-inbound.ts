import { defineJob } from './define';
import { twilioSmsInboundTarget } from './inbound-jobs';
import { processTwilioInbox } from '../bot/twilio/process-inbox';

/** Process an inbound SMS (and any earlier unprocessed Twilio events of the same sender). */
export const processTwilioSms = defineJob({
  ...twilioSmsInboundTarget,
  version: 1,
  handler: async ({ eventId }, deps) => processTwilioInbox(deps, eventId),
});
