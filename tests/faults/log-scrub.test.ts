import { describe, expect, it } from 'vitest';
import { createLogger, scrubQueryParams } from '../../src/platform/logger';
import { LogCapture } from '../support/deps';

// A database failure during a webhook logs the failed query; drizzle puts the values in
// the message ("params: …") — a patient's answer, phone number, LINE user id. Unit test of
// the logger's scrubbing (the outage itself is in postgres-outage.test.ts).
describe('failed-query errors in logs', () => {
  const message = 'Failed query: insert into "inbound_events" ("provider", "payload") values ($1, $2)\nparams: twilio_sms,{"From":"+819012345678","Body":"熱が３８度あります"}';
  const stack = `Error: ${message}\n    at PostgresJsPreparedQuery.queryWithCache (session.js:41:15)\n    at storeInboundEvent (inbox.ts:16:22)`;

  it('keeps the SQL and the stack frames, drops the parameters', () => {
    const out = scrubQueryParams({ message, stack, params: ['twilio_sms', '+819012345678'] }) as Record<string, string>;
    for (const v of [out.message, out.stack, String(out.params)]) {
      expect(v).not.toContain('+819012345678');
      expect(v).not.toContain('３８度');
    }
    expect(out.message).toBe('Failed query: insert into "inbound_events" ("provider", "payload") values ($1, $2)\nparams: [redacted]');
    expect(out.stack).toContain('at storeInboundEvent (inbox.ts:16:22)');
    expect(scrubQueryParams(message)).toContain('params: [redacted]');
    expect(scrubQueryParams('plain error')).toBe('plain error');
  });

  it('is applied to every `err` the logger writes, as an object or a string', () => {
    const logs = new LogCapture();
    const logger = createLogger({ level: 'info', destination: logs });
    logger.error({ err: { message, stack } }, 'unhandled error');
    logger.warn({ err: message }, 'job failed');
    logger.info({ sessionId: 'x' }, 'no error here');
    expect(logs.lines).toHaveLength(3);
    expect(logs.text).not.toContain('+819012345678');
    expect(logs.text).not.toContain('３８度');
    expect(logs.text.match(/params: \[redacted\]/g)!.length).toBe(3);
    expect(logs.text).toContain('"sessionId":"x"');
  });
});
