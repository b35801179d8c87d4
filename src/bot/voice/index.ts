/**
 * The voice channel (Twilio calls): what other parts of Mimamori use.
 * - the reminder chain's call job (src/jobs/follow-ups.ts) calls `retryCallOrGiveUp` for a
 *   session already called once; the status callback moves the session's next_action_at
 *   after an unanswered call or a failed SMS, and the tick takes the next step then;
 * - src/bot/dispatchers.ts registers `voiceDispatcher`; src/app.ts mounts the webhook.
 */
export { retryCallOrGiveUp, type RetryResult } from './retry';
export { voiceDispatcher } from './dispatcher';
export { createTwilioVoiceRoutes } from './routes';
