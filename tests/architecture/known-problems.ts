/**
 * Layer problems that existed when the layer test was written (issue 14), each with why it
 * is still here. The layer test fails on any problem not listed, and on a listed one that
 * no longer exists: fix one, remove its line. Never add a line for new code.
 */
export const KNOWN_PROBLEMS: Record<string, string> = {
  "folder cycle: bot jobs": "issue 14 step 4: jobs call channel code in bot and bot job definitions import jobs/define",
  "nothing imports a door: src/jobs/certificate-notice.ts -> src/bot/text-notice.ts": "issue 14 step 4: written beside closing-notice (issue 22) before step 4; the same fix applies (text-notice handed in by the composition root)",
  "nothing imports a door: src/jobs/closing-notice.ts -> src/bot/text-notice.ts": "issue 14 step 4: the job still calls channel code in bot instead of having it passed in",
  "nothing imports a door: src/jobs/dispatch.ts -> src/bot/dispatchers.ts": "issue 14 step 4: the job still calls channel code in bot instead of having it passed in",
  "nothing imports a door: src/jobs/enqueue-dispatch.ts -> src/bot/dispatchers.ts": "issue 14 step 4: the job still calls channel code in bot instead of having it passed in",
  "nothing imports a door: src/jobs/follow-ups.ts -> src/bot/dispatchers.ts": "issue 14 step 4: the job still calls channel code in bot instead of having it passed in",
  "nothing imports a door: src/jobs/follow-ups.ts -> src/bot/voice/index.ts": "issue 14 step 4: the job still calls channel code in bot instead of having it passed in",
  "nothing imports a door: src/jobs/line-inbound.ts -> src/bot/line/process-inbound.ts": "issue 14 step 4: the handler of the job is channel code in bot; it should be handed to the job by the composition root",
  "nothing imports a door: src/jobs/line-outbound.ts -> src/bot/line/outbound-sweep.ts": "issue 14 step 4: the handler of the job is channel code in bot; it should be handed to the job by the composition root",
  "nothing imports a door: src/jobs/twilio-sms-inbound.ts -> src/bot/twilio/process-inbox.ts": "issue 14 step 4: the handler of the job is channel code in bot; it should be handed to the job by the composition root",
  "nothing imports a door: src/jobs/twilio-status-inbound.ts -> src/bot/twilio/process-inbox.ts": "issue 14 step 4: the handler of the job is channel code in bot; it should be handed to the job by the composition root",
};
