import { defineJob } from './define';
import { twilioStatusInboundTarget } from './inbound-jobs';

/** Process a message/call status callback (in order with the sender's other Twilio events). */
export const processTwilioStatus = defineJob({
  ...twilioStatusInboundTarget,
  version: 1,
  handler: async ({ eventId }, deps) => deps.channels.processInbound.twilio_status(deps, eventId),
});
