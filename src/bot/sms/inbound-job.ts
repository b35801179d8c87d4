import { z } from 'zod';
import { defineJob } from '../../jobs/define';
import { processTwilioInbox } from '../twilio/process-inbox';

/** Process an inbound SMS (and any earlier unprocessed Twilio events of the same sender). */
export const processTwilioSms = defineJob({
  name: 'inbound.twilio_sms',
  queue: 'inbound',
  version: 1,
  payload: z.object({ eventId: z.string().uuid() }),
  handler: async ({ eventId }, deps) => processTwilioInbox(deps, eventId),
});
