import { defineJob } from '../../jobs/define';
import { twilioSmsInboundTarget } from '../intake/inbound-jobs';
import { processTwilioInbox } from '../twilio/process-inbox';

/** Process an inbound SMS (and any earlier unprocessed Twilio events of the same sender). */
export const processTwilioSms = defineJob({
  ...twilioSmsInboundTarget,
  version: 1,
  handler: async ({ eventId }, deps) => processTwilioInbox(deps, eventId),
});
