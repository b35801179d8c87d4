/**
 * The voice channel (Twilio calls): what other parts of Mimamori use.
 * - the scheduler tick calls `retryCallOrGiveUp(deps, sessionId)` for a Twilio session
 *   whose next_action_at has passed (the status callback sets it after an unanswered call
 *   or a failed SMS prompt);
 * - src/bot/dispatchers.ts registers `voiceDispatcher`; src/app.ts mounts the webhook.
 */
export { retryCallOrGiveUp, type RetryResult } from './retry';
export { voiceDispatcher } from './dispatcher';
export { createTwilioVoiceRoutes } from './routes';
