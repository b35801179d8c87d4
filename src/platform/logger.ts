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
      // A failed query's error (drizzle) carries its parameters — a patient's answer, phone
      // number or LINE user id — in its message and stack: keep the SQL, drop the values.
      formatters: { log: (object) => ('err' in object ? { ...object, err: scrubQueryParams(object.err) } : object) },
    },
    opts.destination,
  );
}

const PARAMS = /\nparams: [\s\S]*?(?=\n {4}at |$)/g;

/** Remove drizzle's "params: …" section from an error (a string, or an object's message and stack). */
export function scrubQueryParams(err: unknown): unknown {
  if (typeof err === 'string') return err.replace(PARAMS, '\nparams: [redacted]');
  if (err && typeof err === 'object') {
    const out: Record<string, unknown> = { ...(err as Record<string, unknown>) };
    for (const key of ['message', 'stack']) if (typeof out[key] === 'string') out[key] = (out[key] as string).replace(PARAMS, '\nparams: [redacted]');
    if ('params' in out) out.params = '[redacted]';
    return out;
  }
  return err;
}
