import pino, { type Logger } from 'pino';
import { CENSOR, REDACT_PATHS, scrubQueryParams } from './log-scrub';

export type { Logger };
export { scrubQueryParams };

/**
 * Structured JSON logs. Personal data never belongs in a log line: log ids only. The
 * redaction list (src/platform/log-scrub.ts, shared with the Workers logger) is a safety
 * net for mistakes, not a licence to log objects wholesale.
 */
export function createLogger(opts: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: 'mimamori' },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      timestamp: pino.stdTimeFunctions.isoTime,
      // A failed query's error (drizzle) carries its parameters — a patient's answer, phone
      // number or LINE user id — in its message and stack: keep the SQL, drop the values.
      formatters: { log: (object) => ('err' in object ? { ...object, err: scrubQueryParams(object.err) } : object) },
    },
    opts.destination,
  );
}
