import { defineJob } from './define';
import { twilioSmsInboundTarget } from './inbound-jobs';

/** Process an inbound SMS (and any earlier unprocessed Twilio events of the same sender). */
export const processTwilioSms = defineJob({
  ...twilioSmsInboundTarget,
  version: 1,
  handler: async ({ eventId }, deps) => deps.channels.processInbound.twilio_sms(deps, eventId),
});
