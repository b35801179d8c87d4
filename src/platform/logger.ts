import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Personal data never belongs in a log line: log ids only. The
 * redaction list is a safety net for mistakes, not a licence to log objects wholesale.
 */
export function createLogger(opts: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: 'mimamori' },
      redact: {
        paths: ['name', 'nameKana', 'phone', 'address', 'email', 'text', 'userId', 'password', 'token', 'authorization', '*.name', '*.phone', '*.address', '*.email', '*.text', '*.userId', '*.password', '*.token', 'req.headers.authorization', 'req.headers.cookie'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination,
  );
}
