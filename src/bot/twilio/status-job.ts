import { z } from 'zod';
import { defineJob } from '../../jobs/define';
import { processTwilioInbox } from './process-inbox';

/** Process a message/call status callback (in order with the sender's other Twilio events). */
export const processTwilioStatus = defineJob({
  name: 'inbound.twilio_status',
  queue: 'inbound',
  version: 1,
  payload: z.object({ eventId: z.string().uuid() }),
  handler: async ({ eventId }, deps) => processTwilioInbox(deps, eventId),
});
