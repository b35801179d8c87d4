import { defineJob } from './define';
import { twilioStatusInboundTarget } from './inbound-jobs';
import { processTwilioInbox } from '../bot/twilio/process-inbox';

/** Process a message/call status callback (in order with the sender's other Twilio events). */
export const processTwilioStatus = defineJob({
  ...twilioStatusInboundTarget,
  version: 1,
  handler: async ({ eventId }, deps) => processTwilioInbox(deps, eventId),
});
