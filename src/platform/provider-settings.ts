import type { Env } from '../config/env';
import type { Logger } from './logger';

/** Which providers this server can reach: both settings of LINE, all three of Twilio. */
export function providersConfigured(env: Env): { line: boolean; twilio: boolean } {
  return {
    line: !!(env.LINE_CHANNEL_SECRET && env.LINE_CHANNEL_ACCESS_TOKEN),
    twilio: !!(env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM_NUMBER),
  };
}

/**
 * Said once at start, so that a send refused for want of settings need not be logged per job
 * (the runner logs those at debug: src/jobs/runner.ts, quiet failures).
 */
export function logProviderSettings(env: Env, logger: Logger): void {
  const { line, twilio } = providersConfigured(env);
  if (!line) logger.info({ setting: 'LINE_CHANNEL_SECRET' }, 'LINE is not configured (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN): no LINE messages are sent');
  if (!twilio) logger.info({ setting: 'TWILIO_ACCOUNT_SID' }, 'Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER): no SMS or voice calls are made; each such send is recorded as failed (no_provider) without a log line');
}

/** The console's address: PUBLIC_BASE_URL when it was set to something else than the default, else this port on localhost. */
export function consoleUrl(env: Env, port: number): string {
  const base = env.PUBLIC_BASE_URL === 'http://localhost:3000' ? `http://localhost:${port}` : env.PUBLIC_BASE_URL.replace(/\/$/, '');
  return `${base}/admin`;
}
